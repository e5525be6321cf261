// Counters, gauges and duration histograms that event loops update at the same time: each update
// is one or two relaxed atomic adds, with no lock, no allocation and no look-up. MetricsRegistry
// (metrics_registry.h) names them and writes them out for Prometheus.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace spotauth {

// Relaxed order is enough everywhere here: a scrape needs each value, not an order between them.
// Every metric starts on its own cache line, so two loops bumping different metrics never
// invalidate each other's line (false sharing); bench/metrics_bench.cc measures the cost.
inline constexpr std::size_t kMetricAlignment = 64;

// A count that only goes up. Thread-safe.
class alignas(kMetricAlignment) Counter {
 public:
  void Inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (open connections) or is set (build info). Thread-safe.
class alignas(kMetricAlignment) Gauge {
 public:
  void Add(std::int64_t n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void Set(std::int64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
  std::int64_t Value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Upper bounds in seconds for request and upstream durations: from 100 µs (a cached page) to
// 10 s (past every deadline we set), about three per decade.
inline constexpr std::array<double, 16> kDurationBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

// Durations counted into buckets, exposed in seconds. Thread-safe; Observe is a short linear
// scan over the bounds and two relaxed adds.
class Histogram {
 public:
  // `bounds`: upper bounds in seconds; they are sorted, and duplicates, values that are not
  // finite and values below zero are dropped. +Inf is always implied.
  explicit Histogram(std::span<const double> bounds = kDurationBuckets);

  // A negative duration counts as zero.
  void Observe(std::chrono::nanoseconds elapsed) noexcept;

  // A consistent-enough view for a scrape: `count` is the sum of the buckets, so it always
  // equals the +Inf bucket, even while other threads observe.
  struct Snapshot {
    std::vector<double> bounds;             // seconds, ascending, without +Inf
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (bounds.size() + 1 entries)
    double sum_seconds = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  struct alignas(kMetricAlignment) Totals {
    std::atomic<std::int64_t> sum_ns{0};
  };
  std::vector<double> bounds_;
  std::vector<std::int64_t> bounds_ns_;  // the same bounds, compared on the hot path
  // Not cumulative: one per bound, then +Inf. Heap-held so a Histogram can be moved into place.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::unique_ptr<Totals> totals_;
};

}  // namespace spotauth
