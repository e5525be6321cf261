#include "http/reverse_proxy.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <string_view>

namespace spotauth::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using SteadyClock = std::chrono::steady_clock;
using BufferBody = beast_http::buffer_body;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kRelayChunk = 16 * 1024;

std::string_view Sv(beast::string_view s) { return {s.data(), s.size()}; }

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool HasToken(std::string_view list, std::string_view token) {
  for (std::size_t at = 0; at <= list.size();) {
    std::size_t comma = list.find(',', at);
    if (comma == std::string_view::npos) comma = list.size();
    if (beast::iequals(TrimSpaces(list.substr(at, comma - at)), token)) return true;
    at = comma + 1;
  }
  return false;
}

// Connection: upgrade with an Upgrade field (RFC 9110 §7.8), e.g. a WebSocket handshake.
bool AsksForUpgrade(const beast_http::fields& fields) {
  if (fields.find(beast_http::field::upgrade) == fields.end()) return false;
  for (auto [it, end] = fields.equal_range(beast_http::field::connection); it != end; ++it) {
    const auto& value = *it;
    if (HasToken(Sv(value.value()), "upgrade")) return true;
  }
  return false;
}

// Hop-by-hop fields describe one connection, not the message (RFC 9110 §7.6.1): those named in
// Connection and the standard ones. The framing fields stay: the message is re-framed the way it
// came, and dropping them because Connection named them would desynchronise the next hop.
void StripHopByHop(beast_http::fields& fields, bool keep_upgrade) {
  std::vector<std::string> named;
  for (auto [it, end] = fields.equal_range(beast_http::field::connection); it != end; ++it) {
    const auto& value = *it;
    const std::string_view list = Sv(value.value());
    for (std::size_t at = 0; at <= list.size();) {
      std::size_t comma = list.find(',', at);
      if (comma == std::string_view::npos) comma = list.size();
      const std::string_view name = TrimSpaces(list.substr(at, comma - at));
      at = comma + 1;
      if (name.empty() || beast::iequals(name, "content-length") ||
          beast::iequals(name, "transfer-encoding") ||
          (keep_upgrade && beast::iequals(name, "upgrade"))) {
        continue;
      }
      named.emplace_back(name);
    }
  }
  for (const auto& name : named) fields.erase(name);
  for (const auto field :
       {beast_http::field::connection, beast_http::field::keep_alive,
        beast_http::field::proxy_connection, beast_http::field::te, beast_http::field::trailer,
        beast_http::field::proxy_authorization, beast_http::field::proxy_authenticate}) {
    fields.erase(field);
  }
  if (!keep_upgrade) fields.erase(beast_http::field::upgrade);
}

bool IsIdempotent(beast_http::verb method) {
  return method == beast_http::verb::get || method == beast_http::verb::head ||
         method == beast_http::verb::options || method == beast_http::verb::put ||
         method == beast_http::verb::delete_;
}

template <class Stream>
void ExpireAfter(Stream& stream, std::chrono::milliseconds after) {
  beast::get_lowest_layer(stream).expires_after(after);
}

// Bytes both ways until either side closes or nothing moves for `idle`.
class Tunnel {
 public:
  Tunnel(ServerStream& client, beast::tcp_stream& upstream_transport,
         std::chrono::milliseconds idle)
      : client_(client),
        upstream_transport_(upstream_transport),
        idle_(idle),
        timer_(client.get_executor()) {}

  template <class From, class To>
  asio::awaitable<void> Pump(From& from, To& to) {
    std::array<char, kRelayChunk> buffer;
    while (open_) {
      auto [ec, n] = co_await from.async_read_some(asio::buffer(buffer), kNoThrow);
      if (ec) break;
      last_activity_ = SteadyClock::now();
      auto [write_ec, written] =
          co_await asio::async_write(to, asio::buffer(buffer.data(), n), kNoThrow);
      if (write_ec) break;
    }
    Close();
  }

  asio::awaitable<void> Watch() {
    while (open_) {
      timer_.expires_after(std::min<std::chrono::milliseconds>(idle_, std::chrono::seconds(5)));
      co_await timer_.async_wait(kNoThrow);
      if (open_ && SteadyClock::now() - last_activity_ > idle_) Close();
    }
  }

 private:
  void Close() {
    if (!open_) return;
    open_ = false;
    client_.close();
    upstream_transport_.close();
    timer_.cancel();
  }

  ServerStream& client_;
  beast::tcp_stream& upstream_transport_;
  std::chrono::milliseconds idle_;
  asio::steady_timer timer_;
  bool open_ = true;
  SteadyClock::time_point last_activity_ = SteadyClock::now();
};

}  // namespace

struct ReverseProxy::Exchange {
  ServerStream& client;
  beast::flat_buffer& client_buffer;
  beast_http::request_parser<BufferBody> request;
  const ServerLimits& limits;
  std::string_view request_id;
  unsigned client_version = 11;
  bool client_keep_alive = false;
  bool head_request = false;
  bool upgrade = false;
  // Set by Run: the failure happened on a reused connection before any answer, so the request
  // may go again; the upstream connection may be reused.
  bool closed_before_answer = false;
  bool upstream_reusable = false;
};

