// Integration: the nginx auth_request shape, with deploy/nginx/spotauth-auth-request.conf
// included as it is into a real nginx in front of spotauth and the app.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "testing/echo_app.h"
#include "testing/login_harness.h"
#include "testing/loopback_ports.h"
#include "testing/read_file.h"

namespace spotauth::server::testing {
namespace {

namespace json = boost::json;
using spotauth::testing::EchoApp;

// nginx in the foreground on `port`, with the deploy snippet in its server block.
class SnippetNginx {
 public:
  SnippetNginx(std::uint16_t port, std::uint16_t spotauth_port, std::uint16_t app_port) {
    dir_ = std::filesystem::temp_directory_path() /
           ("spotauth-nginx-" + std::to_string(::getpid()) + "-" + std::to_string(port));
    std::filesystem::create_directories(dir_ / "temp");
    const std::string d = dir_.string();
    std::ofstream(dir_ / "nginx.conf")
        << "daemon off;\nworker_processes 1;\npid " << d << "/nginx.pid;\nerror_log " << d
        << "/error.log warn;\nevents { worker_connections 256; }\nhttp {\n"
        << "  access_log off;\n  client_body_temp_path " << d << "/temp;\n  proxy_temp_path " << d
        << "/temp;\n  fastcgi_temp_path " << d << "/temp;\n  uwsgi_temp_path " << d
        << "/temp;\n  scgi_temp_path " << d << "/temp;\n"
        << "  upstream spotauth { server 127.0.0.1:" << spotauth_port << "; keepalive 4; }\n"
        << "  upstream app { server 127.0.0.1:" << app_port << "; keepalive 4; }\n"
        << "  server {\n    listen 127.0.0.1:" << port << ";\n    include " << SPOTAUTH_SOURCE_DIR
        << "/deploy/nginx/spotauth-auth-request.conf;\n  }\n}\n";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, STDIN_FILENO);
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
      ::execl("/usr/sbin/nginx", "nginx", "-p", d.c_str(), "-c", (d + "/nginx.conf").c_str(), "-e",
              (d + "/error.log").c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 500 && !spotauth::testing::AcceptsConnections(port); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~SnippetNginx() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string ErrorLog() const {
    return spotauth::testing::ReadFile((dir_ / "error.log").string());
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

std::uint16_t OnePort() {
  std::array<std::uint16_t, 1> port{};
  EXPECT_TRUE(spotauth::testing::PickLoopbackPorts(port));
  return port[0];
}

TEST(GatewayBehindNginx, AuthRequestSnippetSignsInAndPassesTheIdentity) {
  std::string error;
  auto app = EchoApp::Start(&error);
  ASSERT_TRUE(app) << error;
  const std::uint16_t nginx_port = OnePort();
  const std::string site = "http://127.0.0.1:" + std::to_string(nginx_port);
  LoginHarness harness(
      {.extra = {{"SPOTAUTH_UPSTREAM", app->Origin()}, {"SPOTAUTH_PASS_ACCESS_TOKEN", "1"}},
       .redirect_uri = site + "/spotauth/callback"});
  SnippetNginx nginx(nginx_port, harness.Port(), app->port());
  ASSERT_TRUE(spotauth::testing::AcceptsConnections(nginx_port)) << nginx.ErrorLog();

  TestBrowser browser;
  // Anonymous: nginx asks spotauth, gets 401, and starts a login for the same target.
  Page start = browser.Request(beast_http::verb::get, site + "/reports?month=11&year=2026", {},
                               {{"X-Spotify-User-Id", "admin"}});
  ASSERT_EQ(start.status, 302u) << start.body << nginx.ErrorLog();
  EXPECT_EQ(start.Header("Location").rfind(harness.SpotifyOrigin() + "/authorize?", 0), 0u);
  Page page = browser.Navigate(start.Header("Location"));
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_EQ(page.url, site + "/reports?month=11&year=2026");

  // Signed in: the app gets the identity from nginx, and a spoofed field is replaced.
  Page again = browser.Request(beast_http::verb::get, site + "/reports", {},
                               {{"X-Spotify-User-Id", "admin"}});
  ASSERT_EQ(again.status, 200u);
  const auto echo = json::parse(again.body).as_object();
  std::map<std::string, std::vector<std::string>> seen;
  for (const auto& pair : echo.at("headers").as_array()) {
    std::string name(pair.as_array()[0].as_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    seen[name].emplace_back(pair.as_array()[1].as_string());
  }
  EXPECT_EQ(seen["x-spotify-user-id"], std::vector<std::string>{"demo-user"});
  EXPECT_EQ(seen["x-spotify-display-name"], std::vector<std::string>{"Demo%20User"});
  ASSERT_EQ(seen["x-spotify-access-token"].size(), 1u);
  EXPECT_FALSE(seen["x-spotify-access-token"][0].empty());
  // The subrequest location is not reachable from outside.
  EXPECT_EQ(browser.Get(site + "/spotauth/auth").status, 404u);
  // spotauth's own pages are there, under the site's origin.
  EXPECT_EQ(browser.Get(site + "/spotauth/").status, 200u);
}

}  // namespace
}  // namespace spotauth::server::testing
