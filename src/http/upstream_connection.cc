#include "http/upstream_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cerrno>
#include <tuple>
#include <utility>
#include <vector>

#include "http/message.h"
#include "http/resolve.h"

namespace spotauth::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kToken = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxTunnelHead = 8 * 1024;

// A pooled connection whose peer has already closed would only fail the next request; a
// non-blocking peek notices that without consuming anything.
bool LooksClosed(beast::tcp_stream& transport, bool tls) {
  char byte = 0;
  ssize_t n = ::recv(transport.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  // Unsolicited bytes break HTTP framing; over TLS they may be a session ticket, so keep it
  // and let the retry cover a close_notify.
  return !tls;
}

// Asks the forward proxy for a tunnel to the origin (RFC 9110 §9.3.6) and reads its answer's
// head, bounded; any 2xx opens the tunnel. The stream's deadline is already set.
asio::awaitable<Result<void>> OpenTunnel(beast::tcp_stream& transport, const RequestUrl& url,
                                         const ForwardProxy& proxy) {
  const std::string host =
      url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  const std::string authority = host + ":" + std::to_string(url.port);
  std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (!proxy.authorization.empty()) {
    request += "Proxy-Authorization: " + proxy.authorization + "\r\n";
  }
  request += "\r\n";
  const std::string where = "the proxy for " + url.Origin();
  if (auto [ec, n] = co_await asio::async_write(transport, asio::buffer(request), kToken); ec) {
    co_return tl::unexpected(MapIoError(ec, "asking", where));
  }
  std::string head;
  auto buffer = asio::dynamic_buffer(head, kMaxTunnelHead);
  auto [ec, n] = co_await asio::async_read_until(transport, buffer, "\r\n\r\n", kToken);
  if (ec) co_return tl::unexpected(MapIoError(ec, "reading from", where));
  // "HTTP/1.1 200 Connection established"; the TLS handshake follows at once, so nothing may
  // come after the head.
  const bool ok =
      head.size() >= 12 && head.rfind("HTTP/1.", 0) == 0 && head[9] == '2' && n == head.size();
  if (!ok) {
    const std::string status = head.substr(0, std::min<std::size_t>(head.find('\r'), 64));
    co_return MakeError(ErrorCode::kUnavailable, where + " refused the tunnel: " + status);
  }
  co_return Result<void>{};
}

}  // namespace

UpstreamConnection::UpstreamConnection(asio::any_io_executor executor, ssl::context* tls_context,
                                       std::size_t max_buffer)
    : buffer(max_buffer) {
  if (tls_context != nullptr) {
    stream.emplace<TlsStream>(executor, *tls_context);
  } else {
    stream.emplace<beast::tcp_stream>(executor);
  }
}

beast::tcp_stream& UpstreamConnection::Tcp() {
  if (auto* tls = std::get_if<TlsStream>(&stream)) return tls->next_layer();
  return std::get<beast::tcp_stream>(stream);
}

bool IsPeerClosed(const error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == ssl::error::stream_truncated;
}

Error MapIoError(const error_code& ec, std::string_view step, const std::string& origin) {
  std::string message = std::string(step) + " " + origin + ": " + ec.message();
  if (ec == beast::error::timeout) {
    return Error{ErrorCode::kTimeout, std::string(step) + " " + origin + ": deadline passed", {}};
  }
  if (ec == beast_http::error::body_limit || ec == beast_http::error::header_limit ||
      ec == beast_http::error::buffer_overflow) {
    return Error{ErrorCode::kTooLarge, std::move(message), {}};
  }
  if (IsPeerClosed(ec)) return Error{ErrorCode::kUnavailable, std::move(message), {}};
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == ssl::error::get_stream_category()) {
    return Error{ErrorCode::kTls, std::move(message), {}};
  }
  if (ec.category() == beast_http::make_error_code(beast_http::error::partial_message).category()) {
    return Error{ErrorCode::kUpstreamProtocol, std::move(message), {}};
  }
  return Error{ErrorCode::kUnavailable, std::move(message), {}};
}