Result<std::unique_ptr<ReverseProxy>> ReverseProxy::Create(
    asio::any_io_executor executor, ReverseProxyOptions options,
    std::shared_ptr<asio::ssl::context> tls_context) {
  SPOTAUTH_TRY_ASSIGN(RequestUrl origin, ParseRequestUrl(options.origin));
  if (origin.target != "/") {
    return MakeError(ErrorCode::kInvalidArgument, "the upstream must be an origin without a path");
  }
  return std::unique_ptr<ReverseProxy>(new ReverseProxy(std::move(executor), std::move(options),
                                                        std::move(origin), std::move(tls_context)));
}

ReverseProxy::ReverseProxy(asio::any_io_executor executor, ReverseProxyOptions options,
                           RequestUrl origin, std::shared_ptr<asio::ssl::context> tls_context)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      origin_(std::move(origin)),
      origin_key_(origin_.Origin()),
      tls_context_(std::move(tls_context)),
      idle_(options_.max_idle, options_.idle_lifetime) {}

asio::awaitable<Result<PassOnOutcome>> ReverseProxy::Forward(
    ServerStream& client, beast::flat_buffer& client_buffer,
    beast_http::request_parser<beast_http::string_body>& parser, bool client_keep_alive,
    std::string_view request_id, const ServerLimits& limits) {
  Exchange exchange{client, client_buffer,
                    beast_http::request_parser<BufferBody>(std::move(parser)), limits, request_id};
  auto& head = exchange.request.get();
  exchange.client_version = head.version();
  exchange.client_keep_alive = client_keep_alive;
  exchange.head_request = head.method() == beast_http::verb::head;
  exchange.upgrade = AsksForUpgrade(head);
  StripHopByHop(head, exchange.upgrade);
  head.erase(beast_http::field::expect);  // answered by the server connection already
  head.version(11);
  if (exchange.upgrade) head.set(beast_http::field::connection, "upgrade");
  // The body streams through; its size is the app's business.
  exchange.request.body_limit(boost::none);
  const bool has_body =
      exchange.request.chunked() || exchange.request.content_length().value_or(0) > 0;
  const bool may_resend = !has_body && IsIdempotent(head.method());

  for (int attempt = 0;; ++attempt) {
    UpstreamConnectionPtr connection = attempt == 0 ? idle_.Take(origin_key_) : nullptr;
    const bool reused = connection != nullptr;
    if (!connection) {
      SPOTAUTH_CO_TRY_ASSIGN(
          connection, co_await ConnectUpstream(executor_, origin_, tls_context_.get(),
                                               options_.max_response_head_bytes + 2 * kRelayChunk,
                                               SteadyClock::now() + options_.response_timeout,
                                               options_.proxy ? &*options_.proxy : nullptr));
    }
    exchange.closed_before_answer = false;
    exchange.upstream_reusable = false;
    // Not a conditional expression around the two co_awaits: GCC 12 destroys the result of
    // such an expression twice.
    Result<PassOnOutcome> outcome = PassOnOutcome{};
    if (connection->IsTls()) {
      outcome = co_await Run(std::get<TlsStream>(connection->stream), *connection, exchange);
    } else {
      outcome =
          co_await Run(std::get<beast::tcp_stream>(connection->stream), *connection, exchange);
    }
    if (!outcome && reused && may_resend && exchange.closed_before_answer && attempt == 0) {
      continue;
    }
    if (exchange.upstream_reusable) idle_.Return(origin_key_, std::move(connection));
    co_return outcome;
  }
}

