// A response's status line and header fields as bytes, written by hand: Beast's serializer
// walks a nested buffer-sequence view field by field, and on a small page that cost more CPU
// than building the page (issue #13). The bytes are what the serializer would write after
// prepare_payload(), except that 1xx, 204 and 304 carry no Content-Length (RFC 9110 §8.6).
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace spotauth::http {

// The fields the connection decides, whatever the handler set.
struct ResponseFraming {
  bool keep_alive = true;
  std::string_view request_id;  // X-Request-Id
};

// Appends to `out`: the status line in the response's version, its fields except
// Content-Length, Transfer-Encoding, Connection and X-Request-Id, then Server (when the
// response names none), X-Request-Id, Connection as `framing` says, Content-Length (the body's
// size) and the blank line. The body is not written.
void AppendResponseHead(const Response& response, const ResponseFraming& framing, std::string& out);

}  // namespace spotauth::http
