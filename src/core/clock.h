// Clock: the only source of wall time. Logic takes a const Clock& and does its own arithmetic.
#pragma once

#include <atomic>
#include <chrono>

namespace spotauth {

using TimePoint = std::chrono::system_clock::time_point;

// Thread-safe: Now() may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock tests move by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::seconds{1'700'000'000}})
      : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint{TimePoint::duration{now_.load()}}; }
  void Set(TimePoint t) { now_ = t.time_since_epoch().count(); }
  void Advance(std::chrono::system_clock::duration d) { now_ += d.count(); }

 private:
  std::atomic<TimePoint::rep> now_;
};

}  // namespace spotauth
