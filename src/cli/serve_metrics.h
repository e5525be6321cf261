// What `spotauth serve` counts, named for Prometheus, and the separate listener that serves it
// (SPOTAUTH_METRICS_ADDRESS).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/metrics.h"
#include "core/metrics_registry.h"
#include "core/result.h"
#include "http/listener.h"
#include "http/server_metrics.h"
#include "server/app_metrics.h"
#include "store/counting_session_store.h"

namespace spotauth::cli {

// The process' metrics that live outside the app: the HTTP server's (handed to the public
// listener through ListenerOptions::metrics) and the build; and the registry naming them all.
struct ServeMetrics {
  ServeMetrics();

  // Adds the HTTP server's, the app's, the store's error count and spotauth_build_info to
  // `registry`; once, before the metrics listener starts. The app and store must outlive the
  // last scrape.
  [[nodiscard]] Result<void> Register(const server::AppMetrics& app,
                                      const store::CountingSessionStore& store);

  MetricsRegistry registry;
  http::ServerMetrics http;
  Gauge build_info;  // always 1; the labels carry the version and revision
};

// A one-loop listener on host:port answering GET /metrics from `registry`, without an access
// log (a scrape every few seconds would drown the requests that matter). kUnavailable when it
// cannot bind.
[[nodiscard]] Result<std::unique_ptr<http::Listener>> StartMetricsListener(
    const std::string& host, std::uint16_t port, const MetricsRegistry& registry);

}  // namespace spotauth::cli
