// What the sign-in app counts: logins, token refreshes, 429 pauses and its calls to Spotify. One
// per process (in SessionContext), shared by every event loop.
#pragma once

#include <array>
#include <cstddef>

#include "core/metrics.h"
#include "core/metrics_registry.h"
#include "core/result.h"
#include "server/problems.h"
#include "spotify/call_metrics.h"

namespace spotauth::server {

enum class RefreshOutcome {
  kOk,      // Spotify gave a new token
  kFailed,  // Spotify failed or was unreachable; the session is kept
  kEnded,   // Spotify refused the refresh token (invalid_grant): the session ended
};

// Thread-safety: every counter may be bumped from any thread (relaxed atomics).
struct AppMetrics {
  Counter logins_started;                            // /login sent a browser to Spotify
  Counter logins_completed;                          // a callback made a session
  std::array<Counter, kProblemCount> logins_failed;  // a callback failed, by Problem
  std::array<Counter, 3> refreshes;                  // by RefreshOutcome
  Counter rate_limit_pauses;                         // app-wide pauses a Spotify 429 imposed
  spotify::CallMetrics spotify;

  void LoginFailed(Problem problem) noexcept {
    logins_failed[static_cast<std::size_t>(problem)].Inc();
  }
  void Refreshed(RefreshOutcome outcome) noexcept {
    refreshes[static_cast<std::size_t>(outcome)].Inc();
  }

  // spotauth_logins_started_total, spotauth_logins_completed_total,
  // spotauth_logins_failed_total{reason} (every reason a callback can fail for, from 0),
  // spotauth_token_refreshes_total{outcome}, spotauth_spotify_rate_limit_pauses_total and
  // CallMetrics' families.
  [[nodiscard]] Result<void> Register(MetricsRegistry& registry) const;
};

}  // namespace spotauth::server
