#include "http/beast_http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <exception>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "http/resolve.h"

namespace spotauth::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using boost::system::error_code;

struct BeastHttpClient::Connection {
  // `max_buffer` bounds what one read may make the client hold: Beast 1.81 would otherwise grow
  // the buffer to hold a whole chunk-size line or trailer section, however large.
  Connection(asio::any_io_executor executor, ssl::context* tls_context, std::size_t max_buffer)
      : buffer(max_buffer) {
    if (tls_context != nullptr) {
      stream.emplace<TlsStream>(executor, *tls_context);
    } else {
      stream.emplace<beast::tcp_stream>(executor);
    }
  }

  beast::tcp_stream& Tcp() {
    if (auto* tls = std::get_if<TlsStream>(&stream)) return tls->next_layer();
    return std::get<beast::tcp_stream>(stream);
  }

  std::variant<std::monostate, beast::tcp_stream, TlsStream> stream;
  beast::flat_buffer buffer;
  SteadyClock::time_point idle_since;
};

namespace {

constexpr auto kToken = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxChunkExtension = 256;

// The peer went away: what a closed idle connection looks like when it is next used.
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

// Header values reach the wire verbatim; a line break would let a value smuggle in headers.
bool HasLineBreak(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

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

bool IsIdempotent(beast_http::verb method) {
  switch (method) {
    case beast_http::verb::get:
    case beast_http::verb::head:
    case beast_http::verb::put:
    case beast_http::verb::delete_:
    case beast_http::verb::options:
    case beast_http::verb::trace:
      return true;
    default:
      return false;
  }
}

template <class Stream>
asio::awaitable<error_code> WriteRequest(Stream& stream,
                                         beast_http::request<beast_http::string_body>& request) {
  auto [ec, bytes] = co_await beast_http::async_write(stream, request, kToken);
  std::ignore = bytes;
  co_return ec;
}

template <class Stream>
asio::awaitable<error_code> ReadResponse(
    Stream& stream, beast::flat_buffer& buffer,
    beast_http::response_parser<beast_http::string_body>& parser) {
  auto [ec, bytes] = co_await beast_http::async_read(stream, buffer, parser, kToken);
  std::ignore = bytes;
  co_return ec;
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeTlsClientContext(const std::string& ca_file) {
  try {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    context->set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (ca_file.empty()) {
      context->set_default_verify_paths(ec);
      if (ec) return MakeError(ErrorCode::kTls, "loading the system CA store: " + ec.message());
    } else {
      context->load_verify_file(ca_file, ec);
      if (ec) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "loading CA file " + ca_file + ": " + ec.message());
      }
    }
    return context;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kTls, std::string("setting up TLS: ") + e.what());
  }
}

Result<std::unique_ptr<BeastHttpClient>> BeastHttpClient::Create(asio::any_io_executor executor,
                                                                 Options options) {
  SPOTAUTH_TRY_ASSIGN(auto context, MakeTlsClientContext(options.ca_file));
  return Create(std::move(executor), std::move(options), std::move(context));
}

std::unique_ptr<BeastHttpClient> BeastHttpClient::Create(
    asio::any_io_executor executor, Options options, std::shared_ptr<ssl::context> tls_context) {
  return std::unique_ptr<BeastHttpClient>(
      new BeastHttpClient(std::move(executor), std::move(options), std::move(tls_context)));
}

BeastHttpClient::BeastHttpClient(asio::any_io_executor executor, Options options,
                                 std::shared_ptr<ssl::context> tls_context)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      tls_context_(std::move(tls_context)) {}

BeastHttpClient::~BeastHttpClient() = default;

std::size_t BeastHttpClient::IdleConnectionCount() const {
  std::size_t count = 0;
  for (const auto& [origin, connections] : idle_) count += connections.size();
  return count;
}

BeastHttpClient::ConnectionPtr BeastHttpClient::TakeIdle(const std::string& origin) {
  auto it = idle_.find(origin);
  if (it == idle_.end()) return nullptr;
  auto& connections = it->second;
  const auto now = SteadyClock::now();
  ConnectionPtr found;
  // Most recently used first: it is the least likely to have been closed by the peer.
  while (!connections.empty() && !found) {
    ConnectionPtr candidate = std::move(connections.back());
    connections.pop_back();
    bool tls = std::holds_alternative<TlsStream>(candidate->stream);
    if (now - candidate->idle_since <= options_.idle_lifetime &&
        !LooksClosed(candidate->Tcp(), tls)) {
      found = std::move(candidate);
    }
  }
  if (connections.empty()) idle_.erase(it);
  return found;
}

void BeastHttpClient::ReturnIdle(const std::string& origin, ConnectionPtr connection) {
  if (options_.max_idle_per_origin == 0) return;
  connection->idle_since = SteadyClock::now();
  auto& connections = idle_[origin];
  connections.push_back(std::move(connection));
  while (connections.size() > options_.max_idle_per_origin ||
         (!connections.empty() &&
          connections.front()->idle_since + options_.idle_lifetime < SteadyClock::now())) {
    connections.pop_front();
  }
}

