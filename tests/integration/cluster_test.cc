// Several instances: scripts/cluster.sh (what `make demo-cluster` runs) starts redis-server,
// the stand-in, three spotauth processes sharing Redis and one secret, and nginx round-robin
// in front. A browser then signs in, reloads, logs out and loses an instance through nginx.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "testing/login_harness.h"
#include "testing/loopback_ports.h"
#include "testing/read_file.h"

namespace spotauth::server::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using beast_http::verb;

class Cluster {
 public:
  Cluster() {
    std::uint16_t ports[6] = {};
    EXPECT_TRUE(spotauth::testing::PickLoopbackPorts(ports));
    origin_ = "http://127.0.0.1:" + std::to_string(ports[0]);
    instances_ = {"127.0.0.1:" + std::to_string(ports[3]), "127.0.0.1:" + std::to_string(ports[4]),
                  "127.0.0.1:" + std::to_string(ports[5])};
    spotify_ = "http://127.0.0.1:" + std::to_string(ports[1]);
    std::string pattern = (fs::temp_directory_path() / "spotauth-cluster-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    std::vector<std::string> env{"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                                 "CLUSTER_PORT=" + std::to_string(ports[0]),
                                 "SPOTIFY_PORT=" + std::to_string(ports[1]),
                                 "REDIS_PORT=" + std::to_string(ports[2]),
                                 "INSTANCE_PORTS=" + std::to_string(ports[3]) + " " +
                                     std::to_string(ports[4]) + " " + std::to_string(ports[5]),
                                 "CLUSTER_AUTO_APPROVE=1"};
    const std::string script = std::string(SPOTAUTH_SOURCE_DIR) + "/scripts/cluster.sh";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test leaves no cluster behind
      std::vector<char*> envp;
      for (auto& e : env) envp.push_back(e.data());
      envp.push_back(nullptr);
      ::execle("/bin/bash", "bash", script.c_str(), SPOTAUTH_BINARY, dir_.c_str(),
               static_cast<char*>(nullptr), envp.data());
      ::_exit(127);
    }
    for (int i = 0; i < 600 && !fs::exists(dir_ + "/ready"); ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    ready_ = fs::exists(dir_ + "/ready");
  }
  ~Cluster() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    fs::remove_all(dir_);
  }

  bool ready() const { return ready_; }
  const std::string& origin() const { return origin_; }
  const std::string& spotify() const { return spotify_; }
  // host:port of instance n (1-3), as nginx names it in X-Spotauth-Instance.
  const std::string& instance(int n) const { return instances_.at(n - 1); }
  std::string Logs() const {
    std::string all;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() != ".log") continue;
      all += "== " + entry.path().filename().string() + "\n" +
             spotauth::testing::ReadFile(entry.path().string());
    }
    return all;
  }
  void Kill(const std::string& part) {
    std::ifstream in(dir_ + "/" + part + ".pid");
    pid_t pid = 0;
    in >> pid;
    ASSERT_GT(pid, 0);
    ::kill(pid, SIGKILL);
  }
  // Requests to the stand-in's /api/token so far.
  int TokenRequests(TestBrowser& browser) const {
    Page stats = browser.Get(spotify_ + "/__control/stats");
    const boost::json::value parsed = boost::json::parse(stats.body);
    const auto* count = parsed.at("requests").as_object().if_contains("/api/token");
    return count ? static_cast<int>(count->to_number<double>()) : 0;
  }

 private:
  std::string origin_;
  std::string spotify_;
  std::vector<std::string> instances_;
  std::string dir_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

// GET / through the balancer; the page and the instance that answered.
std::pair<Page, std::string> Home(TestBrowser& browser, const Cluster& cluster) {
  Page page = browser.Get(cluster.origin() + "/");
  std::string instance = page.Header("X-Spotauth-Instance");
  return {std::move(page), std::move(instance)};
}

