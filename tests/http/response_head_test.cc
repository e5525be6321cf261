#include "http/response_head.h"

#include <gtest/gtest.h>

#include <boost/beast/http/write.hpp>
#include <sstream>
#include <string>

namespace spotauth::http {
namespace {

using beast_http::field;
using beast_http::status;

// What the connection wrote before the head was written by hand: Beast's serializer after the
// same framing was applied to the response.
std::string ViaBeast(Response response, bool keep_alive, std::string_view request_id) {
  if (response.find(field::server) == response.end()) response.set(field::server, "spotauth");
  response.set("X-Request-Id", request_id);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  std::ostringstream out;
  out << response.base();
  return out.str();
}

std::string ByHand(const Response& response, bool keep_alive, std::string_view request_id) {
  std::string out = "kept";  // appends, never replaces
  AppendResponseHead(response, {keep_alive, request_id}, out);
  EXPECT_TRUE(out.starts_with("kept"));
  return out.substr(4);
}

Response Page(unsigned version) {
  Response response{status::ok, version};
  response.set(field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set(field::content_type, "text/html; charset=utf-8");
  response.set(field::set_cookie, "a=b; Path=/; HttpOnly");
  response.body() = "<!DOCTYPE html><p>héllo</p>";
  return response;
}

TEST(AppendResponseHead, WritesWhatBeastsSerializerWrote) {
  for (unsigned version : {10u, 11u}) {
    for (bool keep_alive : {true, false}) {
      EXPECT_EQ(ByHand(Page(version), keep_alive, "rid-1"),
                ViaBeast(Page(version), keep_alive, "rid-1"))
          << version << " " << keep_alive;
    }
  }
  Response redirect{status::see_other, 11};
  redirect.set(field::location, "/next?a=1");
  EXPECT_EQ(ByHand(redirect, true, "r"), ViaBeast(redirect, true, "r"));
  Response custom = Page(11);
  custom.reason("Very Fine");
  EXPECT_EQ(ByHand(custom, true, "r"), ViaBeast(custom, true, "r"));
  EXPECT_TRUE(ByHand(custom, true, "r").starts_with("HTTP/1.1 200 Very Fine\r\n"));
  Response not_found{status::not_found, 11};
  not_found.set(field::server, "another");
  not_found.body() = "gone";
  EXPECT_EQ(ByHand(not_found, false, "r"), ViaBeast(not_found, false, "r"));
  EXPECT_EQ(ByHand(not_found, false, "r").find("spotauth"), std::string::npos);
}

TEST(AppendResponseHead, FramingFieldsAreTheConnectionsWhateverTheHandlerSet) {
  Response response = Page(11);
  response.set(field::content_length, "99999");
  response.set(field::transfer_encoding, "chunked");
  response.set(field::connection, "upgrade");
  response.set("x-request-id", "forged");
  const std::string head = ByHand(response, false, "ours");
  EXPECT_EQ(head.find("99999"), std::string::npos);
  EXPECT_EQ(head.find("chunked"), std::string::npos);
  EXPECT_EQ(head.find("upgrade"), std::string::npos);
  EXPECT_EQ(head.find("forged"), std::string::npos);
  EXPECT_NE(head.find("\r\nX-Request-Id: ours\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nContent-Length: " + std::to_string(response.body().size()) + "\r\n"),
            std::string::npos);
  EXPECT_TRUE(head.ends_with("\r\n\r\n"));
}

TEST(AppendResponseHead, NoContentLengthWhereNoContentMayBe) {
  for (status s : {status::no_content, status::not_modified, status::continue_}) {
    const std::string head = ByHand(Response{s, 11}, true, "r");
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  }
  EXPECT_NE(ByHand(Response{status::found, 11}, true, "r").find("\r\nContent-Length: 0\r\n"),
            std::string::npos);
}

}  // namespace
}  // namespace spotauth::http
