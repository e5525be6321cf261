// One HTTP/1.1 connection: read a request, hand it to the RequestHandler, write the response,
// repeat while keep-alive. The session never routes; it enforces ServerLimits and the protocol
// rules that no handler should have to know (HEAD, keep-alive, error answers for malformed
// requests, the reset-connection marker).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <string>

#include "http/access_log.h"
#include "http/client_address.h"
#include "http/request_handler.h"
#include "http/server_limits.h"
#include "http/server_metrics.h"
#include "http/server_stream.h"

namespace spotauth::http {

// Thread-safety: a session belongs to the event loop that runs its socket. Run, BeginShutdown
// and Abort must all be called on that loop's thread. The handler and limits must outlive the
// session, and so must `metrics` when given.
class HttpSession {
 public:
  // `access_log`: null for none. `trusted_proxies`: whose X-Forwarded-For names the client in
  // the access log (null or empty: nobody's). Both must outlive the session.
  HttpSession(ServerSocket socket, http::RequestHandler& handler, const ServerLimits& limits,
              const AccessLog* access_log, const TrustedProxies* trusted_proxies = nullptr,
              ServerMetrics* metrics = nullptr);
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Serves requests until the connection ends; closes the socket before returning. Never
  // throws: a handler exception becomes a 500 and is logged by type. Call at most once.
  //
  // Client mistakes get a short plain-text answer and the connection is closed: malformed
  // request or unsupported framing → 400, request target too long → 414, header block too
  // large or too many fields → 431, body too large → 413. A head not complete within
  // header_timeout, a body not complete within body_timeout, or an idle keep-alive connection
  // past idle_timeout is closed without an answer.
  boost::asio::awaitable<void> Run();

  // Graceful shutdown: a request in progress is still answered (with Connection: close); a
  // connection waiting for its next request is closed at once.
  void BeginShutdown();

  // Forceful shutdown: closes the socket now and emits terminal cancellation to the
  // operation the handler is awaiting. Only effective when Run was spawned with
  // CancellationSlot() bound to its completion handler.
  void Abort();

  // The slot to bind to the co_spawn completion handler of Run.
  boost::asio::cancellation_slot CancellationSlot() { return cancel_.slot(); }

  // True once Run has returned.
  bool Finished() const { return finished_; }

 private:
  enum class Phase { kWaiting, kBusy, kLingering };
  // One request's facts that outlive its parser, for the answer and the access log.
  struct Exchange {
    std::chrono::steady_clock::time_point start;
    unsigned version = 11;
    bool keep_alive = false;
    bool head_request = false;
    std::string request_id;
    std::string method;  // only with the access log on
    std::string path;
    std::string client;
  };

  boost::asio::awaitable<void> Serve();
  // The peer's address, once per connection.
  void LearnPeer();
  void LogAccess(const Exchange& exchange, unsigned status, std::size_t bytes) const;
  // Writes a handler's response; false when the connection is done.
  boost::asio::awaitable<bool> Answer(http::Response response, const Exchange& exchange);
  // Sends "100 Continue" if the client waits for it before sending the body; false on failure.
  boost::asio::awaitable<bool> Continue(const http::RequestHead& head);
  boost::asio::awaitable<void> Reject(unsigned status);
  boost::asio::awaitable<void> LingeringClose();
  void ResetConnection();
  void Close();
  // Counts an answered request under route_ in metrics_, if any.
  void Count(unsigned status, std::chrono::steady_clock::time_point start);

  ServerStream stream_;
  http::RequestHandler& handler_;
  const ServerLimits& limits_;
  const AccessLog* access_log_;
  const TrustedProxies* trusted_proxies_;
  ServerMetrics* metrics_;
  std::size_t route_ = ServerMetrics::kUnrouted;  // the current request's, once known
  boost::asio::cancellation_signal cancel_;
  boost::asio::ip::address peer_;  // LearnPeer: when the access log or the handler needs it
  std::string peer_text_ = "-";
  std::string head_;  // the response head being written; its capacity is kept between requests
  bool peer_is_proxy_ = false;
  Phase phase_ = Phase::kWaiting;
  bool stopping_ = false;
  bool aborted_ = false;
  bool finished_ = false;
};

}  // namespace spotauth::http
