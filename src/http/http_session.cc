#include "http/http_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/core/demangle.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <typeinfo>
#include <utility>
#include <variant>

#include "http/access_log.h"
#include "http/client_address.h"
#include "http/message_head.h"
#include "http/request_id.h"
#include "http/reverse_proxy.h"

namespace spotauth::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// The connection's reads and writes carry no cancellation slot: Abort ends them by closing the
// socket, and a slot cost every read and write a set-up and a clear (2 % of a page's
// instructions). The handler's own operations keep the session's slot, which Abort signals.
// (A function: Asio 1.81 takes a bound token as an rvalue only.)
auto NoThrow() {
  return asio::bind_cancellation_slot(asio::cancellation_slot(),
                                      asio::as_tuple(asio::use_awaitable));
}
constexpr std::size_t kReadChunk = 16 * 1024;
// A chunk's extensions (RFC 9112 section 7.1.1) carry nothing we use; Beast 1.81 buffers them
// whole, so they are bounded here.
constexpr std::size_t kMaxChunkExtension = 256;
// Bytes discarded while lingering before giving up on a client that keeps sending.
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;
constexpr std::size_t kMaxLoggedPath = 256;

bool IsParseError(const boost::system::error_code& ec) {
  return ec.category() == beast_http::make_error_code(beast_http::error::need_more).category() &&
         ec != beast_http::error::end_of_stream;
}

// Beast applies one limit to the request line and then, separately, to the header fields, and
// reports both as header_limit. The parser stores the request line as soon as it is complete,
// so an empty target means the line itself was too long (414, RFC 9110 §15.5.15), otherwise
// the fields were (431, RFC 6585 §5).
unsigned StatusForHeadLimit(const beast_http::request_parser<beast_http::string_body>& parser) {
  return parser.get().target().empty() ? 414 : 431;
}

// Limits beast cannot enforce by itself. Returns the status to answer with, or 0.
unsigned CheckHead(const beast_http::request_parser<beast_http::string_body>& parser,
                   const ServerLimits& limits) {
  const http::Request& request = parser.get();
  // HTTP/2 prior knowledge ("PRI * HTTP/2.0") and other versions are not spoken here.
  if (request.version() != 10 && request.version() != 11) return 400;
  if (request.target().size() > limits.max_request_line) return 414;
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (const auto& field : request) {
    ++count;
    bytes += field.name_string().size() + field.value().size() + 4;  // ": " and CRLF
  }
  if (count > limits.max_header_count || bytes > limits.max_header_bytes) return 431;
  // Duplicate or missing Host (RFC 9112 section 3.2): which host was meant is unknowable.
  if (request.version() == 11 && request.count(beast_http::field::host) != 1) return 400;
  // A Transfer-Encoding whose final coding is not chunked leaves the body length unknowable
  // (RFC 9112 §6.3); guessing invites request smuggling.
  if (request.find(beast_http::field::transfer_encoding) != request.end() && !parser.chunked()) {
    return 400;
  }
  return 0;
}

// A line of the head that starts with a space or tab continues the previous one (obs-fold).
bool HasObsoleteFold(std::string_view head) {
  for (std::size_t at = head.find('\n'); at != std::string_view::npos && at + 1 < head.size();
       at = head.find('\n', at + 1)) {
    if (head[at + 1] == ' ' || head[at + 1] == '\t') return true;
  }
  return false;
}

// Only the path, printable ASCII, bounded: query strings may carry codes or session ids.
std::string LoggablePath(std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  std::string path(target.substr(0, kMaxLoggedPath));
  for (char& c : path) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  }
  if (target.size() > kMaxLoggedPath) path += "...";
  return path;
}

http::Response PlainResponse(unsigned status, unsigned version) {
  http::Response response(static_cast<beast_http::status>(status), version);
  response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(beast_http::obsolete_reason(response.result())) + "\n";
  return response;
}

// X-Forwarded-For's values joined by commas (a proxy may add its own field).
std::string ForwardedFor(const http::RequestHead& head) {
  std::string joined;
  for (auto [it, end] = head.equal_range("X-Forwarded-For"); it != end; ++it) {
    if (!joined.empty()) joined.push_back(',');
    joined.append(it->value().data(), it->value().size());
  }
  return joined;
}

std::chrono::microseconds Since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
}

}  // namespace

