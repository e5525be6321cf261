// Integration: token refresh, rotation, concurrent loads at expiry, revoked refresh tokens.
#include <gtest/gtest.h>

#include <thread>

#include "testing/login_harness.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;

TEST(Refresh, AnExpiringTokenIsRefreshedOnceAndThePageStillShowsTheTrack) {
  LoginHarness harness;
  TestBrowser browser;
  LogIn(harness, browser);
  const auto before = harness.spotify().RequestCount("/api/token");
  harness.clock.Advance(3600s - 30s);  // under a minute left: expiring
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_TRUE(page.Contains("Windowlicker"));
  EXPECT_EQ(harness.spotify().RequestCount("/api/token"), before + 1);
  // The new token is fresh: the next load does not refresh again.
  browser.Get(harness.Origin() + "/");
  EXPECT_EQ(harness.spotify().RequestCount("/api/token"), before + 1);
}

TEST(Refresh, AFreshTokenIsNotRefreshed) {
  LoginHarness harness;
  TestBrowser browser;
  LogIn(harness, browser);
  const auto before = harness.spotify().RequestCount("/api/token");
  harness.clock.Advance(3600s - 61s);
  browser.Get(harness.Origin() + "/");
  EXPECT_EQ(harness.spotify().RequestCount("/api/token"), before);
}

TEST(Refresh, PkceRotatedRefreshTokensAreStoredBeforeUse) {
  LoginHarness harness({.pkce = true});
  TestBrowser browser;
  LogIn(harness, browser);
  // Each PKCE refresh kills the previous refresh token: three in a row only work if the
  // newest one is stored each time.
  for (int i = 0; i < 3; ++i) {
    harness.clock.Advance(3600s);
    Page page = browser.Get(harness.Origin() + "/");
    ASSERT_TRUE(page.Contains("Windowlicker")) << "round " << i << ": " << page.body;
  }
}

TEST(Refresh, EightConcurrentLoadsAtExpiryRefreshOnce) {
  LoginHarness harness({.pkce = true});
  TestBrowser browser;
  LogIn(harness, browser);
  const std::string cookie = browser.Cookies(harness.Origin())["spotauth"];
  const auto before = harness.spotify().RequestCount("/api/token");
  harness.clock.Advance(3600s);
  // Slow the token endpoint so that all eight loads overlap the one refresh.
  harness.spotify().AddFault("/api/token",
                             {.kind = fake_spotify::FakeFaultKind::kDelay, .delay = 200ms});
  std::vector<std::thread> loads;
  std::atomic<int> good{0};
  for (int i = 0; i < 8; ++i) {
    loads.emplace_back([&] {
      TestBrowser tab;
      tab.Cookies(harness.Origin())["spotauth"] = cookie;
      if (tab.Get(harness.Origin() + "/").Contains("Windowlicker")) ++good;
    });
  }
  for (auto& t : loads) t.join();
  EXPECT_EQ(good.load(), 8);
  EXPECT_EQ(harness.spotify().RequestCount("/api/token"), before + 1);
}

TEST(Refresh, ALogoutDuringARefreshIsNotUndoneByIt) {
  LoginHarness harness;
  TestBrowser browser;
  Page signed_in = LogIn(harness, browser);
  const std::string cookie = browser.Cookies(harness.Origin())["spotauth"];
  harness.clock.Advance(3600s);
  // The refresh waits on Spotify while the same person logs out in another tab.
  harness.spotify().AddFault("/api/token",
                             {.kind = fake_spotify::FakeFaultKind::kDelay, .delay = 800ms});
  std::thread page_load([&] {
    TestBrowser tab;
    tab.Cookies(harness.Origin())["spotauth"] = cookie;
    tab.Get(harness.Origin() + "/");
  });
  std::this_thread::sleep_for(200ms);
  Page out = browser.SubmitForm(harness.Origin(), "/logout",
                                "token=" + TestBrowser::LogoutToken(signed_in));
  EXPECT_EQ(out.status, 303u);
  page_load.join();
  TestBrowser thief;  // whoever kept a copy of the old cookie
  thief.Cookies(harness.Origin())["spotauth"] = cookie;
  EXPECT_TRUE(thief.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(Refresh, ARevokedRefreshTokenEndsTheSessionCleanly) {
  LoginHarness harness;
  TestBrowser browser;
  LogIn(harness, browser);
  harness.spotify().RevokeRefreshTokens("demo-user");
  harness.clock.Advance(3600s);
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.Contains("log in again"));
  EXPECT_TRUE(page.Contains("id=\"login\""));
  EXPECT_EQ(browser.Cookies(harness.Origin()).count("spotauth"), 0u);
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(Refresh, AnUnavailableTokenEndpointKeepsTheSession) {
  LoginHarness harness;
  TestBrowser browser;
  LogIn(harness, browser);
  harness.clock.Advance(3600s);
  harness.spotify().AddFault("/api/token",
                             {.kind = fake_spotify::FakeFaultKind::kStatus, .status = 503});
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.Contains("demo-user"));
  EXPECT_TRUE(page.Contains("did not answer"));
  // Next load, Spotify is back: refreshed and playing again.
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("Windowlicker"));
}

TEST(Refresh, ExpiredRefreshTokenAfterSixMonthsEndsTheSession) {
  LoginHarness harness({.extra = {{"SPOTAUTH_SESSION_IDLE", "31536000"},
                                  {"SPOTAUTH_SESSION_LIFETIME", "31536000"}}});
  TestBrowser browser;
  LogIn(harness, browser);
  harness.clock.Advance(24h * 183);
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_TRUE(page.Contains("log in again"));
}

TEST(Refresh, IdleSessionsExpire) {
  LoginHarness harness({.extra = {{"SPOTAUTH_SESSION_IDLE", "600"}}});
  TestBrowser browser;
  LogIn(harness, browser);
  harness.clock.Advance(599s);
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("demo-user"));
  harness.clock.Advance(601s);
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("not signed in"));
}

}  // namespace
}  // namespace spotauth::server::testing
