#include "cli/serve_metrics.h"

#include "cli/version.h"
#include "http/metrics_handler.h"
#include "server/routes.h"

namespace spotauth::cli {

ServeMetrics::ServeMetrics() : http(server::RouteLabels()) { build_info.Set(1); }

Result<void> ServeMetrics::Register(const server::AppMetrics& app,
                                    const store::CountingSessionStore& store) {
  const std::string revision = Revision();
  SPOTAUTH_TRY(registry.Add(
      "spotauth_build_info", "The running build: version and git revision.",
      {{"version", ProjectVersion()}, {"revision", revision.empty() ? "unknown" : revision}},
      build_info));
  SPOTAUTH_TRY(http.Register(registry));
  SPOTAUTH_TRY(app.Register(registry));
  return registry.Add("spotauth_store_errors_total",
                      "Session store calls that failed (disk, database or Redis errors).", {},
                      store.Errors());
}

Result<std::unique_ptr<http::Listener>> StartMetricsListener(const std::string& host,
                                                             std::uint16_t port,
                                                             const MetricsRegistry& registry) {
  http::ListenerOptions options;
  options.host = host;
  options.port = port;
  options.threads = 1;
  options.access_log = false;
  auto listener = std::make_unique<http::Listener>(
      options, [&registry](boost::asio::io_context&) -> std::unique_ptr<http::RequestHandler> {
        return std::make_unique<http::MetricsHandler>(registry);
      });
  SPOTAUTH_TRY(listener->Start());
  return listener;
}

}  // namespace spotauth::cli
