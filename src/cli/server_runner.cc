#include "cli/server_runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/batched_fd_sink.h"
#include "cli/log_format.h"
#include "cli/process_limits.h"
#include "cli/serve_metrics.h"
#include "cli/version.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/beast_http_client.h"
#include "http/listener.h"
#include "server/app_context.h"
#include "server/login_app.h"
#include "store/counting_session_store.h"
#include "store/open_session_store.h"

namespace spotauth::cli {
namespace {

// Removes expired sessions and pending logins once a minute, off the event loops.
class Sweeper {
 public:
  explicit Sweeper(store::SessionStore& store)
      : thread_([this, &store] {
          std::unique_lock lock(mutex_);
          while (!stop_) {
            if (cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stop_; })) break;
            lock.unlock();
            boost::asio::io_context io;
            boost::asio::co_spawn(io, store.SweepExpired(),
                                  [](const std::exception_ptr&, auto result) {
                                    if (!result)
                                      spdlog::warn("sweep failed: {}", result.error().message);
                                  });
            io.run();
            lock.lock();
          }
        }) {}
  ~Sweeper() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

const char* StoreKindName(store::StoreLocation::Kind kind) {
  switch (kind) {
    case store::StoreLocation::Kind::kMemory:
      return "memory";
    case store::StoreLocation::Kind::kSqlite:
      return "sqlite";
    case store::StoreLocation::Kind::kRedis:
      return "redis";
  }
  return "?";
}

const char* ClientMode(const server::Config& config) {
  if (config.client_secret.empty()) return "public client (PKCE)";
  return config.pkce ? "confidential client with PKCE" : "confidential client without PKCE";
}

}  // namespace

int RunServer(const server::Config& config, const std::function<void()>& on_listening) {
  KeepSecretsOutOfCoreDumps();
  // Every line, access lines included, goes to stderr through one sink in blocks (a write(2)
  // per line was a system call per login, and per refused callback under a flood). A warning or
  // an error is written at once, with whatever gathered before it; the rest within half a
  // second.
  auto log_sink = std::make_shared<BatchedFdSink>(STDERR_FILENO);
  log_sink->set_formatter(MakeLogFormatter(config.log_json));
  auto logger = std::make_shared<spdlog::logger>("spotauth", log_sink);
  logger->set_level(spdlog::level::from_str(config.log_level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  for (const auto& warning : config.warnings) spdlog::warn("{}", warning);
  SystemClock clock;
  OpenSslRandom random;
  auto store = store::OpenSessionStore(config.store, clock);
  if (!store) {
    std::cerr << "spotauth: cannot open the session store: " << store.error().message << "\n";
    return 1;
  }
  store::CountingSessionStore counted_store(**store);
  server::AppContext app(config, clock, random, counted_store);
  ServeMetrics metrics;
  if (auto registered = metrics.Register(app.metrics, counted_store); !registered) {
    std::cerr << "spotauth: " << registered.error().message << "\n";  // a bug, not a setting
    return 1;
  }
  // One TLS context for every loop: loading the CA store is most of start-up's work.
  auto tls = http::MakeTlsClientContext(config.ca_file);
  if (!tls) {
    std::cerr << "spotauth: cannot set up TLS for Spotify: " << tls.error().message << "\n";
    return 1;
  }

  http::ListenerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  options.access_log = config.access_log;
  if (config.access_log) {
    options.access_log_sink = log_sink;
  }
  options.access_log_format =
      config.log_json ? http::AccessLogFormat::kJson : http::AccessLogFormat::kText;
  options.trusted_proxies = config.trusted_proxies;
  options.metrics = &metrics.http;
  // 10,000 connections need 10,000 descriptors; the usual soft limit is 1,024, and upstream
  // connections and SQLite share the same table.
  const DescriptorBudget descriptors =
      RaiseDescriptorLimit(options.threads, options.limits.max_connections);
  if (descriptors.max_connections < options.limits.max_connections) {
    spdlog::warn("open-file limit {} allows {} connections (not {}); raise it with LimitNOFILE",
                 descriptors.open_files, descriptors.max_connections,
                 options.limits.max_connections);
  }
  options.limits.max_connections = descriptors.max_connections;
  http::Listener listener(
      options, [&app, &tls](boost::asio::io_context& io) -> std::unique_ptr<http::RequestHandler> {
        auto handler = server::LoginApp::Create(app, io.get_executor(), *tls);
        if (!handler) {
          spdlog::error("cannot set up the upstream client: {}", handler.error().message);
          return nullptr;
        }
        return std::move(*handler);
      });

  boost::asio::io_context signals_loop;
  boost::asio::signal_set signals(signals_loop, SIGINT, SIGTERM);
  if (auto started = listener.Start(); !started) {
    std::cerr << "spotauth: cannot listen on " << config.host << ":" << config.port << ": "
              << started.error().message << "\n";
    return 1;
  }
  std::unique_ptr<http::Listener> metrics_listener;
  if (!config.metrics_host.empty()) {
    auto started_metrics =
        StartMetricsListener(config.metrics_host, config.metrics_port, metrics.registry);
    if (!started_metrics) {
      std::cerr << "spotauth: cannot serve metrics on " << config.metrics_host << ":"
                << config.metrics_port << ": " << started_metrics.error().message << "\n";
      return 1;
    }
    metrics_listener = std::move(*started_metrics);
    const bool ipv6 = config.metrics_host.find(':') != std::string::npos;
    spdlog::info("metrics at http://{}{}{}:{}/metrics", ipv6 ? "[" : "", config.metrics_host,
                 ipv6 ? "]" : "", config.metrics_port);
  }
  Sweeper sweeper(counted_store);
  spdlog::info("spotauth {} listening on {}:{} ({} {}); store {}; {}; scopes {}; open {}",
               Version(), config.host, listener.Port(), options.threads,
               options.threads == 1 ? "loop" : "loops", StoreKindName(config.store.kind),
               ClientMode(config), config.scope.ToString(), config.public_origin);
  if (config.https_proxy) {
    spdlog::info("https to other servers through the proxy {}:{} (HTTPS_PROXY; NO_PROXY: {})",
                 config.https_proxy->host, config.https_proxy->port,
                 config.https_proxy->no_proxy.size());
  }
  logger->flush();  // whoever waits for the start-up lines sees them now
  if (on_listening) on_listening();
  signals.async_wait([](const boost::system::error_code&, int) {});
  signals_loop.run();
  spdlog::info("stopping: finishing requests in flight");
  listener.Stop();
  if (metrics_listener) metrics_listener->Stop();
  spdlog::info("stopped");
  logger->flush();
  return 0;
}

}  // namespace spotauth::cli
