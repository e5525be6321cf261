// SPOTAUTH_METRICS_ADDRESS in BuildConfig (config.cc); apart from config_test.cc so that the
// metrics setting's tests travel with it.
#include <gtest/gtest.h>

#include "server/config.h"

namespace spotauth::server {
namespace {

const char* kGoodSecret = "8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0";

Settings WithMetrics(std::string address) {
  return {{"SPOTIFY_CLIENT_ID", "id"},
          {"SPOTAUTH_SECRET", kGoodSecret},
          {"SPOTAUTH_METRICS_ADDRESS", std::move(address)}};
}

TEST(MetricsConfig, OffByDefaultAndWhenEmpty) {
  auto config = BuildConfig({{"SPOTIFY_CLIENT_ID", "id"}, {"SPOTAUTH_SECRET", kGoodSecret}}, "/");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->metrics_host.empty());
  EXPECT_EQ(config->metrics_port, 0u);
  auto empty = BuildConfig(WithMetrics(""), "/");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->metrics_host.empty());
}

TEST(MetricsConfig, TakesAnIpv4OrBracketedIpv6AddressWithAPort) {
  auto v4 = BuildConfig(WithMetrics("127.0.0.1:9100"), "/");
  ASSERT_TRUE(v4) << v4.error().front();
  EXPECT_EQ(v4->metrics_host, "127.0.0.1");
  EXPECT_EQ(v4->metrics_port, 9100u);
  auto v6 = BuildConfig(WithMetrics("[::1]:9200"), "/");
  ASSERT_TRUE(v6) << v6.error().front();
  EXPECT_EQ(v6->metrics_host, "::1");
  EXPECT_EQ(v6->metrics_port, 9200u);
  auto any = BuildConfig(WithMetrics("0.0.0.0:9100"), "/");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->metrics_host, "0.0.0.0");
}

TEST(MetricsConfig, RefusesAnythingButAnAddressLiteralAndAPort) {
  for (const char* bad : {"9100", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:x", "localhost:9100", "::1:9100", "user@127.0.0.1:9100",
                          "http://127.0.0.1:9100", "127.0.0.1:9100/metrics"}) {
    auto config = BuildConfig(WithMetrics(bad), "/");
    ASSERT_FALSE(config) << bad;
    ASSERT_EQ(config.error().size(), 1u) << bad;
    EXPECT_NE(config.error().front().find("SPOTAUTH_METRICS_ADDRESS"), std::string::npos);
  }
}

TEST(MetricsConfig, RefusesThePublicPort) {
  auto config = BuildConfig(WithMetrics("127.0.0.1:5000"), "/");
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().front().find("another port than SPOTAUTH_PORT"), std::string::npos);
}

TEST(MetricsConfig, IsAKnownSettingWithADescription) {
  bool found = false;
  for (const auto& setting : KnownSettings()) {
    if (std::string_view(setting.name) == "SPOTAUTH_METRICS_ADDRESS") {
      found = true;
      EXPECT_NE(std::string_view(setting.description).find("/metrics"), std::string_view::npos);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace spotauth::server
