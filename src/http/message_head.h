// A message's start line and header fields as bytes, written by hand: Beast's serializer walks
// a nested buffer-sequence view field by field, and on a small page that cost more CPU than
// building the page (issue #13). The bytes are what the serializer would write after
// prepare_payload(), except that a response with 1xx, 204 or 304 carries no Content-Length
// (RFC 9110 §8.6).
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>

#include "http/message.h"

namespace spotauth::http {

// The fields the connection decides, whatever the handler set.
struct ResponseFraming {
  bool keep_alive = true;
  std::string_view request_id;  // X-Request-Id
};

// Appends to `out`: the status line in the response's version, its preset fields (those no own
// field of the same name replaces), its own fields except Content-Length, Transfer-Encoding,
// Connection and X-Request-Id, then Server (when the response names none), X-Request-Id,
// Connection as `framing` says, Content-Length (the body's size) and the blank line. The body
// is not written.
void AppendResponseHead(const Response& response, const ResponseFraming& framing, std::string& out);

// Appends to `out` the request line (HTTP/1.1) and `fields` except Host, Content-Length and
// Transfer-Encoding, then Host, User-Agent (when `fields` names none), Content-Length (when the
// body is not empty, or the method is POST, PUT or OPTIONS) and the blank line. The caller
// checks that no name or value holds a line break.
void AppendRequestHead(beast_http::verb method, std::string_view target,
                       const beast_http::fields& fields, std::string_view host,
                       std::string_view user_agent, std::size_t body_size, std::string& out);

}  // namespace spotauth::http
