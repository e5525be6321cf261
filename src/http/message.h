// The HTTP message values that handlers take and return, and the one short name for Beast's
// HTTP namespace that the code base uses.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace spotauth {
namespace beast_http = boost::beast::http;
}  // namespace spotauth

namespace spotauth::http {

using Request = beast_http::request<beast_http::string_body>;
// A request's start line and fields, without its body (what a handler sees before the body
// is read).
using RequestHead = beast_http::request_header<>;
using Response = beast_http::response<beast_http::string_body>;

}  // namespace spotauth::http
