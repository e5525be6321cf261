#include "spotify/metered_http_client.h"

#include <gtest/gtest.h>

#include "testing/recording_http_client.h"

namespace spotauth::spotify {
namespace {

using spotauth::testing::RecordingHttpClient;
using spotauth::testing::RunSync;

bool Has(const CallMetrics& metrics, const std::string& line) {
  MetricsRegistry registry;
  EXPECT_TRUE(metrics.Register(registry));
  return registry.Render().find(line + "\n") != std::string::npos;
}

TEST(MeteredHttpClient, PassesRequestAndAnswerThroughUnchangedAndCountsTheCall) {
  RecordingHttpClient inner;
  CallMetrics metrics;
  MeteredHttpClient client(inner, metrics);
  inner.Respond(204, "");
  http::ClientRequest request;
  request.url = "https://api.spotify.com/v1/me/player/currently-playing?additional_types=episode";
  request.body = "unchanged";
  auto response = RunSync(client.Send(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204u);
  EXPECT_EQ(inner.last().url, request.url);
  EXPECT_EQ(inner.last().body, "unchanged");
  EXPECT_TRUE(Has(metrics,
                  R"(spotauth_spotify_requests_total{endpoint="currently_playing",code="2xx"} 1)"));
}

TEST(MeteredHttpClient, PassesATransportErrorThroughAndCountsItAsError) {
  RecordingHttpClient inner;
  CallMetrics metrics;
  MeteredHttpClient client(inner, metrics);
  inner.Fail(ErrorCode::kTimeout, "deadline");
  http::ClientRequest request;
  request.url = "https://accounts.spotify.com/api/token";
  auto response = RunSync(client.Send(request));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kTimeout);
  EXPECT_TRUE(Has(metrics, R"(spotauth_spotify_requests_total{endpoint="token",code="error"} 1)"));
}

}  // namespace
}  // namespace spotauth::spotify
