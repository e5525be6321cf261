// HttpClient: outbound HTTP(S) requests on the caller's event loop.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <string>

#include "core/result.h"
#include "http/message.h"

namespace spotauth::http {

struct ClientRequest {
  beast_http::verb method = beast_http::verb::get;
  std::string url;  // absolute: https://host[:port]/path?query (http:// only where allowed)
  beast_http::fields headers;
  std::string body;
  std::chrono::milliseconds timeout{0};  // whole exchange incl. connect and TLS; 0: default
};

struct ClientResponse {
  unsigned status = 0;
  beast_http::fields headers;  // look-ups are case-insensitive
  std::string body;
};

// The implementation owns DNS, TCP, TLS with certificate and host-name verification,
// keep-alive pooling per origin, the per-request deadline and the response size cap.
// Every HTTP status is a response; errors are transport failures only:
//   kInvalidArgument (bad URL, or http:// to an origin not allowed), kTimeout, kTls,
//   kUnavailable (refused, reset, closed early, DNS), kTooLarge (body over the cap),
//   kUpstreamProtocol (the peer's bytes are not an HTTP/1.1 response).
// Not thread-safe: an instance belongs to one event loop and is awaited on it.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  [[nodiscard]] virtual boost::asio::awaitable<Result<ClientResponse>> Send(
      ClientRequest request) = 0;
};

}  // namespace spotauth::http
