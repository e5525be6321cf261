#include "server/cookies.h"

#include <gtest/gtest.h>

namespace spotauth::server {
namespace {

http::Request WithCookies(std::initializer_list<const char*> headers) {
  http::Request request;
  for (const char* h : headers) request.insert(beast_http::field::cookie, h);
  return request;
}

TEST(Cookies, FindsEveryValueOfANameAcrossHeaders) {
  auto request = WithCookies({"a=1; spotauth=x; b=2", "spotauth=\"y\""});
  auto found = FindCookies(request, "spotauth");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], "x");
  EXPECT_EQ(found[1], "y");
  EXPECT_TRUE(FindCookies(request, "spot").empty());
}

TEST(Cookies, SkipsMalformedPairs) {
  auto request = WithCookies({";;=; novalue; spotauth=ok;"});
  auto found = FindCookies(request, "spotauth");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "ok");
}

TEST(Cookies, SetCookieIsHttpOnlyLaxAndRootPath) {
  EXPECT_EQ(SetCookieValue("n", "v", {false, std::chrono::seconds(600)}),
            "n=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=600");
  EXPECT_EQ(SetCookieValue("__Host-n", "v", {true, {}}),
            "__Host-n=v; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(ClearCookieValue("n", true), "n=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure");
}

}  // namespace
}  // namespace spotauth::server
