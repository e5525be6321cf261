// The handler seam: what the server side of the HTTP layer hosts.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <string_view>
#include <variant>

#include "core/result.h"
#include "http/message.h"

namespace spotauth::http {

class ReverseProxy;

// What the connection does with a request once its head is read (RequestHandler::Intercept).
struct ReadBodyThenHandle {};  // read the whole body (bounded) and call Handle
struct PassOn {                // stream it, head as edited, through `proxy` to another server
  ReverseProxy* proxy;
};
// A Response answers at once without reading the body (the connection then closes if a body
// was announced).
using HeadVerdict = std::variant<ReadBodyThenHandle, Response, PassOn>;

// What the connection knows about a request beyond its head.
struct RequestContext {
  std::string_view client_address;  // the peer's IP address
  std::string_view request_id;      // X-Request-Id, as the response will carry it
};

// Turns a request value into a response value. Handlers never see sockets; the connection
// coroutine reads, calls Handle, and writes. An instance serves one event loop (one thread),
// so it may keep per-loop state without locks; anything shared across loops must be
// thread-safe. Handle must not throw: failures become responses. The connection writes
// Content-Length (from the body), Connection and X-Request-Id itself: a response need not
// carry them (prepare_payload is not needed), and its own values for them are not sent.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual boost::asio::awaitable<Response> Handle(Request request) = 0;

  // For metrics: which of the route labels the listener's ServerMetrics was made with this
  // request counts under (an index; see ServerMetrics). Called once per request with a
  // ServerMetrics only, after the head is read and before Intercept; must be cheap and not throw.
  virtual std::size_t RouteOf(const RequestHead& /*head*/) const { return 0; }

  // Handlers that pass requests on to another server (gateway mode) return true; only then is
  // Intercept called, so the others cost no extra coroutine per request.
  virtual bool InterceptsHeads() const { return false; }
  // Sees every request's head before its body is read. It may edit the head that a PassOn
  // sends on. Must not throw.
  virtual boost::asio::awaitable<HeadVerdict> Intercept(RequestHead& /*head*/,
                                                        const RequestContext& /*context*/) {
    co_return ReadBodyThenHandle{};
  }
  // The answer when a PassOn failed before any byte of a response reached the client:
  // error.code is kTimeout when the other server was too slow, another code when it could not
  // be reached or answered badly.
  // The connection sets version and keep-alive.
  virtual Response PassOnFailed(const Error& error) {
    Response response(error.code == ErrorCode::kTimeout ? beast_http::status::gateway_timeout
                                                        : beast_http::status::bad_gateway,
                      11);
    response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
    response.body() = std::string(beast_http::obsolete_reason(response.result())) + "\n";
    return response;
  }
};

// Asks the server session to drop the connection without answering: it closes the socket with
// SO_LINGER 0, so the client sees a TCP reset (RST) and no response bytes. Meant for fault
// injection (the stand-in Spotify simulating a broken upstream).
inline Response ResetConnectionResponse() {
  Response response;
  response.reset_connection(true);
  return response;
}

inline bool IsResetConnection(const Response& response) { return response.reset_connection(); }

}  // namespace spotauth::http