TEST(Cluster, ALoginStartedOnOneInstanceFinishesOnAnotherAndLogoutEndsItEverywhere) {
  Cluster cluster;
  ASSERT_TRUE(cluster.ready()) << cluster.Logs();
  TestBrowser browser;
  Page login = browser.Get(cluster.origin() + "/login");
  ASSERT_EQ(login.status, 302u) << cluster.Logs();
  Page authorize = browser.Get(login.Header("Location"));
  ASSERT_EQ(authorize.status, 302u);
  Page callback = browser.Get(authorize.Header("Location"));
  ASSERT_EQ(callback.status, 303u) << callback.body;
  EXPECT_NE(login.Header("X-Spotauth-Instance"), callback.Header("X-Spotauth-Instance"));

  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    auto [page, instance] = Home(browser, cluster);
    EXPECT_TRUE(page.Contains("demo-user")) << instance;
    seen.insert(instance);
  }
  EXPECT_EQ(seen.size(), 3u);  // every instance showed the user

  auto [signed_in, instance] = Home(browser, cluster);
  const std::string old_cookie = browser.Cookies(cluster.origin())["spotauth"];
  Page out = browser.SubmitForm(cluster.origin(), "/logout",
                                "token=" + TestBrowser::LogoutToken(signed_in));
  ASSERT_EQ(out.status, 303u) << out.body;
  browser.Cookies(cluster.origin())["spotauth"] = old_cookie;
  seen.clear();
  for (int i = 0; i < 3; ++i) {
    auto [page, answered] = Home(browser, cluster);
    EXPECT_EQ(page.status, 200u);
    EXPECT_TRUE(page.Contains("You are not signed in")) << answered;
    seen.insert(answered);
    browser.Cookies(cluster.origin())["spotauth"] = old_cookie;
  }
  EXPECT_EQ(seen.size(), 3u);  // the old cookie is dead on every instance
}

TEST(Cluster, ParallelPageLoadsAtTokenExpiryRefreshOnceAcrossInstances) {
  Cluster cluster;
  ASSERT_TRUE(cluster.ready()) << cluster.Logs();
  TestBrowser browser;
  // Tokens for 62 s: two seconds after login they are within a minute of expiry, which is when
  // spotauth refreshes; the refreshed token is then good for two seconds more.
  Page set = browser.Request(verb::post, cluster.spotify() + "/__control/settings",
                             R"({"expires_in":62})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(set.status, 200u) << set.body;
  ASSERT_TRUE(browser.Navigate(cluster.origin() + "/login").Contains("demo-user"));
  ASSERT_EQ(cluster.TokenRequests(browser), 1);
  const std::string cookie = browser.Cookies(cluster.origin())["spotauth"];
  std::this_thread::sleep_for(2500ms);

  std::vector<std::thread> loads;
  std::vector<std::string> instances(8);
  std::vector<bool> shown(8, false);
  for (int i = 0; i < 8; ++i) {
    loads.emplace_back([&, i] {
      TestBrowser own;
      own.Cookies(cluster.origin())["spotauth"] = cookie;
      auto [page, instance] = Home(own, cluster);
      shown[i] = page.status == 200 && page.Contains("demo-user");
      instances[i] = instance;
    });
  }
  for (auto& load : loads) load.join();
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(shown[i]) << "load " << i;
  EXPECT_EQ(std::set<std::string>(instances.begin(), instances.end()).size(), 3u);
  EXPECT_EQ(cluster.TokenRequests(browser), 2) << cluster.Logs();  // the login and one refresh
}

TEST(Cluster, WhenOneInstanceDiesTheOthersKeepServingEverySession) {
  Cluster cluster;
  ASSERT_TRUE(cluster.ready()) << cluster.Logs();
  std::vector<std::unique_ptr<TestBrowser>> browsers;
  for (int i = 0; i < 3; ++i) {
    browsers.push_back(std::make_unique<TestBrowser>());
    ASSERT_TRUE(browsers.back()->Navigate(cluster.origin() + "/login").Contains("demo-user"));
  }
  cluster.Kill("instance2");
  std::set<std::string> seen;
  for (int round = 0; round < 3; ++round) {
    for (auto& browser : browsers) {
      auto [page, tried] = Home(*browser, cluster);
      EXPECT_EQ(page.status, 200u);
      EXPECT_TRUE(page.Contains("demo-user")) << tried;
      // nginx lists every instance it tried, the one that answered last.
      seen.insert(tried.substr(tried.rfind(' ') == std::string::npos ? 0 : tried.rfind(' ') + 1));
    }
  }
  EXPECT_EQ(seen, (std::set<std::string>{cluster.instance(1), cluster.instance(3)}));
}

}  // namespace
}  // namespace spotauth::server::testing
