#include "http/beast_http_client.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <exception>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "http/message_head.h"

namespace spotauth::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;

namespace {

constexpr auto kToken = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxChunkExtension = 256;

// Header values reach the wire verbatim; a line break would let a value smuggle in headers.
bool HasLineBreak(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
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
asio::awaitable<error_code> WriteRequest(Stream& stream, std::string_view head,
                                         std::string_view body) {
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  auto [ec, bytes] = co_await asio::async_write(stream, buffers, kToken);
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
      tls_context_(std::move(tls_context)),
      idle_(options_.max_idle_per_origin, options_.idle_lifetime) {}

BeastHttpClient::~BeastHttpClient() = default;

std::size_t BeastHttpClient::IdleConnectionCount() const { return idle_.Count(); }

asio::awaitable<Result<ClientResponse>> BeastHttpClient::Exchange(
    UpstreamConnection& connection, const RequestUrl& url, const std::string& origin,
    const ClientRequest& request, SteadyClock::time_point deadline, bool& keep_alive,
    bool& closed_before_response) {
  std::string head;
  AppendRequestHead(request.method, url.target, request.headers, url.HostHeader(),
                    options_.user_agent, request.body.size(), head);

  connection.Tcp().expires_at(deadline);
  error_code ec;
  if (auto* tls = std::get_if<TlsStream>(&connection.stream)) {
    ec = co_await WriteRequest(*tls, head, request.body);
  } else {
    ec = co_await WriteRequest(std::get<beast::tcp_stream>(connection.stream), head, request.body);
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
      UpstreamConnectionPtr connection = attempt == 0 ? idle_.Take(origin) : nullptr;
      const bool reused = connection != nullptr;
      if (!connection) {
        // A head, or one of Beast's 64 KiB body reads, plus what is left of the previous one.
        SPOTAUTH_CO_TRY_ASSIGN(
            connection, co_await ConnectUpstream(executor_, url, tls_context_.get(),
                                                 options_.max_header_bytes + 2 * 65536, deadline,
                                                 options_.proxy ? &*options_.proxy : nullptr));
      }
      bool keep_alive = false;
      bool closed_before_response = false;
      auto result = co_await Exchange(*connection, url, origin, request, deadline, keep_alive,
                                      closed_before_response);
      // Only an idempotent request may go again: the peer may have acted on the first copy
      // before the connection died (RFC 9110 section 9.2.2), and a token POST sent twice
      // redeems a code twice.
      if (!result && reused && closed_before_response && attempt == 0 &&
          IsIdempotent(request.method)) {
        continue;
      }
      if (result && keep_alive) idle_.Return(origin, std::move(connection));
      co_return result;
    }
  } catch (const std::exception& e) {
    co_return MakeError(ErrorCode::kInternal, std::string("HTTP client: ") + e.what());
  }
}

}  // namespace spotauth::http
