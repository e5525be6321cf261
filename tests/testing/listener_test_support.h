// Test doubles for the server stack: a small request handler with behaviour chosen by path, a
// running Listener, and a raw loopback client whose every wait is bounded.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "http/listener.h"
#include "http/request_handler.h"

namespace spotauth::http::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// What the handlers observed, shared by every thread's instance.
struct HandlerLog {
  std::atomic<int> entered{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
};

// GET/HEAD /anything → 200 "path=<target>" (so HEAD and GET bodies match), plus a request body
// echo; /slow waits 100 ms; /hang waits 10 s; /throw throws; /reset asks for a TCP reset;
// /no-content returns 204 with a (forbidden) body.
class TestHandler : public http::RequestHandler {
 public:
  TestHandler(asio::io_context& ioc, std::shared_ptr<HandlerLog> log)
      : ioc_(ioc), log_(std::move(log)) {}

  asio::awaitable<http::Response> Handle(http::Request request) override {
    ++log_->entered;
    {
      std::lock_guard lock(log_->mutex);
      log_->threads.insert(std::this_thread::get_id());
    }
    const std::string target(request.target());
    if (target == "/throw") throw std::runtime_error("handler bug");
    if (target == "/reset") co_return http::ResetConnectionResponse();
    if (target == "/slow" || target == "/hang") {
      asio::steady_timer timer(ioc_);
      timer.expires_after(target == "/slow" ? 100ms : 10s);
      co_await timer.async_wait(asio::use_awaitable);
    }
    http::Response response(beast_http::status::ok, request.version());
    if (target == "/no-content") response.result(beast_http::status::no_content);
    response.set(beast_http::field::content_type, "text/plain");
    response.body() = "path=" + target;
    if (!request.body().empty()) response.body() += " body=" + request.body();
    co_return response;
  }

 private:
  asio::io_context& ioc_;
  std::shared_ptr<HandlerLog> log_;
};

// Short timeouts so that tests about them finish quickly and a hung server fails fast.
inline ServerLimits TestLimits() {
  ServerLimits limits;
  limits.header_timeout = 2s;
  limits.body_timeout = 2s;
  limits.idle_timeout = 2s;
  limits.write_timeout = 2s;
  limits.lingering_close = 500ms;
  return limits;
}

inline ListenerOptions TestOptions(ServerLimits limits = TestLimits(), unsigned threads = 1) {
  ListenerOptions options;
  options.threads = threads;
  options.limits = limits;
  options.access_log = false;
  return options;
}

inline HandlerFactory TestFactory(std::shared_ptr<HandlerLog> log) {
  return [log](asio::io_context& ioc) { return std::make_unique<TestHandler>(ioc, log); };
}

// A blocking-style client built on async operations, so that every wait has a deadline.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : socket_(ioc_) {
    boost::system::error_code ec;
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    connected_ = !ec;
  }

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes, std::chrono::milliseconds timeout = 5s) {
    return !RunFor([&](auto handler) { asio::async_write(socket_, asio::buffer(bytes), handler); },
                   timeout);
  }

  void ShutdownSend() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }

  // One response, or nullopt if the connection ended or the deadline passed first.
  std::optional<http::Response> Read(bool head_request = false,
                                     std::chrono::milliseconds timeout = 5s) {
    beast_http::response_parser<beast_http::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(head_request);
    if (RunFor([&](auto handler) { beast_http::async_read(socket_, buffer_, parser, handler); },
               timeout)) {
      return std::nullopt;
    }
    return parser.release();
  }

  std::optional<http::Response> Get(const std::string& target, bool keep_alive = true) {
    if (!Send("GET " + target + " HTTP/1.1\r\nHost: test\r\n" +
              (keep_alive ? "" : "Connection: close\r\n") + "\r\n")) {
      return std::nullopt;
    }
    return Read();
  }

  struct Ending {
    std::string bytes;             // everything received, unparsed
    boost::system::error_code ec;  // eof, connection_reset, or timed_out
  };

  // Reads until the server closes the connection or the deadline passes.
  Ending ReadToEnd(std::chrono::milliseconds timeout = 5s) {
    Ending ending;
    ending.bytes.assign(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char chunk[4096];
    for (;;) {
      std::size_t received = 0;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      ending.ec = RunFor(
          [&](auto handler) {
            socket_.async_read_some(
                asio::buffer(chunk),
                [&received, handler](boost::system::error_code ec, std::size_t n) mutable {
                  received = n;
                  handler(ec);
                });
          },
          std::max(left, std::chrono::milliseconds(1)));
      ending.bytes.append(chunk, received);
      if (ending.ec) return ending;
    }
  }

 private:
  // Starts an operation and runs the client's loop until it completes or `timeout` passes.
  template <class Start>
  boost::system::error_code RunFor(Start start, std::chrono::milliseconds timeout) {
    std::optional<boost::system::error_code> result;
    start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (result) return *result;
    socket_.cancel();
    ioc_.restart();
    ioc_.run();
    return asio::error::timed_out;
  }

  asio::io_context ioc_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// The server ended the connection (FIN or RST), as opposed to the client giving up waiting.
inline bool IsClosed(const RawClient::Ending& ending) {
  return ending.ec == asio::error::eof || ending.ec == asio::error::connection_reset;
}

// A started listener with TestHandler; fails the test if it cannot start.
class RunningServer {
 public:
  explicit RunningServer(ListenerOptions options = TestOptions())
      : log(std::make_shared<HandlerLog>()), listener(std::move(options), TestFactory(log)) {
    auto started = listener.Start();
    EXPECT_TRUE(started.has_value()) << (started ? "" : started.error().message);
  }

  std::uint16_t port() const { return listener.Port(); }

  std::shared_ptr<HandlerLog> log;
  Listener listener;
};

}  // namespace spotauth::http::testing
