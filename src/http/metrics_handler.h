// MetricsHandler: the request handler of the metrics listener (SPOTAUTH_METRICS_ADDRESS), which
// serves a MetricsRegistry to Prometheus at GET /metrics.
#pragma once

#include "core/metrics_registry.h"
#include "http/request_handler.h"

namespace spotauth::http {

// GET or HEAD /metrics (any query) answers 200 with the registry's text exposition; other paths
// are 404, other methods 405. The registry must outlive the handler.
class MetricsHandler final : public RequestHandler {
 public:
  explicit MetricsHandler(const MetricsRegistry& registry) : registry_(registry) {}
  boost::asio::awaitable<Response> Handle(Request request) override;

 private:
  const MetricsRegistry& registry_;
};

}  // namespace spotauth::http
