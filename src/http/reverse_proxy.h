// ReverseProxy: carries a request from a server connection to another server (the app behind
// gateway mode) and its answer back, streaming both bodies through fixed buffers.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "http/message.h"
#include "http/request_url.h"
#include "http/server_limits.h"
#include "http/server_stream.h"
#include "http/upstream_connection.h"

namespace spotauth::http {

struct ReverseProxyOptions {
  std::string origin;  // http://host:port or https://host:port; https is verified
  // Connecting, and every wait for the other server (its head, each piece of its body).
  std::chrono::milliseconds response_timeout{30'000};
  std::size_t max_idle = 64;  // keep-alive connections kept for reuse
  std::chrono::milliseconds idle_lifetime{15'000};
  std::size_t max_response_head_bytes = 32 * 1024;
  // An upgraded connection (WebSocket) with no traffic either way for this long is closed.
  std::chrono::milliseconds tunnel_idle_timeout{600'000};
  // An https origin through this forward proxy (CONNECT), where it applies.
  std::optional<ForwardProxy> proxy;
  // Set on every response passed back (e.g. Strict-Transport-Security).
  std::vector<std::pair<std::string, std::string>> response_fields;
};

// How a passed-on exchange ended, for the access log and the connection.
struct PassOnOutcome {
  unsigned status = 0;           // 0: the client went away before an answer
  std::uint64_t body_bytes = 0;  // response body bytes relayed to the client
  bool client_reusable = false;  // the client connection may carry another request
};

// What the proxy does (RFC 9110 §7.6, RFC 9112): the head is sent as the handler left it, as
// HTTP/1.1, with the client's framing (Content-Length or chunked) and without the hop-by-hop
// fields of either side; Expect is dropped (the server connection answers 100-continue
// itself). 1xx interim answers other than 101 are skipped. A 101 to a request that asked for an
// Upgrade turns both connections into a byte tunnel (WebSocket) until either side closes.
// Connections to the other server are reused when both sides allow keep-alive; a request
// without a body that finds a reused connection closed before any answer is sent once more on
// a new one (only idempotent methods).
//
// Memory per exchange is fixed (two 16 KiB relay buffers and the connections' read buffers),
// whatever the bodies' sizes. Not thread-safe: one per event loop.
class ReverseProxy {
 public:
  // Errors: kInvalidArgument for an origin that is not http(s)://host[:port].
  [[nodiscard]] static Result<std::unique_ptr<ReverseProxy>> Create(
      boost::asio::any_io_executor executor, ReverseProxyOptions options,
      std::shared_ptr<boost::asio::ssl::context> tls_context);

  // Passes on the request whose head `parser` has read (the body not yet: it is read from
  // `client` and `client_buffer` as it is sent on) and relays the answer to `client`.
  // `client_keep_alive`: whether the client connection may stay open afterwards.
  // Errors only when nothing has been written to the client: kTimeout (the other server did not
  // connect or answer in time), kUnavailable, kTls, kUpstreamProtocol, kTooLarge (it could not
  // be reached or answered badly). A client that fails or goes away mid-way ends the exchange
  // with status 0.
  [[nodiscard]] boost::asio::awaitable<Result<PassOnOutcome>> Forward(
      ServerStream& client, boost::beast::flat_buffer& client_buffer,
      beast_http::request_parser<beast_http::string_body>& parser, bool client_keep_alive,
      std::string_view request_id, const ServerLimits& limits);

  std::size_t IdleConnectionCount() const { return idle_.Count(); }

 private:
  struct Exchange;
  ReverseProxy(boost::asio::any_io_executor executor, ReverseProxyOptions options,
               RequestUrl origin, std::shared_ptr<boost::asio::ssl::context> tls_context);

  template <class Upstream>
  boost::asio::awaitable<Result<PassOnOutcome>> Run(Upstream& upstream,
                                                    UpstreamConnection& connection,
                                                    Exchange& exchange);

  boost::asio::any_io_executor executor_;
  ReverseProxyOptions options_;
  RequestUrl origin_;
  std::string origin_key_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  IdleConnections idle_;
};

}  // namespace spotauth::http
