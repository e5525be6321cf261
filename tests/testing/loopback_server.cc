#include "testing/loopback_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <utility>

namespace spotauth::http::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto kToken = asio::as_tuple(asio::use_awaitable);

// Holds State by shared_ptr so a session outliving the server object stays valid.
asio::awaitable<void> Serve(std::shared_ptr<LoopbackServer::State> state, tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  for (int served = 0;; ++served) {
    beast_http::request<beast_http::string_body> request;
    auto [read_ec, read_bytes] = co_await beast_http::async_read(socket, buffer, request, kToken);
    if (read_ec) co_return;
    state->requests.push_back(request);
    using Mode = LoopbackServer::Mode;
    if (state->mode == Mode::kCloseWithoutResponse ||
        (state->mode == Mode::kCloseOnSecondRequest && served == 1)) {
      co_return;
    }
    if (state->mode == Mode::kHugeChunkExtension) {
      // A chunk-size line of 4 MiB: an upstream that tries to make the client buffer it.
      const std::string bomb = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                               std::string(4 << 20, 'x') + "\r\ny\r\n0\r\n\r\n";
      co_await asio::async_write(socket, asio::buffer(bomb), kToken);
      co_return;
    }
    if (state->mode == Mode::kGarbage) {
      static constexpr char kNotHttp[] = "SPDY/9 banana\r\n\r\n";
      co_await asio::async_write(socket, asio::buffer(kNotHttp, sizeof(kNotHttp) - 1), kToken);
      co_return;
    }
    beast_http::response<beast_http::string_body> response{beast_http::status::ok, 11};
    response.set(beast_http::field::content_type, "text/plain");
    response.body() = "hello from loopback";
    response.keep_alive(true);
    response.prepare_payload();
    auto [write_ec, write_bytes] = co_await beast_http::async_write(socket, response, kToken);
    if (write_ec || state->mode == Mode::kRespondThenClose) co_return;
  }
}

asio::awaitable<void> Accept(std::shared_ptr<LoopbackServer::State> state,
                             tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kToken);
    if (ec) co_return;
    ++state->accepted;
    if (state->mode == LoopbackServer::Mode::kStall) {
      state->stalled.push_back(std::make_shared<tcp::socket>(std::move(socket)));
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), Serve(state, std::move(socket)), asio::detached);
  }
}

}  // namespace

LoopbackServer::LoopbackServer(asio::io_context& io, Mode mode)
    : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      state_(std::make_shared<State>()) {
  state_->mode = mode;
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io, Accept(state_, acceptor_), asio::detached);
}

LoopbackServer::~LoopbackServer() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& socket : state_->stalled) socket->close(ignored);
}

}  // namespace spotauth::http::testing
