#include "http/message_head.h"

#include <gtest/gtest.h>

#include <boost/beast/http/string_body.hpp>
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

const PresetFields kPreset{{"Cache-Control", "no-store"},
                           {"X-Content-Type-Options", "nosniff"},
                           {"Content-Type", "text/html; charset=utf-8"}};

// A response with the preset's fields set as its own fields, first, as the head writes them.
Response WithPresetAsOwn(const Response& response) {
  Response own{response.result(), response.version()};
  for (const auto& f : kPreset.fields()) {
    if (response.find(f.name) == response.end()) own.insert(f.name, f.value);
  }
  for (const auto& f : response) own.insert(f.name_string(), f.value());
  own.body() = response.body();
  return own;
}

TEST(AppendResponseHead, WritesThePresetFieldsAsIfTheyWereTheResponsesFirst) {
  Response page{status::ok, 11};
  page.preset_fields(&kPreset);
  page.body() = "<p>hi</p>";
  const std::string head = ByHand(page, true, "r");
  EXPECT_EQ(head, ViaBeast(WithPresetAsOwn(page), true, "r"));
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n" + std::string(kPreset.text()))) << head;

  Response redirect{status::see_other, 10};
  redirect.preset_fields(&kPreset);
  redirect.insert(field::location, "/next");
  redirect.insert(field::set_cookie, "a=b");
  EXPECT_EQ(ByHand(redirect, false, "r"), ViaBeast(WithPresetAsOwn(redirect), false, "r"));
}

TEST(AppendResponseHead, AnOwnFieldReplacesThePresetFieldOfItsName) {
  Response sheet{status::ok, 11};
  sheet.preset_fields(&kPreset);
  sheet.set(field::cache_control, "public, max-age=3600");
  sheet.set("content-TYPE", "text/css");
  sheet.body() = "p{}";
  const std::string head = ByHand(sheet, true, "r");
  EXPECT_EQ(head, ViaBeast(WithPresetAsOwn(sheet), true, "r"));
  EXPECT_EQ(head.find("no-store"), std::string::npos) << head;
  EXPECT_EQ(head.find("text/html"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("\r\nCache-Control: public, max-age=3600\r\n"), std::string::npos) << head;
}

// What the client wrote before: Beast's serializer after the same fields were set.
std::string RequestViaBeast(beast_http::verb method, const beast_http::fields& fields,
                            std::string_view body) {
  beast_http::request<beast_http::string_body> request{method, "/v1/me?market=from_token", 11};
  for (const auto& f : fields) request.insert(f.name_string(), f.value());
  request.set(field::host, "api.spotify.test:8443");
  if (request.find(field::user_agent) == request.end()) request.set(field::user_agent, "ua/1");
  request.body() = std::string(body);
  request.prepare_payload();
  std::ostringstream out;
  out << request.base();
  return out.str();
}

std::string RequestByHand(beast_http::verb method, const beast_http::fields& fields,
                          std::string_view body) {
  std::string out;
  AppendRequestHead(method, "/v1/me?market=from_token", fields, "api.spotify.test:8443", "ua/1",
                    body.size(), out);
  return out;
}

TEST(AppendRequestHead, WritesWhatBeastsSerializerWrote) {
  beast_http::fields fields;
  fields.set(field::authorization, "Bearer abc");
  fields.set(field::accept, "application/json");
  for (auto method : {beast_http::verb::get, beast_http::verb::post, beast_http::verb::put,
                      beast_http::verb::delete_, beast_http::verb::options}) {
    for (std::string_view body : {"", "grant_type=refresh_token&refresh_token=r"}) {
      EXPECT_EQ(RequestByHand(method, fields, body), RequestViaBeast(method, fields, body))
          << beast_http::to_string(method) << " " << body.size();
    }
  }
  beast_http::fields own_agent = fields;
  own_agent.set(field::user_agent, "mine/2");
  EXPECT_EQ(RequestByHand(beast_http::verb::get, own_agent, ""),
            RequestViaBeast(beast_http::verb::get, own_agent, ""));
}

TEST(AppendRequestHead, HostAndFramingAreTheClientsWhateverTheFieldsSay) {
  beast_http::fields fields;
  fields.set(field::host, "evil.test");
  fields.set(field::content_length, "99999");
  fields.set(field::transfer_encoding, "chunked");
  const std::string head = RequestByHand(beast_http::verb::post, fields, "a=b");
  EXPECT_EQ(head,
            "POST /v1/me?market=from_token HTTP/1.1\r\nHost: api.spotify.test:8443\r\n"
            "User-Agent: ua/1\r\nContent-Length: 3\r\n\r\n");
}

}  // namespace
}  // namespace spotauth::http
