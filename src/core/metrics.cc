#include "core/metrics.h"

#include <algorithm>
#include <cmath>

namespace spotauth {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()), totals_(std::make_unique<Totals>()) {
  std::erase_if(bounds_, [](double b) { return !std::isfinite(b) || b < 0; });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  bounds_ns_.reserve(bounds_.size());
  for (double b : bounds_) bounds_ns_.push_back(std::llround(b * 1e9));
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::Observe(std::chrono::nanoseconds elapsed) noexcept {
  const std::int64_t ns = std::max<std::int64_t>(0, elapsed.count());
  std::size_t i = 0;
  while (i < bounds_ns_.size() && ns > bounds_ns_[i]) ++i;  // "le": a bound includes itself
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  totals_->sum_ns.fetch_add(ns, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  snapshot.cumulative.reserve(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    snapshot.count += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(snapshot.count);
  }
  snapshot.sum_seconds = static_cast<double>(totals_->sum_ns.load(std::memory_order_relaxed)) / 1e9;
  return snapshot;
}

}  // namespace spotauth
