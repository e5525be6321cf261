#include "server/app_metrics.h"

#include <string>

namespace spotauth::server {
namespace {

// What a callback can fail with; the other Problems are not about logins.
constexpr Problem kLoginProblems[] = {
    Problem::kBadRequest,
    Problem::kMissingState,
    Problem::kUnknownState,
    Problem::kOtherBrowser,
    Problem::kDenied,
    Problem::kAuthorizeError,
    Problem::kMissingCode,
    Problem::kCodeRejected,
    Problem::kSpotifyUnavailable,
    Problem::kSpotifyTimeout,
    Problem::kSpotifyRateLimited,
    Problem::kStoreUnavailable,
};

}  // namespace

Result<void> AppMetrics::Register(MetricsRegistry& registry) const {
  SPOTAUTH_TRY(registry.Add("spotauth_logins_started_total",
                            "Logins started: browsers sent to Spotify by /login.", {},
                            logins_started));
  SPOTAUTH_TRY(registry.Add("spotauth_logins_completed_total",
                            "Logins completed: callbacks that made a session.", {},
                            logins_completed));
  for (Problem problem : kLoginProblems) {
    SPOTAUTH_TRY(registry.Add("spotauth_logins_failed_total", "Callbacks that failed, by reason.",
                              {{"reason", std::string(ProblemName(problem))}},
                              logins_failed[static_cast<std::size_t>(problem)]));
  }
  static constexpr const char* kOutcomes[] = {"ok", "failed", "ended"};
  for (std::size_t i = 0; i < refreshes.size(); ++i) {
    SPOTAUTH_TRY(registry.Add(
        "spotauth_token_refreshes_total",
        "Access-token refreshes: ok, failed (Spotify failed; the session is kept) or ended "
        "(Spotify refused the refresh token; the session ended).",
        {{"outcome", kOutcomes[i]}}, refreshes[i]));
  }
  SPOTAUTH_TRY(registry.Add("spotauth_spotify_rate_limit_pauses_total",
                            "App-wide pauses of now-playing calls imposed by a Spotify 429.", {},
                            rate_limit_pauses));
  return spotify.Register(registry);
}

}  // namespace spotauth::server