HttpSession::HttpSession(ServerSocket socket, http::RequestHandler& handler,
                         const ServerLimits& limits, const AccessLog* access_log,
                         const TrustedProxies* trusted_proxies, ServerMetrics* metrics)
    : stream_(std::move(socket)),
      handler_(handler),
      limits_(limits),
      access_log_(access_log),
      trusted_proxies_(trusted_proxies),
      metrics_(metrics) {}

void HttpSession::LearnPeer() {
  boost::system::error_code ec;
  peer_ = stream_.socket().remote_endpoint(ec).address();
  peer_text_ = ec ? std::string("-") : peer_.to_string();
  peer_is_proxy_ = !ec && trusted_proxies_ != nullptr && trusted_proxies_->Contains(peer_);
}

void HttpSession::LogAccess(const Exchange& exchange, unsigned status, std::size_t bytes) const {
  access_log_->Write(AccessRecord{exchange.method, exchange.path, status, bytes,
                                  Since(exchange.start), exchange.client, exchange.request_id});
}

void HttpSession::Count(unsigned status, SteadyClock::time_point start) {
  if (metrics_) metrics_->CountRequest(route_, status, SteadyClock::now() - start);
}

void HttpSession::BeginShutdown() {
  stopping_ = true;
  if (phase_ != Phase::kBusy) stream_.cancel();
}

void HttpSession::Abort() {
  if (finished_ || aborted_) return;
  aborted_ = true;
  stopping_ = true;
  Close();
  cancel_.emit(asio::cancellation_type::terminal);
}

void HttpSession::Close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void HttpSession::ResetConnection() {
  boost::system::error_code ignored;
  // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
  stream_.socket().set_option(tcp::socket::linger(true, 0), ignored);
  stream_.close();
}

asio::awaitable<void> HttpSession::Run() {
  try {
    co_await Serve();
  } catch (const std::exception& e) {
    if (!aborted_)
      spdlog::error("http session ended by {}", boost::core::demangle(typeid(e).name()));
  } catch (...) {
    if (!aborted_) spdlog::error("http session ended by an unknown exception");
  }
  Close();
  finished_ = true;
}