asio::awaitable<Result<BeastHttpClient::ConnectionPtr>> BeastHttpClient::Connect(
    const RequestUrl& url, SteadyClock::time_point deadline) {
  const std::string origin = url.Origin();
  std::vector<tcp::endpoint> endpoints;
  if (url.host_is_ip) {
    error_code ec;
    auto address = asio::ip::make_address(url.host, ec);
    if (ec) co_return MakeError(ErrorCode::kInvalidArgument, "bad IP address in " + origin);
    endpoints.emplace_back(address, url.port);
  } else {
    SPOTAUTH_CO_TRY_ASSIGN(endpoints,
                           co_await ResolveBefore(executor_, url.host, url.port, deadline));
  }

  // A head, or one of Beast's 64 KiB body reads, plus what is left of the previous one.
  auto connection = std::make_unique<Connection>(executor_, url.tls ? tls_context_.get() : nullptr,
                                                 options_.max_header_bytes + 2 * 65536);
  beast::tcp_stream& transport = connection->Tcp();
  transport.expires_at(deadline);
  auto [connect_ec, endpoint] = co_await transport.async_connect(endpoints, kToken);
  std::ignore = endpoint;
  if (connect_ec) co_return tl::unexpected(MapIoError(connect_ec, "connecting to", origin));
  // Requests are small and latency-bound; Nagle would hold the last segment for an ACK.
  error_code ignored;
  transport.socket().set_option(tcp::no_delay(true), ignored);

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

asio::awaitable<Result<ClientResponse>> BeastHttpClient::Exchange(
    Connection& connection, const RequestUrl& url, const ClientRequest& request,
    SteadyClock::time_point deadline, bool& keep_alive, bool& closed_before_response) {
  const std::string origin = url.Origin();
  beast_http::request<beast_http::string_body> message{request.method, url.target, 11};
  for (const auto& field : request.headers) {
    message.insert(field.name_string(), field.value());
  }
  message.set(beast_http::field::host, url.HostHeader());
  if (message.find(beast_http::field::user_agent) == message.end()) {
    message.set(beast_http::field::user_agent, options_.user_agent);
  }
  message.body() = request.body;
  message.prepare_payload();

  connection.Tcp().expires_at(deadline);
  error_code ec;
  if (auto* tls = std::get_if<TlsStream>(&connection.stream)) {
    ec = co_await WriteRequest(*tls, message);
  } else {
    ec = co_await WriteRequest(std::get<beast::tcp_stream>(connection.stream), message);
  }
  if (ec) {
    closed_before_response = IsPeerClosed(ec);
    co_return tl::unexpected(MapIoError(ec, "sending to", origin));
  }

  // Chunk extensions carry nothing we use; bounded like the server side's.
  std::size_t extension_bytes = 0;
  auto on_chunk_header = [&extension_bytes](std::uint64_t, std::string_view extensions,
                                            error_code& chunk_ec) {
    extension_bytes += extensions.size();
    if (extension_bytes > kMaxChunkExtension) chunk_ec = beast_http::error::bad_chunk_extension;
  };
  // Interim 1xx responses (e.g. 103 Early Hints) precede the real one on the same connection.
  for (;;) {
    beast_http::response_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser.body_limit(options_.max_body_bytes);
    parser.on_chunk_header(on_chunk_header);
    // A response to HEAD announces a length but carries no body (RFC 9110 §9.3.2).
    if (request.method == beast_http::verb::head) parser.skip(true);
    if (auto* tls = std::get_if<TlsStream>(&connection.stream)) {
      ec = co_await ReadResponse(*tls, connection.buffer, parser);
    } else {
      ec = co_await ReadResponse(std::get<beast::tcp_stream>(connection.stream), connection.buffer,
                                 parser);
    }
    if (ec) {
      closed_before_response =
          !parser.got_some() && connection.buffer.size() == 0 && IsPeerClosed(ec);
      co_return tl::unexpected(MapIoError(ec, "reading from", origin));
    }
    auto& response = parser.get();
    const unsigned status = response.result_int();
    if (status >= 100 && status < 200 && status != 101) continue;

    // Bytes after a complete response were never asked for; the framing cannot be trusted.
    keep_alive = response.keep_alive() && connection.buffer.size() == 0 && status != 101;
    ClientResponse result;
    result.status = status;
    result.body = std::move(response.body());
    result.headers = std::move(static_cast<beast_http::fields&>(response.base()));
    co_return result;
  }
}

asio::awaitable<Result<ClientResponse>> BeastHttpClient::Send(ClientRequest request) {
  try {
    SPOTAUTH_CO_TRY_ASSIGN(const RequestUrl url, ParseRequestUrl(request.url));
    const std::string origin = url.Origin();
    if (!url.tls && !options_.allow_plain_http) {
      co_return MakeError(ErrorCode::kInvalidArgument,
                          "plain http is not allowed (" + origin + ")");
    }
    for (const auto& field : request.headers) {
      if (HasLineBreak(field.name_string()) || HasLineBreak(field.value())) {
        co_return MakeError(ErrorCode::kInvalidArgument, "a request header contains a line break");
      }
    }
    const auto timeout = request.timeout.count() > 0 ? request.timeout : options_.timeout;
    const auto deadline = SteadyClock::now() + timeout;

    for (int attempt = 0;; ++attempt) {
      ConnectionPtr connection = attempt == 0 ? TakeIdle(origin) : nullptr;
      const bool reused = connection != nullptr;
      if (!connection) {
        SPOTAUTH_CO_TRY_ASSIGN(connection, co_await Connect(url, deadline));
      }
      bool keep_alive = false;
      bool closed_before_response = false;
      auto result = co_await Exchange(*connection, url, request, deadline, keep_alive,
                                      closed_before_response);
      // Only an idempotent request may go again: the peer may have acted on the first copy
      // before the connection died (RFC 9110 section 9.2.2), and a token POST sent twice
      // redeems a code twice.
      if (!result && reused && closed_before_response && attempt == 0 &&
          IsIdempotent(request.method)) {
        continue;
      }
      if (result && keep_alive) ReturnIdle(origin, std::move(connection));
      co_return result;
    }
  } catch (const std::exception& e) {
    co_return MakeError(ErrorCode::kInternal, std::string("HTTP client: ") + e.what());
  }
}

}  // namespace spotauth::http
