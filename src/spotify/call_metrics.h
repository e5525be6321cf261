// What spotauth counts about its calls to Spotify: by endpoint and outcome, with durations.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include "core/metrics.h"
#include "core/metrics_registry.h"
#include "core/result.h"

namespace spotauth::spotify {

enum class Endpoint { kToken, kMe, kCurrentlyPlaying, kOther };
inline constexpr std::size_t kEndpointCount = 4;

// Which endpoint an absolute request URL names, by its path (the query is ignored): /api/token,
// /v1/me, /v1/me/player/currently-playing; anything else is kOther.
Endpoint EndpointOf(std::string_view url);

// Thread-safety: Count may be called from any thread (relaxed atomics).
class CallMetrics {
 public:
  // One call: its HTTP status, or nullopt when no answer came (timeout, refused, TLS, garbage).
  // No allocation, no look-up.
  void Count(Endpoint endpoint, std::optional<unsigned> status,
             std::chrono::nanoseconds elapsed) noexcept;

  // spotauth_spotify_requests_total{endpoint,code} (code 1xx..5xx, or "error" for no answer)
  // and spotauth_spotify_request_duration_seconds{endpoint}, every series present from the
  // start.
  [[nodiscard]] Result<void> Register(MetricsRegistry& registry) const;

 private:
  static constexpr std::size_t kOutcomes = 6;  // 1xx .. 5xx, error
  struct PerEndpoint {
    std::array<Counter, kOutcomes> by_outcome;
    Histogram duration;
  };
  std::array<PerEndpoint, kEndpointCount> endpoints_;
};

}  // namespace spotauth::spotify
