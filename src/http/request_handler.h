// The handler seam: what the server side of the HTTP layer hosts.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "http/message.h"

namespace spotauth::http {

// Turns a request value into a response value. Handlers never see sockets; the connection
// coroutine reads, calls Handle, and writes. An instance serves one event loop (one thread),
// so it may keep per-loop state without locks; anything shared across loops must be
// thread-safe. Handle must not throw: failures become responses.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual boost::asio::awaitable<Response> Handle(Request request) = 0;
};

// Asks the server session to drop the connection without answering: it closes the socket with
// SO_LINGER 0, so the client sees a TCP reset (RST) and no response bytes. Meant for fault
// injection (the stand-in Spotify simulating a broken upstream). The marker field is private to
// this seam and is never written to the wire; a handler must not copy it from a request.
inline constexpr std::string_view kResetConnectionField = "X-Spotauth-Internal-Reset";

inline Response ResetConnectionResponse() {
  Response response;
  response.set(kResetConnectionField, "1");
  return response;
}

inline bool IsResetConnection(const Response& response) {
  return response.find(kResetConnectionField) != response.end();
}

}  // namespace spotauth::http
