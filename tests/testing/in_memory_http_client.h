// InMemoryHttpClient: an http::HttpClient that hands every request to an http::RequestHandler
// in the same process, so whole flows (the login app calling the stand-in Spotify) run in tests
// without sockets, DNS or TLS.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "core/result.h"
#include "http/client.h"
#include "http/message.h"
#include "http/request_handler.h"

namespace spotauth::testing {

// Contract: Send turns the ClientRequest into the http::Request a server would read (method;
// target = the URL's path and query; Host from the URL, port only when not the scheme's
// default; the request's headers and body; Content-Length by prepare_payload), awaits
// handler.Handle on the caller's coroutine, and turns the http::Response back into a
// ClientResponse (status, every header, body; Content-Length from the body, as the connection
// writes it). As a server and a real client would:
//   - a response marked http::IsResetConnection is a kUnavailable error;
//   - a handler that throws gives the plain-text 500 that http::HttpSession answers;
//   - a response to HEAD, and a 1xx/204/304 response, has no body.
// Errors: kInvalidArgument for a URL that http::ParseRequestUrl refuses; kUnavailable for a
// reset. Every URL goes to the one handler, whatever its origin, and http:// is always allowed.
// Not modelled: ClientRequest::timeout (the handler runs to completion, so a delay fault
// delays rather than times out), the response size cap, keep-alive and 1xx interim responses.
//
// Thread-safety: as HttpClient, one instance belongs to one event loop. The handler runs on the
// awaiting coroutine's executor, so it must be one that may run on that loop. The handler must
// outlive the client and every Send in progress.
class InMemoryHttpClient final : public http::HttpClient {
 public:
  explicit InMemoryHttpClient(http::RequestHandler& handler) : handler_(handler) {}

  [[nodiscard]] boost::asio::awaitable<Result<http::ClientResponse>> Send(
      http::ClientRequest request) override;

 private:
  http::RequestHandler& handler_;
};

// The conversions Send makes, for tests that drive a handler with URLs (e.g. following a
// Location header to the stand-in Spotify). Errors as Send.
[[nodiscard]] Result<http::Request> ToServerRequest(http::ClientRequest request);
http::ClientResponse ToClientResponse(http::Response response, bool head_request);

}  // namespace spotauth::testing
