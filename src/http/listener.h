// The HTTP server that hosts a RequestHandler: one event loop, acceptor and handler per thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/access_log.h"
#include "http/client_address.h"
#include "http/request_handler.h"
#include "http/server_limits.h"
#include "http/server_metrics.h"

namespace spotauth::http {

struct ListenerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address literal, not a name
  std::uint16_t port = 0;          // 0 = let the kernel choose; see Listener::Port
  unsigned threads = 1;            // event loops; 0 is treated as 1
  ServerLimits limits;
  // One info line per request: method, path without query, status, body bytes, microseconds,
  // client, request id (http/access_log.h), as text or JSON.
  bool access_log = true;
  AccessLogFormat access_log_format = AccessLogFormat::kText;
  // Where access lines go; null: the default logger's sinks.
  std::shared_ptr<spdlog::sinks::sink> access_log_sink;
  // Whose X-Forwarded-For names the client in the access log; empty: the peer is the client.
  TrustedProxies trusted_proxies;
  // Requests and connections are counted here when set; shared by every thread, it must
  // outlive the listener.
  ServerMetrics* metrics = nullptr;
};

// Called once per thread, on the starting thread, before that thread's loop runs. The handler
// serves only that loop, so it may keep per-loop state without locks.
using HandlerFactory =
    std::function<std::unique_ptr<http::RequestHandler>(boost::asio::io_context&)>;

// Each thread runs its own io_context with its own acceptor bound to the same address with
// SO_REUSEPORT, so the kernel spreads connections across threads and no request ever crosses
// threads (one loop per thread measured 0.86–0.93× nginx, a shared loop 0.53×;
// docs/design-notes.md). Because of SO_REUSEPORT, another process of the same user that also sets
// it could bind the same port; a port held by a socket without SO_REUSEPORT is reported as an
// error.
//
// Thread-safety: all members may be called from any thread except a loop thread of this
// listener (Stop joins them). Stop and the destructor are idempotent.
class Listener {
 public:
  Listener(ListenerOptions options, HandlerFactory factory);
  // NOLINTNEXTLINE(bugprone-exception-escape): a false positive, see listener.cc
  ~Listener();  // Stop() with the default grace if still running
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds every acceptor and starts the threads; returns once connections are accepted.
  // Errors: kInvalidArgument for a host that is not an address literal, for a factory that
  // returns null, or when already started; kUnavailable when binding or listening fails
  // (address in use, permission denied). On error nothing keeps running.
  [[nodiscard]] Result<void> Start();

  // The bound port (the kernel's choice when options.port was 0); 0 before Start.
  std::uint16_t Port() const;

  // Stops accepting, closes connections waiting between requests, lets requests in flight
  // finish for up to `grace` (their responses carry Connection: close), then closes what is
  // left and cancels the handlers' pending operations, and joins the threads. The handlers are
  // destroyed before Stop returns. A listener cannot be started again.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  // Open connections across all threads (accepted and not yet closed).
  std::size_t ActiveConnections() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace spotauth::http
