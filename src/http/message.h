// The HTTP message values that handlers take and return, and the handler seam.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace spotauth::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Turns a request value into a response value. Handlers never see sockets; the connection
// coroutine reads, calls Handle, and writes. An instance serves one event loop (one thread),
// so it may keep per-loop state without locks; anything shared across loops must be
// thread-safe. Handle must not throw: failures become responses.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual boost::asio::awaitable<Response> Handle(Request request) = 0;
};

}  // namespace spotauth::http
