#include "core/metrics_registry.h"

#include <gtest/gtest.h>

#include <array>

namespace spotauth {
namespace {

using std::chrono::milliseconds;

TEST(MetricsRegistry, WritesACounterFamilyWithHelpTypeAndOneLinePerSeries) {
  Counter ok, failed;
  ok.Inc(3);
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Add("app_jobs_total", "Jobs run.", {{"outcome", "ok"}}, ok));
  ASSERT_TRUE(registry.Add("app_jobs_total", "Jobs run.", {{"outcome", "failed"}}, failed));
  EXPECT_EQ(registry.Render(),
            "# HELP app_jobs_total Jobs run.\n"
            "# TYPE app_jobs_total counter\n"
            "app_jobs_total{outcome=\"ok\"} 3\n"
            "app_jobs_total{outcome=\"failed\"} 0\n");
}

TEST(MetricsRegistry, WritesAGaugeWithoutLabelsBareAndReadsValuesAtRenderTime) {
  Gauge open;
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Add("app_open", "Open things.", {}, open));
  open.Add(-2);
  EXPECT_EQ(registry.Render(),
            "# HELP app_open Open things.\n# TYPE app_open gauge\napp_open -2\n");
}

TEST(MetricsRegistry, WritesHistogramBucketsCumulativeEndingInInfThenSumAndCount) {
  const std::array<double, 2> bounds = {0.005, 0.25};
  Histogram histogram(bounds);
  histogram.Observe(milliseconds(1));
  histogram.Observe(milliseconds(100));
  histogram.Observe(milliseconds(2000));
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Add("app_seconds", "Durations.", {{"route", "home"}}, histogram));
  EXPECT_EQ(registry.Render(),
            "# HELP app_seconds Durations.\n"
            "# TYPE app_seconds histogram\n"
            "app_seconds_bucket{route=\"home\",le=\"0.005\"} 1\n"
            "app_seconds_bucket{route=\"home\",le=\"0.25\"} 2\n"
            "app_seconds_bucket{route=\"home\",le=\"+Inf\"} 3\n"
            "app_seconds_sum{route=\"home\"} 2.101\n"
            "app_seconds_count{route=\"home\"} 3\n");
}

TEST(MetricsRegistry, HistogramWithoutLabelsStillLabelsItsBuckets) {
  const std::array<double, 1> bounds = {1};
  Histogram histogram(bounds);
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Add("app_seconds", "Durations.", {}, histogram));
  const std::string text = registry.Render();
  EXPECT_NE(text.find("app_seconds_bucket{le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_seconds_bucket{le=\"+Inf\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_seconds_sum 0\napp_seconds_count 0\n"), std::string::npos) << text;
}

TEST(MetricsRegistry, EscapesBackslashQuoteAndLineFeedInLabelValues) {
  EXPECT_EQ(EscapeLabelValue(R"(a\b"c)"
                             "\nd"),
            R"(a\\b\"c\nd)");
  Gauge info;
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Add("app_info", "Line one\nline \\two", {{"version", "1.0 \"x\"\n"}}, info));
  EXPECT_EQ(registry.Render(),
            "# HELP app_info Line one\\nline \\\\two\n"
            "# TYPE app_info gauge\n"
            "app_info{version=\"1.0 \\\"x\\\"\\n\"} 0\n");
}

TEST(MetricsRegistry, KeepsFamiliesInTheOrderTheyWereFirstAdded) {
  Counter a, b, c;
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Add("b_total", "B.", {{"x", "1"}}, b));
  ASSERT_TRUE(registry.Add("a_total", "A.", {}, a));
  ASSERT_TRUE(registry.Add("b_total", "B.", {{"x", "2"}}, c));
  const std::string text = registry.Render();
  EXPECT_LT(text.find("b_total{x=\"2\"}"), text.find("# HELP a_total")) << text;
}

TEST(MetricsRegistry, RefusesNamesPrometheusRefuses) {
  Counter counter;
  MetricsRegistry registry;
  EXPECT_FALSE(registry.Add("", "h", {}, counter));
  EXPECT_FALSE(registry.Add("1abc", "h", {}, counter));
  EXPECT_FALSE(registry.Add("a-b", "h", {}, counter));
  EXPECT_FALSE(registry.Add("ok_total", "h", {{"__reserved", "v"}}, counter));
  EXPECT_FALSE(registry.Add("ok_total", "h", {{"a:b", "v"}}, counter));
  EXPECT_FALSE(registry.Add("ok_total", "h", {{"a", "1"}, {"a", "2"}}, counter));
  EXPECT_TRUE(registry.Add("ns:ok_total", "h", {{"_a1", "any \"thing\""}}, counter));
  Histogram histogram;
  EXPECT_FALSE(registry.Add("h_seconds", "h", {{"le", "1"}}, histogram));
}

TEST(MetricsRegistry, RefusesTheSameSeriesTwiceAndANameReusedForAnotherType) {
  Counter one, two;
  Gauge gauge;
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Add("x_total", "X.", {{"a", "1"}, {"b", "2"}}, one));
  EXPECT_FALSE(registry.Add("x_total", "X.", {{"b", "2"}, {"a", "1"}}, two));
  EXPECT_FALSE(registry.Add("x_total", "X.", {{"a", "3"}}, gauge));
  EXPECT_FALSE(registry.Add("x_total", "Other help.", {{"a", "3"}}, two));
  EXPECT_TRUE(registry.Add("x_total", "X.", {{"a", "3"}}, two));
}

TEST(MetricsRegistry, AnEmptyRegistryRendersNothing) { EXPECT_EQ(MetricsRegistry().Render(), ""); }

}  // namespace
}  // namespace spotauth
