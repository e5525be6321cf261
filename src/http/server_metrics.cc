#include "http/server_metrics.h"

namespace spotauth::http {

ServerMetrics::ServerMetrics(std::vector<std::string> routes) : labels_(std::move(routes)) {
  if (labels_.empty()) labels_.emplace_back("other");
  for (std::size_t i = 0; i < labels_.size(); ++i) routes_.push_back(std::make_unique<Route>());
}

void ServerMetrics::CountRequest(std::size_t route, unsigned status,
                                 std::chrono::nanoseconds elapsed) noexcept {
  if (status < 100 || status > 599) return;
  Route& counted = *routes_[route < routes_.size() ? route : routes_.size() - 1];
  counted.by_class[status / 100 - 1].Inc();
  counted.duration.Observe(elapsed);
}

Result<void> ServerMetrics::Register(MetricsRegistry& registry) const {
  static constexpr const char* kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    for (std::size_t c = 0; c < 5; ++c) {
      SPOTAUTH_TRY(registry.Add(
          "spotauth_http_requests_total", "HTTP requests answered, by route and status class.",
          {{"route", labels_[r]}, {"code", kClasses[c]}}, routes_[r]->by_class[c]));
    }
  }
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    SPOTAUTH_TRY(registry.Add(
        "spotauth_http_request_duration_seconds",
        "Time from a request's first byte until its answer was written (for requests passed on to "
        "the app: until the app's answer was passed back), by route.",
        {{"route", labels_[r]}}, routes_[r]->duration));
  }
  return registry.Add("spotauth_http_open_connections", "Client connections open now.", {},
                      connections_);
}

}  // namespace spotauth::http
