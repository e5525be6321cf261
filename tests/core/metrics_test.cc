#include "core/metrics.h"

#include <gtest/gtest.h>

#include <array>
#include <thread>
#include <vector>

namespace spotauth {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(Counter, StartsAtZeroAndAddsUp) {
  Counter counter;
  EXPECT_EQ(counter.Value(), 0u);
  counter.Inc();
  counter.Inc(41);
  EXPECT_EQ(counter.Value(), 42u);
}

TEST(Counter, LosesNoIncrementWhenThreadsCountAtOnce) {
  Counter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 100'000; ++i) counter.Inc();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.Value(), 400'000u);
}

TEST(Counter, EachSitsOnItsOwnCacheLine) {
  EXPECT_EQ(alignof(Counter), kMetricAlignment);
  std::array<Counter, 2> pair;
  EXPECT_GE(reinterpret_cast<const char*>(&pair[1]) - reinterpret_cast<const char*>(&pair[0]),
            static_cast<std::ptrdiff_t>(kMetricAlignment));
}

TEST(Gauge, GoesUpAndDownAndCanBeSet) {
  Gauge gauge;
  gauge.Add(3);
  gauge.Add(-1);
  EXPECT_EQ(gauge.Value(), 2);
  gauge.Set(1);
  EXPECT_EQ(gauge.Value(), 1);
}

TEST(Histogram, CountsEachObservationInTheFirstBucketItFitsAndBucketsAreCumulative) {
  const std::array<double, 3> bounds = {0.001, 0.01, 0.1};
  Histogram histogram(bounds);
  histogram.Observe(microseconds(500));  // ≤ 1 ms
  histogram.Observe(milliseconds(1));    // a bound includes itself (le)
  histogram.Observe(milliseconds(5));    // ≤ 10 ms
  histogram.Observe(milliseconds(200));  // only +Inf
  const Histogram::Snapshot s = histogram.Read();
  EXPECT_EQ(s.bounds, (std::vector<double>{0.001, 0.01, 0.1}));
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 3, 3, 4}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.sum_seconds, 0.0005 + 0.001 + 0.005 + 0.2);
}

TEST(Histogram, CountsANegativeDurationAsZero) {
  Histogram histogram;
  histogram.Observe(nanoseconds(-5));
  const Histogram::Snapshot s = histogram.Read();
  EXPECT_EQ(s.cumulative.front(), 1u);
  EXPECT_EQ(s.sum_seconds, 0.0);
}

TEST(Histogram, SortsItsBoundsAndDropsDuplicatesAndNonsense) {
  const std::array<double, 6> bounds = {1,
                                        0.5,
                                        1,
                                        -1,
                                        std::numeric_limits<double>::infinity(),
                                        std::numeric_limits<double>::quiet_NaN()};
  Histogram histogram(bounds);
  EXPECT_EQ(histogram.Read().bounds, (std::vector<double>{0.5, 1}));
  EXPECT_EQ(histogram.Read().cumulative.size(), 3u);
}

TEST(Histogram, DefaultBucketsSpanACachedPageToPastEveryDeadline) {
  const Histogram::Snapshot s = Histogram().Read();
  EXPECT_EQ(s.bounds.front(), 0.0001);
  EXPECT_EQ(s.bounds.back(), 10.0);
}

TEST(Histogram, CountEqualsTheInfBucketWhileThreadsObserve) {
  Histogram histogram;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 50'000; ++i) histogram.Observe(microseconds(i % 3000));
    });
  }
  for (int i = 0; i < 100; ++i) {
    const Histogram::Snapshot s = histogram.Read();
    ASSERT_EQ(s.count, s.cumulative.back());
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(histogram.Read().count, 100'000u);
}

}  // namespace
}  // namespace spotauth
