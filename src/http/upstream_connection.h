// Connections to other servers, shared by the HTTP client and the reverse proxy: connecting
// (resolve, TCP, TLS with verification), keeping idle connections for reuse, and naming I/O
// failures as errors.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"
#include "http/forward_proxy.h"
#include "http/request_url.h"

namespace spotauth::http {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// One connection to an origin, plain or TLS, with the read buffer that belongs to it (bytes
// read past one message stay there for the next).
struct UpstreamConnection {
  // `max_buffer` bounds what one read may make us hold: Beast 1.81 would otherwise grow the
  // buffer to hold a whole chunk-size line or trailer section, however large.
  UpstreamConnection(boost::asio::any_io_executor executor, boost::asio::ssl::context* tls_context,
                     std::size_t max_buffer);

  boost::beast::tcp_stream& Tcp();
  bool IsTls() const { return std::holds_alternative<TlsStream>(stream); }

  std::variant<std::monostate, boost::beast::tcp_stream, TlsStream> stream;
  boost::beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;
};

using UpstreamConnectionPtr = std::unique_ptr<UpstreamConnection>;

// Resolves (names only), connects and, for https, shakes hands with SNI and verifies the chain
// and the name or IP against `url`, all before `deadline`. `tls_context` is used only for https.
// With `proxy` set and applying to the host, an https connection is a tunnel through that
// forward proxy (CONNECT host:port), and TLS runs end to end through it as before.
// Errors: kTimeout, kUnavailable (resolve or connect, or the proxy refused), kTls (handshake,
// certificate), kInvalidArgument (a bad IP literal). Messages name the step and the origin only.
[[nodiscard]] boost::asio::awaitable<Result<UpstreamConnectionPtr>> ConnectUpstream(
    boost::asio::any_io_executor executor, const RequestUrl& url,
    boost::asio::ssl::context* tls_context, std::size_t max_buffer,
    std::chrono::steady_clock::time_point deadline, const ForwardProxy* proxy = nullptr);

// Idle keep-alive connections by origin, most recently used first, each kept at most
// `idle_lifetime`, at most `max_per_origin` per origin. Not thread-safe: one per event loop.
class IdleConnections {
 public:
  IdleConnections(std::size_t max_per_origin, std::chrono::milliseconds idle_lifetime)
      : max_per_origin_(max_per_origin), idle_lifetime_(idle_lifetime) {}

  // A live idle connection to `origin`, or null. Connections the peer closed meanwhile (seen
  // with a non-blocking peek) or kept too long are dropped on the way.
  UpstreamConnectionPtr Take(const std::string& origin);
  void Return(const std::string& origin, UpstreamConnectionPtr connection);
  std::size_t Count() const;

 private:
  std::size_t max_per_origin_;
  std::chrono::milliseconds idle_lifetime_;
  std::map<std::string, std::deque<UpstreamConnectionPtr>> idle_;
};

// The peer went away: what a closed idle connection looks like when it is next used.
bool IsPeerClosed(const boost::system::error_code& ec);

// An I/O failure during `step` ("connecting to", "reading from", ...) with `origin` as an Error:
// kTimeout, kTooLarge (limits), kUnavailable (peer gone), kTls, kUpstreamProtocol (bad HTTP).
Error MapIoError(const boost::system::error_code& ec, std::string_view step,
                 const std::string& origin);

}  // namespace spotauth::http
