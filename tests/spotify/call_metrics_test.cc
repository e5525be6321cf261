#include "spotify/call_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace spotauth::spotify {
namespace {

using std::chrono::milliseconds;

std::string Scrape(const CallMetrics& metrics) {
  MetricsRegistry registry;
  EXPECT_TRUE(metrics.Register(registry));
  return registry.Render();
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(EndpointOf, NamesSpotifysEndpointsByPathWhateverTheOriginAndQuery) {
  EXPECT_EQ(EndpointOf("https://accounts.spotify.com/api/token"), Endpoint::kToken);
  EXPECT_EQ(EndpointOf("http://127.0.0.1:5001/api/token"), Endpoint::kToken);
  EXPECT_EQ(EndpointOf("https://api.spotify.com/v1/me"), Endpoint::kMe);
  EXPECT_EQ(
      EndpointOf("https://api.spotify.com/v1/me/player/currently-playing?additional_types=episode"),
      Endpoint::kCurrentlyPlaying);
  EXPECT_EQ(EndpointOf("https://api.spotify.com/v1/me/playlists"), Endpoint::kOther);
  EXPECT_EQ(EndpointOf("https://api.spotify.com"), Endpoint::kOther);
  EXPECT_EQ(EndpointOf(""), Endpoint::kOther);
}

TEST(CallMetrics, CountsByEndpointAndStatusClassAndNoAnswerAsError) {
  CallMetrics metrics;
  metrics.Count(Endpoint::kToken, 200, milliseconds(30));
  metrics.Count(Endpoint::kToken, 400, milliseconds(10));
  metrics.Count(Endpoint::kCurrentlyPlaying, 429, milliseconds(5));
  metrics.Count(Endpoint::kMe, std::nullopt, milliseconds(1400));
  const std::string text = Scrape(metrics);
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_requests_total{endpoint="token",code="2xx"} 1)"))
      << text;
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_requests_total{endpoint="token",code="4xx"} 1)"));
  EXPECT_TRUE(
      Has(text, R"(spotauth_spotify_requests_total{endpoint="currently_playing",code="4xx"} 1)"));
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_requests_total{endpoint="me",code="error"} 1)"));
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_requests_total{endpoint="me",code="2xx"} 0)"));
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_request_duration_seconds_count{endpoint="token"} 2)"));
  EXPECT_TRUE(Has(text, R"(spotauth_spotify_request_duration_seconds_sum{endpoint="me"} 1.4)"));
}

}  // namespace
}  // namespace spotauth::spotify