asio::awaitable<Result<UpstreamConnectionPtr>> ConnectUpstream(
    asio::any_io_executor executor, const RequestUrl& url, ssl::context* tls_context,
    std::size_t max_buffer, SteadyClock::time_point deadline, const ForwardProxy* proxy) {
  const std::string origin = url.Origin();
  const bool tunnel = url.tls && proxy != nullptr && proxy->AppliesTo(url.host);
  const std::string& connect_host = tunnel ? proxy->host : url.host;
  const std::uint16_t connect_port = tunnel ? proxy->port : url.port;
  std::vector<tcp::endpoint> endpoints;
  error_code literal_ec;
  const auto literal = asio::ip::make_address(connect_host, literal_ec);
  if (!literal_ec) {
    endpoints.emplace_back(literal, connect_port);
  } else if (url.host_is_ip && !tunnel) {
    co_return MakeError(ErrorCode::kInvalidArgument, "bad IP address in " + origin);
  } else {
    SPOTAUTH_CO_TRY_ASSIGN(endpoints,
                           co_await ResolveBefore(executor, connect_host, connect_port, deadline));
  }

  auto connection =
      std::make_unique<UpstreamConnection>(executor, url.tls ? tls_context : nullptr, max_buffer);
  beast::tcp_stream& transport = connection->Tcp();
  transport.expires_at(deadline);
  auto [connect_ec, endpoint] = co_await transport.async_connect(endpoints, kToken);
  std::ignore = endpoint;
  if (connect_ec) co_return tl::unexpected(MapIoError(connect_ec, "connecting to", origin));
  // Requests are small and latency-bound; Nagle would hold the last segment for an ACK.
  error_code ignored;
  transport.socket().set_option(tcp::no_delay(true), ignored);

  if (tunnel) {
    SPOTAUTH_CO_TRY(co_await OpenTunnel(transport, url, *proxy));
  }

  auto* tls = std::get_if<TlsStream>(&connection->stream);
  if (tls == nullptr) co_return connection;

  SSL* handle = tls->native_handle();
  // SNI carries names only (RFC 6066 §3); an IP literal is checked against IP SANs instead.
  if (!url.host_is_ip && SSL_set_tlsext_host_name(handle, url.host.c_str()) != 1) {
    co_return MakeError(ErrorCode::kTls, "setting SNI for " + origin);
  }
  X509_VERIFY_PARAM* param = SSL_get0_param(handle);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int set = url.host_is_ip
                      ? X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, url.host.data(), url.host.size());
  if (set != 1) co_return MakeError(ErrorCode::kTls, "setting the expected peer for " + origin);

  auto [handshake_ec] = co_await tls->async_handshake(ssl::stream_base::client, kToken);
  if (handshake_ec) {
    if (handshake_ec == beast::error::timeout) {
      co_return tl::unexpected(MapIoError(handshake_ec, "TLS handshake with", origin));
    }
    const long verify = SSL_get_verify_result(handle);
    if (verify != X509_V_OK) {
      co_return MakeError(ErrorCode::kTls, "certificate of " + origin + " rejected: " +
                                               X509_verify_cert_error_string(verify));
    }
    Error error = MapIoError(handshake_ec, "TLS handshake with", origin);
    // A peer that drops the connection mid-handshake is most likely not speaking TLS.
    if (error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kUpstreamProtocol) {
      error.code = ErrorCode::kTls;
    }
    co_return tl::unexpected(std::move(error));
  }
  co_return connection;
}

UpstreamConnectionPtr IdleConnections::Take(const std::string& origin) {
  auto it = idle_.find(origin);
  if (it == idle_.end()) return nullptr;
  auto& connections = it->second;
  const auto now = SteadyClock::now();
  UpstreamConnectionPtr found;
  // Most recently used first: it is the least likely to have been closed by the peer.
  while (!connections.empty() && !found) {
    UpstreamConnectionPtr candidate = std::move(connections.back());
    connections.pop_back();
    if (now - candidate->idle_since <= idle_lifetime_ &&
        !LooksClosed(candidate->Tcp(), candidate->IsTls())) {
      found = std::move(candidate);
    }
  }
  // An emptied list stays: origins are few (Spotify's two hosts, the gateway's app), and
  // dropping it freed and remade a deque between every two requests under load.
  return found;
}

void IdleConnections::Return(const std::string& origin, UpstreamConnectionPtr connection) {
  if (max_per_origin_ == 0) return;
  connection->idle_since = SteadyClock::now();
  auto& connections = idle_[origin];
  connections.push_back(std::move(connection));
  while (connections.size() > max_per_origin_ ||
         (!connections.empty() &&
          connections.front()->idle_since + idle_lifetime_ < SteadyClock::now())) {
    connections.pop_front();
  }
}

std::size_t IdleConnections::Count() const {
  std::size_t count = 0;
  for (const auto& [origin, connections] : idle_) count += connections.size();
  return count;
}

}  // namespace spotauth::http
