// Integration: the sign-in server on a real redis-server, and what users see while Redis is
// stopped, restarted or back.
#include <gtest/gtest.h>

#include <chrono>

#include "testing/login_harness.h"
#include "testing/redis_server.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;
using spotauth::testing::RedisServer;
using spotauth::testing::RedisServerOptions;

class RedisBackedServer : public ::testing::Test {
 protected:
  void Start(RedisServerOptions options = {}) {
    std::string error;
    redis_ = RedisServer::Start(options, &error);
    ASSERT_TRUE(redis_) << error;
    harness_ = std::make_unique<LoginHarness>(HarnessOptions{.store = redis_->Url()});
  }
  Page Home() { return browser_.Get(harness_->Origin() + "/"); }
  // GET / until it is not a 503 (Redis back and reconnected), for up to 5 s.
  Page HomeWhenBack() {
    const auto until = std::chrono::steady_clock::now() + 5s;
    Page page = Home();
    while (page.status == 503 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(50ms);
      page = Home();
    }
    return page;
  }

  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<LoginHarness> harness_;
  TestBrowser browser_;
};

TEST_F(RedisBackedServer, ASessionLivesInRedisAndOutlivesTheServerProcess) {
  Start();
  ASSERT_TRUE(LogIn(*harness_, browser_).Contains("demo-user"));
  EXPECT_NE(redis_->Command({"KEYS", "spotauth:*"}).find(":s"), std::string::npos);
  harness_->RestartServer();
  EXPECT_TRUE(Home().Contains("demo-user"));
}

TEST_F(RedisBackedServer, WhileRedisIsStoppedPagesSay503AndHealthStaysUpThenItRecovers) {
  Start({.append_only = true});
  ASSERT_TRUE(LogIn(*harness_, browser_).Contains("demo-user"));
  redis_->Stop();
  const auto started = std::chrono::steady_clock::now();
  Page page = Home();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(page.status, 503u);
  EXPECT_TRUE(page.Contains("<h1>")) << page.body;  // our page, not a bare error
  EXPECT_EQ(browser_.Get(harness_->Origin() + "/readyz").status, 503u);
  EXPECT_EQ(browser_.Get(harness_->Origin() + "/healthz").status, 200u);
  EXPECT_EQ(browser_.Get(harness_->Origin() + "/login").status, 302u);  // stores nothing
  // The session cookie is kept: a store outage is not a logout.
  EXPECT_FALSE(browser_.Cookies(harness_->Origin())["spotauth"].empty());

  std::string error;
  ASSERT_TRUE(redis_->Restart(&error)) << error;
  EXPECT_TRUE(HomeWhenBack().Contains("demo-user"));  // no server restart needed
  EXPECT_EQ(browser_.Get(harness_->Origin() + "/readyz").status, 200u);
}

TEST_F(RedisBackedServer, ARedisRestartWithoutPersistenceShowsACleanSignedOutPage) {
  Start();
  ASSERT_TRUE(LogIn(*harness_, browser_).Contains("demo-user"));
  std::string error;
  ASSERT_TRUE(redis_->Restart(&error)) << error;
  for (int i = 0; i < 3; ++i) {
    Page page = Home();
    EXPECT_EQ(page.status, 200u) << page.body;
    EXPECT_TRUE(page.Contains("You are not signed in"));
  }
  EXPECT_TRUE(LogIn(*harness_, browser_).Contains("demo-user"));
}

}  // namespace
}  // namespace spotauth::server::testing
