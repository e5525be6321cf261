// What the login app counts, at the handler level: logins started, completed and failed by
// reason, token refreshes, 429 pauses and calls to Spotify; and that every series is registered.
#include "server/app_metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "server/login_app.h"
#include "testing/login_app_fixture.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;

std::string Scrape(const AppMetrics& metrics) {
  MetricsRegistry registry;
  const auto registered = metrics.Register(registry);
  EXPECT_TRUE(registered) << (registered ? "" : registered.error().message);
  return registry.Render();
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

std::uint64_t Failed(const AppMetrics& metrics, Problem problem) {
  return metrics.logins_failed[static_cast<std::size_t>(problem)].Value();
}

class AppMetricsTest : public ::testing::Test {
 protected:
  LoginAppFixture fixture_;
  AppMetrics& metrics_ = fixture_.app.metrics;
  LoginApp app_{fixture_.app, fixture_.NewSpotifyClient()};
  InMemoryBrowser browser_{fixture_, app_};
};

TEST(AppMetrics, RegistersEveryLoginFailureReasonAndRefreshOutcomeFromZero) {
  const std::string text = Scrape(AppMetrics{});
  for (const char* reason :
       {"bad_request", "missing_state", "unknown_state", "other_browser", "denied",
        "authorize_error", "missing_code", "code_rejected", "spotify_unavailable",
        "spotify_timeout", "spotify_rate_limited", "store_unavailable"}) {
    EXPECT_TRUE(Has(text, std::string("spotauth_logins_failed_total{reason=\"") + reason + "\"} 0"))
        << reason;
  }
  EXPECT_FALSE(Has(text, R"(spotauth_logins_failed_total{reason="not_found"} 0)"));
  for (const char* outcome : {"ok", "failed", "ended"}) {
    EXPECT_TRUE(
        Has(text, std::string("spotauth_token_refreshes_total{outcome=\"") + outcome + "\"} 0"));
  }
  EXPECT_TRUE(Has(text, "spotauth_logins_started_total 0"));
  EXPECT_TRUE(Has(text, "spotauth_logins_completed_total 0"));
  EXPECT_TRUE(Has(text, "spotauth_spotify_rate_limit_pauses_total 0"));
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_requests_total{endpoint="token",code="2xx"} 0)"));
}

TEST_F(AppMetricsTest, AFullLoginCountsOneStartedOneCompletedAndItsSpotifyCalls) {
  ASSERT_EQ(browser_.LogIn().result_int(), 303);
  EXPECT_EQ(metrics_.logins_started.Value(), 1u);
  EXPECT_EQ(metrics_.logins_completed.Value(), 1u);
  browser_.Get("/");  // now playing
  const std::string text = Scrape(metrics_);
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_requests_total{endpoint="token",code="2xx"} 1)"))
      << text;
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_requests_total{endpoint="me",code="2xx"} 1)"));
  EXPECT_TRUE(
      Has(text, R"(spotauth_spotify_requests_total{endpoint="currently_playing",code="2xx"} 1)"));
}

TEST_F(AppMetricsTest, ALoginWhileSignedInIsNotAStart) {
  ASSERT_EQ(browser_.LogIn().result_int(), 303);
  browser_.Get("/login");
  EXPECT_EQ(metrics_.logins_started.Value(), 1u);
}

TEST_F(AppMetricsTest, FailedCallbacksCountByReason) {
  browser_.Get("/login");
  browser_.Get("/callback?code=abc");                           // no state
  browser_.Get("/callback?code=abc&state=forged-state-value");  // not this browser's state
  browser_.Get("/callback?code=a&code=b&state=x");              // ambiguous
  EXPECT_EQ(Failed(metrics_, Problem::kMissingState), 1u);
  EXPECT_EQ(Failed(metrics_, Problem::kUnknownState), 1u);
  EXPECT_EQ(Failed(metrics_, Problem::kBadRequest), 1u);
  EXPECT_EQ(metrics_.logins_completed.Value(), 0u);
}

TEST_F(AppMetricsTest, ASpotifyFailureAtTheTokenEndpointIsAFailedLoginAndAnErrorCall) {
  fixture_.spotify.AddFault("/api/token", {.kind = fake_spotify::FakeFaultKind::kReset});
  EXPECT_EQ(browser_.LogIn().result_int(), 502);
  EXPECT_EQ(Failed(metrics_, Problem::kSpotifyUnavailable), 1u);
  EXPECT_TRUE(
      Has(Scrape(metrics_), R"(spotauth_spotify_requests_total{endpoint="token",code="error"} 1)"));
}

TEST_F(AppMetricsTest, RefreshesCountOkFailedAndEnded) {
  ASSERT_EQ(browser_.LogIn().result_int(), 303);
  fixture_.clock.Advance(3600s - 30s);
  browser_.Get("/");
  EXPECT_EQ(metrics_.refreshes[static_cast<std::size_t>(RefreshOutcome::kOk)].Value(), 1u);

  fixture_.clock.Advance(3600s);
  fixture_.spotify.AddFault("/api/token",
                            {.kind = fake_spotify::FakeFaultKind::kStatus, .status = 503});
  browser_.Get("/");
  EXPECT_EQ(metrics_.refreshes[static_cast<std::size_t>(RefreshOutcome::kFailed)].Value(), 1u);

  fixture_.spotify.RevokeRefreshTokens("demo-user");
  browser_.Get("/");
  EXPECT_EQ(metrics_.refreshes[static_cast<std::size_t>(RefreshOutcome::kEnded)].Value(), 1u);
}

TEST_F(AppMetricsTest, A429CountsOnePauseAndPausedPagesAddNone) {
  ASSERT_EQ(browser_.LogIn().result_int(), 303);
  fixture_.clock.Advance(10s);  // past the now-playing cache
  fixture_.spotify.AddFault("/v1/me/player/currently-playing",
                            {.kind = fake_spotify::FakeFaultKind::kStatus,
                             .status = 429,
                             .retry_after = std::chrono::seconds(30)});
  browser_.Get("/");
  browser_.Get("/");
  EXPECT_EQ(metrics_.rate_limit_pauses.Value(), 1u);
}

TEST_F(AppMetricsTest, RouteOfNamesEachRouteAndNeverARawPath) {
  const auto route = [&](std::string_view target) {
    http::RequestHead head;
    head.target(target);
    return RouteLabels().at(app_.RouteOf(head));
  };
  EXPECT_EQ(route("/"), "home");
  EXPECT_EQ(route("/login?rd=/x"), "login");
  EXPECT_EQ(route("/callback?code=1"), "callback");
  EXPECT_EQ(route("/logout"), "logout");
  EXPECT_EQ(route("/healthz"), "healthz");
  EXPECT_EQ(route("/readyz"), "readyz");
  EXPECT_EQ(route("/static/style.css"), "static");
  EXPECT_EQ(route("/auth"), "other");  // gateway mode only
  EXPECT_EQ(route("/anything/else"), "other");
  EXPECT_EQ(route("not a target"), "other");
  EXPECT_EQ(route("http://127.0.0.1/"), "other");  // absolute form: Route refuses it
  EXPECT_EQ(route("*"), "other");
  EXPECT_EQ(route("/?"), "home");
}

}  // namespace
}  // namespace spotauth::server::testing
