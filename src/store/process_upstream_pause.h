// The upstream pause of a store that one process owns (memory; a SQLite file, which one
// process writes): kept in memory, lock-free.
#pragma once

#include <atomic>
#include <optional>

#include "core/clock.h"

namespace spotauth::store {

class ProcessUpstreamPause {
 public:
  void Record(TimePoint until) {
    const auto wanted = until.time_since_epoch().count();
    auto current = until_.load();
    while (current < wanted && !until_.compare_exchange_weak(current, wanted)) {
    }
  }
  std::optional<TimePoint> Current(TimePoint now) const {
    const TimePoint until{TimePoint::duration{until_.load()}};
    if (until <= now) return std::nullopt;
    return until;
  }

 private:
  std::atomic<TimePoint::rep> until_{0};
};

}  // namespace spotauth::store
