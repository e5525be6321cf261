// Integration: the nginx auth_request shape, with deploy/nginx/spotauth-auth-request.conf
// included as it is into a real nginx in front of spotauth and the app.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>

#include "testing/echo_app.h"
#include "testing/login_harness.h"
#include "testing/loopback_ports.h"
#include "testing/nginx_process.h"

namespace spotauth::server::testing {
namespace {

namespace json = boost::json;
using spotauth::testing::EchoApp;

// The http block: upstreams for spotauth and the app, and a site that includes the deploy
// snippet as it is.
std::string SnippetSite(std::uint16_t port, std::uint16_t spotauth_port, std::uint16_t app_port) {
  return "  upstream spotauth { server 127.0.0.1:" + std::to_string(spotauth_port) +
         "; keepalive 4; }\n  upstream app { server 127.0.0.1:" + std::to_string(app_port) +
         "; keepalive 4; }\n  server {\n    listen 127.0.0.1:" + std::to_string(port) +
         ";\n    include " + SPOTAUTH_SOURCE_DIR +
         "/deploy/nginx/spotauth-auth-request.conf;\n  }\n";
}

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
  auto nginx = spotauth::testing::NginxProcess::Create(&error);
  ASSERT_TRUE(nginx) << error;
  const std::array<std::uint16_t, 1> ports = {nginx_port};
  ASSERT_TRUE(nginx->Start(SnippetSite(nginx_port, harness.Port(), app->port()), ports, &error))
      << error;

  TestBrowser browser;
  // Anonymous: nginx asks spotauth, gets 401, and starts a login for the same target.
  Page start = browser.Request(beast_http::verb::get, site + "/reports?month=11&year=2026", {},
                               {{"X-Spotify-User-Id", "admin"}});
  ASSERT_EQ(start.status, 302u) << start.body << nginx->ErrorLog();
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
