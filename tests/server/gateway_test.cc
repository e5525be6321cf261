#include "server/gateway.h"

#include <gtest/gtest.h>

namespace spotauth::server {
namespace {

const CookieNames kCookies = CookieNames::For(false);

std::vector<std::string> Values(const http::RequestHead& head, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& field : head) {
    if (boost::beast::iequals(field.name_string(), name)) values.emplace_back(field.value());
  }
  return values;
}

TEST(ReturnPath, LocalPathsAreKept) {
  for (const char* good : {"/", "/a", "/a/b?x=1&y=%20", "/caf%C3%A9", "/a//b", "/a\?next=//x"}) {
    EXPECT_TRUE(IsLocalReturnPath(good)) << good;
  }
}

TEST(ReturnPath, AnythingThatCouldLeaveTheOriginIsRefused) {
  for (const char* bad :
       {"", "a", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
        "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example", "/ /x", "/a\\b",
        "http:/evil.example", "/caf\xc3\xa9"}) {
    EXPECT_FALSE(IsLocalReturnPath(bad)) << bad;
  }
  EXPECT_FALSE(IsLocalReturnPath("/" + std::string(kMaxReturnPath, 'a')));
}

TEST(ReturnPath, LoginUrlCarriesTheTargetUnchanged) {
  EXPECT_EQ(LoginUrlReturningTo("/spotauth", "/a?b=1&c=%2F"),
            "/spotauth/login?rd=%2Fa%3Fb%3D1%26c%3D%252F");
}

TEST(PrepareForApp, RemovesSpoofedIdentityAndOurCookiesAndAddsForwardedFields) {
  http::RequestHead head;
  head.set("X-Spotify-User-Id", "admin");
  head.insert("x-spotify-user-id", "admin2");
  head.set("X-SPOTIFY-ACCESS-TOKEN", "stolen");
  head.set("X-Spotifyish", "kept");  // not the X-Spotify- prefix
  head.set(beast_http::field::cookie, "a=1; spotauth=secret; b=2");
  head.insert(beast_http::field::cookie, "spotauth_login=x");
  head.set("X-Forwarded-For", "10.0.0.1");
  Identity identity{"demo-user", "Zoë Ω", std::nullopt};
  PrepareForApp(head, kCookies, {"127.0.0.1", "https", "app.example"}, &identity);
  EXPECT_EQ(Values(head, "X-Spotify-User-Id"), std::vector<std::string>{"demo-user"});
  EXPECT_EQ(Values(head, "X-Spotify-Display-Name"), std::vector<std::string>{"Zo%C3%AB%20%CE%A9"});
  EXPECT_TRUE(Values(head, "X-Spotify-Access-Token").empty());
  EXPECT_EQ(Values(head, "X-Spotifyish"), std::vector<std::string>{"kept"});
  EXPECT_EQ(Values(head, "Cookie"), std::vector<std::string>{"a=1; b=2"});
  EXPECT_EQ(Values(head, "X-Forwarded-For"), std::vector<std::string>{"10.0.0.1, 127.0.0.1"});
  EXPECT_EQ(Values(head, "X-Forwarded-Proto"), std::vector<std::string>{"https"});
  EXPECT_EQ(Values(head, "X-Forwarded-Host"), std::vector<std::string>{"app.example"});
}

TEST(PrepareForApp, WithoutIdentityNoIdentityFieldsAndOnlyOurCookieLeavesNoCookieField) {
  http::RequestHead head;
  head.set("X-Spotify-User-Id", "admin");
  head.set(beast_http::field::cookie, "spotauth=secret");
  PrepareForApp(head, kCookies, {"::1", "http", "h"}, nullptr);
  EXPECT_TRUE(Values(head, "X-Spotify-User-Id").empty());
  EXPECT_TRUE(Values(head, "Cookie").empty());
}

TEST(PrepareForApp, AccessTokenIsPassedWhenGiven) {
  http::RequestHead head;
  Identity identity{"u", "", std::string("token-1")};
  PrepareForApp(head, kCookies, {"127.0.0.1", "http", "h"}, &identity);
  EXPECT_EQ(Values(head, "X-Spotify-Access-Token"), std::vector<std::string>{"token-1"});
  EXPECT_EQ(Values(head, "X-Spotify-Display-Name"), std::vector<std::string>{""});
}

TEST(BrowserNavigation, IsGetOrHeadAcceptingHtml) {
  http::RequestHead head;
  head.method(beast_http::verb::get);
  EXPECT_FALSE(IsBrowserNavigation(head));
  head.set(beast_http::field::accept, "Text/HTML,*/*");
  EXPECT_TRUE(IsBrowserNavigation(head));
  head.method(beast_http::verb::post);
  EXPECT_FALSE(IsBrowserNavigation(head));
  head.method(beast_http::verb::head);
  EXPECT_TRUE(IsBrowserNavigation(head));
}

TEST(PublicPaths, PrefixesMatchButNoWayOutOfThem) {
  const std::vector<std::string> prefixes = {"/static/", "/favicon.ico"};
  EXPECT_TRUE(IsPublicPath("/static/app.css", prefixes));
  EXPECT_TRUE(IsPublicPath("/favicon.ico", prefixes));
  EXPECT_FALSE(IsPublicPath("/staticx", prefixes));
  EXPECT_FALSE(IsPublicPath("/admin", prefixes));
  for (const char* sneaky :
       {"/static/../admin", "/static/%2e%2e/admin", "/static/%2E%2E/admin", "/static/..%2fadmin",
        "/static/.%2e/admin", "/static/x/..", "/static/./../admin", "/static/..\\admin"}) {
    EXPECT_FALSE(IsPublicPath(sneaky, prefixes)) << sneaky;
  }
}

}  // namespace
}  // namespace spotauth::server