asio::awaitable<void> HttpSession::Serve() {
  if (access_log_ != nullptr || handler_.InterceptsHeads()) LearnPeer();
  // Nothing the parser needs at once is larger than a head (request line and fields) or a
  // trailer block of the same size; Beast 1.81 would otherwise grow this buffer without bound
  // for a chunk-size line or a trailer section (one connection, gigabytes).
  beast::flat_buffer buffer(
      std::max(kReadChunk, limits_.max_request_line + limits_.max_header_bytes + kReadChunk));
  std::size_t chunk_extension_bytes = 0;
  auto on_chunk_header = [&chunk_extension_bytes](std::uint64_t, std::string_view extensions,
                                                  boost::system::error_code& ec) {
    chunk_extension_bytes += extensions.size();
    if (chunk_extension_bytes > kMaxChunkExtension) ec = beast_http::error::bad_chunk_extension;
  };
  std::optional<beast_http::request_parser<beast_http::string_body>> parser;
  std::size_t served = 0;
  for (;;) {
    if (stopping_) co_return;
    // A new connection gets header_timeout from accept for its whole first head, so a client
    // cannot stretch it by sending the first byte late; later heads get it from their first byte.
    const SteadyClock::time_point first_head_deadline = SteadyClock::now() + limits_.header_timeout;
    if (buffer.size() == 0) {
      // Waiting for the first byte: the only state in which a graceful stop may close us.
      phase_ = Phase::kWaiting;
      stream_.expires_after(served == 0 ? limits_.header_timeout : limits_.idle_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer.prepare(kReadChunk), NoThrow());
      phase_ = Phase::kBusy;
      if (ec) co_return;  // EOF, idle timeout, reset or stop: nothing to answer
      buffer.commit(n);
    }
    const SteadyClock::time_point start = SteadyClock::now();
    route_ = ServerMetrics::kUnrouted;

    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        limits_.max_request_line + limits_.max_header_bytes + 4, UINT32_MAX)));
    // The body's limit is set once the handler has seen the head: a request passed on to another
    // server streams through whatever its size.
    parser->body_limit(boost::none);
    chunk_extension_bytes = 0;
    parser->on_chunk_header(on_chunk_header);
    if (served == 0) {
      stream_.expires_at(first_head_deadline);
    } else {
      stream_.expires_after(limits_.header_timeout);
    }
    // Beast joins obsolete line folding into one value, so it is looked for in the raw head
    // before parsing: RFC 9112 section 5.2 lets a server reject it, and smuggling relies on
    // parsers that disagree about it.
    for (;;) {
      const std::string_view bytes(static_cast<const char*>(buffer.data().data()), buffer.size());
      const std::size_t end = bytes.find("\r\n\r\n");
      if (end != std::string_view::npos) {
        if (HasObsoleteFold(bytes.substr(0, end + 2))) {
          co_await Reject(400);
          co_return;
        }
        break;
      }
      if (buffer.size() >= buffer.max_size() - kReadChunk) break;  // Beast reports the limit
      auto [ec, n] = co_await stream_.async_read_some(buffer.prepare(kReadChunk), NoThrow());
      if (ec) co_return;  // EOF, timeout or reset mid-head: nothing to answer
      buffer.commit(n);
    }
    if (auto [ec, n] = co_await beast_http::async_read_header(stream_, buffer, *parser, NoThrow());
        ec) {
      if (ec == beast_http::error::header_limit || ec == beast_http::error::buffer_overflow) {
        co_await Reject(StatusForHeadLimit(*parser));
      } else if (IsParseError(ec) || ec == beast_http::error::partial_message) {
        co_await Reject(400);
      }
      co_return;  // timeouts and socket errors: the peer is gone or too slow to deserve an answer
    }
    if (const unsigned status = CheckHead(*parser, limits_); status != 0) {
      co_await Reject(status);
      co_return;
    }
    if (metrics_) route_ = handler_.RouteOf(parser->get());

    ++served;
    Exchange exchange;
    exchange.start = start;
    {
      const http::RequestHead& head = parser->get();
      exchange.head_request = head.method() == beast_http::verb::head;
      exchange.version = head.version();
      exchange.keep_alive = parser->keep_alive();
      if (limits_.max_requests_per_connection != 0 &&
          served >= limits_.max_requests_per_connection) {
        exchange.keep_alive = false;
      }
      const auto offered_id = head.find("X-Request-Id");
      exchange.request_id =
          RequestId(offered_id == head.end()
                        ? std::string_view()
                        : std::string_view(offered_id->value().data(), offered_id->value().size()));
      if (access_log_ != nullptr) {
        exchange.method = std::string(head.method_string().substr(0, 32));
        exchange.path = LoggablePath(head.target());
        exchange.client = peer_is_proxy_
                              ? ClientAddress(peer_, ForwardedFor(head), *trusted_proxies_)
                              : peer_text_;
      }
    }

    HeadVerdict verdict = ReadBodyThenHandle{};
    if (handler_.InterceptsHeads()) {
      stream_.expires_never();  // the handler's time is its own business
      try {
        verdict = co_await handler_.Intercept(parser->get(),
                                              RequestContext{peer_text_, exchange.request_id});
      } catch (const std::exception& e) {
        if (!aborted_)
          spdlog::error("request handler threw {}", boost::core::demangle(typeid(e).name()));
        verdict = PlainResponse(500, exchange.version);
      }
      if (aborted_) co_return;
    }

    if (auto* answer = std::get_if<http::Response>(&verdict)) {
      // The body was not read; the connection cannot find the next request behind it.
      if (!parser->is_done()) exchange.keep_alive = false;
      if (!co_await Answer(std::move(*answer), exchange)) co_return;
      continue;
    }
    if (!parser->is_done() && !co_await Continue(parser->get())) co_return;

    if (auto* pass = std::get_if<PassOn>(&verdict)) {
      stream_.expires_never();
      auto outcome =
          co_await pass->proxy->Forward(stream_, buffer, *parser, exchange.keep_alive && !stopping_,
                                        exchange.request_id, limits_);
      if (aborted_) co_return;
      if (!outcome) {
        spdlog::warn("passing a request on failed: {}", outcome.error().message);
        // Part of the body may be unread: the connection closes after the answer.
        exchange.keep_alive = false;
        co_await Answer(handler_.PassOnFailed(outcome.error()), exchange);
        co_return;
      }
      if (access_log_ != nullptr) LogAccess(exchange, outcome->status, outcome->body_bytes);
      Count(outcome->status, start);
      if (outcome->status == 0) co_return;
      if (!outcome->client_reusable || stopping_) {
        co_await LingeringClose();
        co_return;
      }
      continue;
    }

    // The body, bounded: the handler gets the whole request.
    if (const auto length = parser->content_length(); length && *length > limits_.max_body_bytes) {
      co_await Reject(413);
      co_return;
    }
    parser->body_limit(limits_.max_body_bytes);
    if (!parser->is_done()) {
      stream_.expires_after(limits_.body_timeout);
      if (auto [ec, n] = co_await beast_http::async_read(stream_, buffer, *parser, NoThrow()); ec) {
        if (ec == beast_http::error::body_limit) {
          co_await Reject(413);
        } else if (ec == beast_http::error::buffer_overflow || IsParseError(ec) ||
                   ec == beast_http::error::partial_message) {
          // buffer_overflow: a chunk-size line, or a last chunk with its trailers (Beast parses
          // them as one piece, so they look alike), larger than a head may be.
          co_await Reject(400);
        }
        co_return;
      }
      // Trailer fields join the header fields; together they obey the same limits.
      if (const unsigned status = CheckHead(*parser, limits_); status != 0) {
        co_await Reject(status);
        co_return;
      }
    }
    stream_.expires_never();  // the handler's time is its own business

    http::Response response;
    bool handler_threw = false;
    try {
      response = co_await handler_.Handle(parser->release());
    } catch (const std::exception& e) {
      handler_threw = true;
      if (!aborted_) {
        spdlog::error("request handler threw {}", boost::core::demangle(typeid(e).name()));
      }
    } catch (...) {
      handler_threw = true;
      if (!aborted_) spdlog::error("request handler threw an unknown exception");
    }
    if (aborted_) co_return;
    if (handler_threw) response = PlainResponse(500, exchange.version);
    if (http::IsResetConnection(response)) {
      if (access_log_ != nullptr) LogAccess(exchange, 0, 0);
      ResetConnection();
      co_return;
    }
    if (!co_await Answer(std::move(response), exchange)) co_return;
  }
}

