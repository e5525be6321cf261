// Integration: what the main page shows for each now-playing answer, the cache and the
// app-wide 429 pause.
#include <gtest/gtest.h>

#include "testing/login_harness.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;
using fake_spotify::FakeFaultKind;
using fake_spotify::FakePlayback;

constexpr const char* kPlayingPath = "/v1/me/player/currently-playing";

// The cache is off unless a test turns it on, so every load asks the stand-in.
HarnessOptions NoCache() { return {.extra = {{"SPOTAUTH_NOW_PLAYING_CACHE", "0"}}}; }

TEST(NowPlaying, NothingPlayingSays204Politely) {
  LoginHarness harness(NoCache());
  TestBrowser browser;
  LogIn(harness, browser);
  harness.spotify().SetPlayback("demo-user", std::nullopt);
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_TRUE(page.Contains("Nothing is playing"));
}

TEST(NowPlaying, EpisodeShowsEpisodeAndShow) {
  LoginHarness harness(NoCache());
  TestBrowser browser;
  LogIn(harness, browser);
  harness.spotify().SetPlayback(
      "demo-user", FakePlayback{fake_spotify::FakeEpisode{"Episode 12", "The Show", 60s, "ep12"}});
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_TRUE(page.Contains("Episode 12"));
  EXPECT_TRUE(page.Contains("The Show"));
}

TEST(NowPlaying, AdIsNamedAsAnAd) {
  LoginHarness harness(NoCache());
  TestBrowser browser;
  LogIn(harness, browser);
  harness.spotify().SetPlayback("demo-user", FakePlayback{fake_spotify::FakeAd{}});
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("advertisement"));
}

TEST(NowPlaying, HostileTrackNamesAreEscaped) {
  LoginHarness harness(NoCache());
  TestBrowser browser;
  LogIn(harness, browser);
  fake_spotify::FakeTrack track;
  track.name = "<script>alert(1)</script>";
  track.artists = {"\"><img src=x onerror=alert(2)>"};
  track.album = "A & B";
  track.image_url = "javascript:alert(3)";
  harness.spotify().SetPlayback("demo-user", FakePlayback{track});
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_FALSE(page.Contains("<script>alert(1)"));
  EXPECT_FALSE(page.Contains("<img src=x"));
  EXPECT_FALSE(page.Contains("javascript:"));
  EXPECT_TRUE(page.Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(page.Contains("A &amp; B"));
}

TEST(NowPlaying, UpstreamErrorsKeepThePageAndTheSession) {
  LoginHarness harness(NoCache());
  TestBrowser browser;
  LogIn(harness, browser);
  for (unsigned status : {500u, 502u, 503u}) {
    harness.spotify().AddFault(kPlayingPath, {.kind = FakeFaultKind::kStatus, .status = status});
    Page page = browser.Get(harness.Origin() + "/");
    EXPECT_EQ(page.status, 200u) << status;
    EXPECT_TRUE(page.Contains("demo-user")) << status;
    EXPECT_TRUE(page.Contains("did not answer")) << status;
  }
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("Windowlicker"));
}

TEST(NowPlaying, ResetAndMalformedUpstreamKeepThePage) {
  LoginHarness harness(NoCache());
  TestBrowser browser;
  LogIn(harness, browser);
  for (auto kind : {FakeFaultKind::kReset, FakeFaultKind::kMalformed}) {
    // Two: the client retries once when a reused connection drops before any answer.
    harness.spotify().AddFault(kPlayingPath, {.kind = kind, .count = 2});
    Page page = browser.Get(harness.Origin() + "/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_TRUE(page.Contains("did not answer")) << static_cast<int>(kind);
  }
}

TEST(NowPlaying, SlowUpstreamStillAnswersWithinTheDeadline) {
  LoginHarness harness(
      {.extra = {{"SPOTAUTH_NOW_PLAYING_CACHE", "0"}, {"SPOTAUTH_SPOTIFY_TIMEOUT_MS", "300"}}});
  TestBrowser browser;
  LogIn(harness, browser);
  harness.spotify().AddFault(kPlayingPath, {.kind = FakeFaultKind::kDelay, .delay = 1500ms});
  const auto start = std::chrono::steady_clock::now();
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1200ms);
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.Contains("did not answer"));
}

TEST(NowPlaying, A429PausesEveryUsersCallsUntilRetryAfter) {
  LoginHarness harness(NoCache());
  TestBrowser alice, bob;
  LogIn(harness, alice);
  harness.spotify().SetAutoApprove(true, "second-user");
  LogIn(harness, bob);
  harness.spotify().AddFault(kPlayingPath,
                             {.kind = FakeFaultKind::kStatus, .status = 429, .retry_after = 30s});
  Page limited = alice.Get(harness.Origin() + "/");
  EXPECT_TRUE(limited.Contains("slow down"));
  const auto calls = harness.spotify().RequestCount(kPlayingPath);
  // Bob is paused too, and nobody calls Spotify during the window.
  Page bob_page = bob.Get(harness.Origin() + "/");
  EXPECT_TRUE(bob_page.Contains("slow down"));
  EXPECT_TRUE(bob_page.Contains("second-user"));
  EXPECT_EQ(harness.spotify().RequestCount(kPlayingPath), calls);
  harness.clock.Advance(31s);
  EXPECT_TRUE(alice.Get(harness.Origin() + "/").Contains("Windowlicker"));
}

TEST(NowPlaying, AHugeRetryAfterIsCapped) {
  LoginHarness harness(
      {.extra = {{"SPOTAUTH_NOW_PLAYING_CACHE", "0"}, {"SPOTAUTH_MAX_RETRY_AFTER", "60"}}});
  TestBrowser browser;
  LogIn(harness, browser);
  harness.spotify().AddFault(kPlayingPath,
                             {.kind = FakeFaultKind::kStatus, .status = 429, .retry_after = 3600s});
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("about 60 s"));
  harness.clock.Advance(61s);
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("Windowlicker"));
}

TEST(NowPlaying, TheCacheSparesUpstreamCallsForAFewSeconds) {
  LoginHarness harness({.extra = {{"SPOTAUTH_NOW_PLAYING_CACHE", "5"}}});
  TestBrowser browser;
  LogIn(harness, browser);
  const auto calls = harness.spotify().RequestCount(kPlayingPath);
  browser.Get(harness.Origin() + "/");
  browser.Get(harness.Origin() + "/");
  EXPECT_EQ(harness.spotify().RequestCount(kPlayingPath), calls);
  harness.clock.Advance(6s);
  browser.Get(harness.Origin() + "/");
  EXPECT_EQ(harness.spotify().RequestCount(kPlayingPath), calls + 1);
}

}  // namespace
}  // namespace spotauth::server::testing
