// What the HTTP server counts: requests by route and status class with their durations, and
// open connections. Made once in cli/, shared by every event loop through ListenerOptions.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "core/metrics_registry.h"
#include "core/result.h"

namespace spotauth::http {

// Thread-safety: every member may be called from any thread (relaxed atomics).
class ServerMetrics {
 public:
  // Where a request counts when no handler named its route (a head refused before routing).
  static constexpr std::size_t kUnrouted = std::numeric_limits<std::size_t>::max();

  // `routes`: the route labels that RequestHandler::RouteOf indexes, a small fixed set (never
  // raw paths, which would make one series per URL anyone types). The last one is the catch-all:
  // kUnrouted and any index out of range count there. Empty: a single "other".
  explicit ServerMetrics(std::vector<std::string> routes);

  // One answered request. No allocation, no look-up; statuses outside 100-599 are not counted.
  void CountRequest(std::size_t route, unsigned status, std::chrono::nanoseconds elapsed) noexcept;
  void ConnectionsOpened(std::int64_t n = 1) noexcept { connections_.Add(n); }
  void ConnectionsClosed(std::int64_t n = 1) noexcept { connections_.Add(-n); }

  // spotauth_http_requests_total{route,code}, spotauth_http_request_duration_seconds{route} and
  // spotauth_http_open_connections; every route and status class appears from the start, at 0.
  [[nodiscard]] Result<void> Register(MetricsRegistry& registry) const;

 private:
  struct Route {
    std::array<Counter, 5> by_class;  // 1xx .. 5xx
    Histogram duration;
  };
  std::vector<std::string> labels_;
  std::vector<std::unique_ptr<Route>> routes_;
  Gauge connections_;
};

}  // namespace spotauth::http