asio::awaitable<bool> HttpSession::Continue(const http::RequestHead& head) {
  if (head.version() == 11 &&
      beast::iequals(head[beast_http::field::expect], std::string_view("100-continue"))) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(limits_.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(kContinue), NoThrow());
    if (ec) co_return false;
  }
  co_return true;
}

asio::awaitable<bool> HttpSession::Answer(http::Response response, const Exchange& exchange) {
  const bool keep_alive = exchange.keep_alive && !stopping_;
  response.version(exchange.version);
  const unsigned status = response.result_int();
  // These statuses never carry content (RFC 9110 §6.4.1).
  if (status < 200 || status == 204 || status == 304) response.body().clear();
  head_.clear();
  AppendResponseHead(response, {keep_alive, exchange.request_id}, head_);

  stream_.expires_after(limits_.write_timeout);
  boost::system::error_code ec;
  if (exchange.head_request || response.body().empty()) {
    // A response to HEAD carries the GET headers, Content-Length included, but no content.
    std::tie(ec, std::ignore) = co_await asio::async_write(stream_, asio::buffer(head_), NoThrow());
  } else {
    const std::array<asio::const_buffer, 2> head_and_body{asio::buffer(head_),
                                                          asio::buffer(response.body())};
    std::tie(ec, std::ignore) = co_await asio::async_write(stream_, head_and_body, NoThrow());
  }
  if (access_log_ != nullptr) LogAccess(exchange, status, response.body().size());
  Count(status, exchange.start);
  if (ec) co_return false;
  if (!keep_alive) {
    co_await LingeringClose();
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> HttpSession::Reject(unsigned status) {
  const SteadyClock::time_point start = SteadyClock::now();
  http::Response response = PlainResponse(status, 11);
  response.set(beast_http::field::server, "spotauth");
  response.keep_alive(false);
  response.prepare_payload();
  stream_.expires_after(limits_.write_timeout);
  auto [ec, n] = co_await beast_http::async_write(stream_, response, NoThrow());
  if (access_log_ != nullptr) {
    Exchange unreadable;
    unreadable.start = start;
    unreadable.method = "-";
    unreadable.path = "-";
    unreadable.client = peer_text_;
    unreadable.request_id = "-";
    LogAccess(unreadable, status, response.body().size());
  }
  Count(status, start);
  if (!ec) co_await LingeringClose();
}

asio::awaitable<void> HttpSession::LingeringClose() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (stopping_) co_return;
  // Closing with unread bytes in the receive queue makes the kernel send RST, which can
  // destroy the response before the client reads it; so drain until the client closes.
  phase_ = Phase::kLingering;
  stream_.expires_after(limits_.lingering_close);
  std::size_t discarded = 0;
  std::array<char, 4096> sink;
  while (discarded < kMaxLingerBytes) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), NoThrow());
    if (ec) break;
    discarded += n;
  }
}

}  // namespace spotauth::http
