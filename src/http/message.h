// The HTTP message values that handlers take and return, and the one short name for Beast's
// HTTP namespace that the code base uses.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <utility>

#include "http/preset_fields.h"

namespace spotauth {
namespace beast_http = boost::beast::http;
}  // namespace spotauth

namespace spotauth::http {

using Request = beast_http::request<beast_http::string_body>;
// A request's start line and fields, without its body (what a handler sees before the body
// is read).
using RequestHead = beast_http::request_header<>;

// A Beast response with what only our connection reads: constant fields kept as text, and a
// request to drop the connection instead of answering.
class Response : public beast_http::response<beast_http::string_body> {
 public:
  using Message = beast_http::response<beast_http::string_body>;
  using Message::Message;
  Response() = default;
  // A Beast response is one (a client reading a response, a parser's result).
  Response(Message&& beast_response) : Message(std::move(beast_response)) {}  // NOLINT

  // Fields written before the response's own fields; an own field of the same name replaces the
  // preset's. The preset must outlive the response (presets are static).
  const PresetFields* preset_fields() const { return preset_fields_; }
  void preset_fields(const PresetFields* preset) { preset_fields_ = preset; }

  // Drop the connection without answering (see ResetConnectionResponse).
  bool reset_connection() const { return reset_connection_; }
  void reset_connection(bool reset) { reset_connection_ = reset; }

 private:
  const PresetFields* preset_fields_ = nullptr;
  bool reset_connection_ = false;
};

}  // namespace spotauth::http
