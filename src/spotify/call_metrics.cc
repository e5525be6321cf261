#include "spotify/call_metrics.h"

namespace spotauth::spotify {
namespace {

constexpr std::array<std::string_view, kEndpointCount> kEndpointLabels = {
    "token", "me", "currently_playing", "other"};
constexpr std::array<std::string_view, 6> kOutcomeLabels = {"1xx", "2xx", "3xx",
                                                            "4xx", "5xx", "error"};

}  // namespace

Endpoint EndpointOf(std::string_view url) {
  const std::size_t scheme = url.find("://");
  const std::size_t path_start = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path_start == std::string_view::npos) return Endpoint::kOther;
  std::string_view path = url.substr(path_start);
  path = path.substr(0, path.find_first_of("?#"));
  if (path == "/api/token") return Endpoint::kToken;
  if (path == "/v1/me") return Endpoint::kMe;
  if (path == "/v1/me/player/currently-playing") return Endpoint::kCurrentlyPlaying;
  return Endpoint::kOther;
}

void CallMetrics::Count(Endpoint endpoint, std::optional<unsigned> status,
                        std::chrono::nanoseconds elapsed) noexcept {
  std::size_t outcome = kOutcomes - 1;  // error
  if (status && *status >= 100 && *status <= 599) outcome = *status / 100 - 1;
  PerEndpoint& counted = endpoints_[static_cast<std::size_t>(endpoint)];
  counted.by_outcome[outcome].Inc();
  counted.duration.Observe(elapsed);
}

Result<void> CallMetrics::Register(MetricsRegistry& registry) const {
  for (std::size_t e = 0; e < kEndpointCount; ++e) {
    for (std::size_t o = 0; o < kOutcomes; ++o) {
      SPOTAUTH_TRY(registry.Add(
          "spotauth_spotify_requests_total",
          "Calls to Spotify, by endpoint and status class (error: no answer, e.g. a timeout).",
          {{"endpoint", std::string(kEndpointLabels[e])}, {"code", std::string(kOutcomeLabels[o])}},
          endpoints_[e].by_outcome[o]));
    }
  }
  for (std::size_t e = 0; e < kEndpointCount; ++e) {
    SPOTAUTH_TRY(registry.Add("spotauth_spotify_request_duration_seconds",
                              "Duration of calls to Spotify, connecting included, by endpoint.",
                              {{"endpoint", std::string(kEndpointLabels[e])}},
                              endpoints_[e].duration));
  }
  return {};
}

}  // namespace spotauth::spotify