template <class Upstream>
asio::awaitable<Result<PassOnOutcome>> ReverseProxy::Run(Upstream& upstream,
                                                         UpstreamConnection& connection,
                                                         Exchange& exchange) {
  auto& request = exchange.request;
  std::array<char, kRelayChunk> relay;

  // The request: head, then the body piece by piece as the client sends it.
  beast_http::request_serializer<BufferBody> request_writer(request.get());
  ExpireAfter(upstream, options_.response_timeout);
  if (auto [ec, n] = co_await beast_http::async_write_header(upstream, request_writer, kNoThrow);
      ec) {
    exchange.closed_before_answer = IsPeerClosed(ec);
    co_return tl::unexpected(MapIoError(ec, "sending to", origin_key_));
  }
  for (;;) {
    bool done = request.is_done();
    auto& body = request.get().body();
    if (!done) {
      body.data = relay.data();
      body.size = relay.size();
      exchange.client.expires_after(exchange.limits.body_timeout);
      auto [ec, n] = co_await beast_http::async_read(exchange.client, exchange.client_buffer,
                                                     request, kNoThrow);
      if (ec && ec != beast_http::error::need_buffer) co_return PassOnOutcome{};  // client gone
      body.size = relay.size() - body.size;
      body.data = relay.data();
      done = request.is_done();
    } else {
      body.data = nullptr;
      body.size = 0;
    }
    body.more = !done;
    ExpireAfter(upstream, options_.response_timeout);
    auto [ec, n] = co_await beast_http::async_write(upstream, request_writer, kNoThrow);
    if (ec && ec != beast_http::error::need_buffer) {
      co_return tl::unexpected(MapIoError(ec, "sending to", origin_key_));
    }
    if (done) break;
  }

  // The answer's head; interim 1xx answers (103 Early Hints, a stray 100) are skipped.
  std::optional<beast_http::response_parser<BufferBody>> parser;
  for (;;) {
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(options_.max_response_head_bytes));
    parser->body_limit(boost::none);
    // A response to HEAD announces a length but carries no body (RFC 9110 §9.3.2).
    if (exchange.head_request) parser->skip(true);
    ExpireAfter(upstream, options_.response_timeout);
    auto [ec, n] =
        co_await beast_http::async_read_header(upstream, connection.buffer, *parser, kNoThrow);
    if (ec) {
      exchange.closed_before_answer =
          !parser->got_some() && connection.buffer.size() == 0 && IsPeerClosed(ec);
      co_return tl::unexpected(MapIoError(ec, "reading from", origin_key_));
    }
    const unsigned status = parser->get().result_int();
    if (status < 100 || status >= 200 || status == 101) break;
  }
  auto& response = parser->get();
  const unsigned status = response.result_int();
  if (status == 101 && !exchange.upgrade) {
    co_return MakeError(ErrorCode::kUpstreamProtocol,
                        "reading from " + origin_key_ + ": 101 without an upgrade request");
  }
  const bool upstream_keep_alive = response.keep_alive();
  const bool upgraded = status == 101;
  StripHopByHop(response, upgraded);
  if (upgraded) response.set(beast_http::field::connection, "upgrade");
  for (const auto& [name, value] : options_.response_fields) response.set(name, value);
  response.set("X-Request-Id", exchange.request_id);

  // The client connection can carry another request only if this answer's end is marked.
  const bool no_body = exchange.head_request || status == 204 || status == 304 || upgraded;
  bool client_keep_alive = exchange.client_keep_alive && !upgraded;
  if (!no_body && !parser->content_length() && !parser->chunked()) client_keep_alive = false;
  if (exchange.client_version == 10 && parser->chunked()) {
    response.chunked(false);  // HTTP/1.0 has no chunked coding: the close marks the end
    client_keep_alive = false;
  }
  response.version(exchange.client_version);
  if (!upgraded) response.keep_alive(client_keep_alive);

  beast_http::response_serializer<BufferBody> response_writer(response);
  exchange.client.expires_after(exchange.limits.write_timeout);
  if (auto [ec, n] =
          co_await beast_http::async_write_header(exchange.client, response_writer, kNoThrow);
      ec) {
    co_return PassOnOutcome{status, 0, false};
  }

  if (upgraded) {
    exchange.client.expires_never();
    ExpireAfter(upstream, std::chrono::milliseconds::zero());
    beast::get_lowest_layer(upstream).expires_never();
    // Bytes either side sent right behind its head belong to the new protocol.
    if (exchange.client_buffer.size() > 0) {
      auto [ec, n] = co_await asio::async_write(upstream, exchange.client_buffer.data(), kNoThrow);
      if (ec) co_return PassOnOutcome{status, 0, false};
      exchange.client_buffer.consume(n);
    }
    if (connection.buffer.size() > 0) {
      auto [ec, n] =
          co_await asio::async_write(exchange.client, connection.buffer.data(), kNoThrow);
      if (ec) co_return PassOnOutcome{status, 0, false};
      connection.buffer.consume(n);
    }
    using namespace asio::experimental::awaitable_operators;
    Tunnel tunnel(exchange.client, beast::get_lowest_layer(upstream), options_.tunnel_idle_timeout);
    co_await (tunnel.Pump(exchange.client, upstream) && tunnel.Pump(upstream, exchange.client) &&
              tunnel.Watch());
    co_return PassOnOutcome{status, 0, false};
  }

  std::uint64_t relayed = 0;
  if (!exchange.head_request) {
    for (;;) {
      bool done = parser->is_done();
      auto& body = response.body();
      if (!done) {
        body.data = relay.data();
        body.size = relay.size();
        ExpireAfter(upstream, options_.response_timeout);
        auto [ec, n] =
            co_await beast_http::async_read(upstream, connection.buffer, *parser, kNoThrow);
        // The app failed mid-answer: the client cannot be told, only disconnected.
        if (ec && ec != beast_http::error::need_buffer)
          co_return PassOnOutcome{status, relayed, false};
        body.size = relay.size() - body.size;
        body.data = relay.data();
        done = parser->is_done();
      } else {
        body.data = nullptr;
        body.size = 0;
      }
      body.more = !done;
      relayed += body.size;
      exchange.client.expires_after(exchange.limits.write_timeout);
      auto [ec, n] = co_await beast_http::async_write(exchange.client, response_writer, kNoThrow);
      if (ec && ec != beast_http::error::need_buffer)
        co_return PassOnOutcome{status, relayed, false};
      if (done) break;
    }
  }
  exchange.upstream_reusable =
      upstream_keep_alive && parser->is_done() && connection.buffer.size() == 0;
  co_return PassOnOutcome{status, relayed, client_keep_alive};
}

}  // namespace spotauth::http
