// A plain-HTTP server on 127.0.0.1:<ephemeral> with scripted misbehaviour, for client tests.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/message.h"

namespace spotauth::http::testing {

class LoopbackServer {
 public:
  enum class Mode {
    kRespond,               // answers every request, keeps the connection open
    kRespondThenClose,      // answers with keep-alive, then closes the connection anyway
    kCloseOnSecondRequest,  // answers the first request, closes on the second unanswered
    kCloseWithoutResponse,  // reads each request and closes without answering
    kStall,                 // accepts and never reads or writes
    kGarbage,               // answers each request with bytes that are not HTTP
    kHugeChunkExtension,    // answers with a chunked body whose first chunk line is 4 MiB
  };

  // Listens on the loop; the loop must run for the server to do anything.
  LoopbackServer(boost::asio::io_context& io, Mode mode);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int accepted() const { return state_->accepted; }
  // Every request read so far, in order.
  [[nodiscard]] const std::vector<beast_http::request<beast_http::string_body>>& requests() const {
    return state_->requests;
  }

  struct State {
    Mode mode;
    int accepted = 0;
    std::vector<beast_http::request<beast_http::string_body>> requests;
    std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> stalled;
  };

 private:
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::shared_ptr<State> state_;
};

}  // namespace spotauth::http::testing
