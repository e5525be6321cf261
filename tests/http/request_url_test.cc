#include "http/request_url.h"

#include <gtest/gtest.h>

#include <string>

namespace spotauth::http {
namespace {

TEST(ParseRequestUrlTest, HttpsWithNameGetsDefaultPortAndTarget) {
  auto url = ParseRequestUrl("https://Accounts.Spotify.com/api/token?x=1%20y#frag");
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "accounts.spotify.com");
  EXPECT_FALSE(url->host_is_ip);
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/api/token?x=1%20y");
  EXPECT_EQ(url->HostHeader(), "accounts.spotify.com");
  EXPECT_EQ(url->Origin(), "https://accounts.spotify.com:443");
}

TEST(ParseRequestUrlTest, HttpWithIpv4AndPortKeepsPortInHostHeader) {
  auto url = ParseRequestUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_FALSE(url->tls);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_TRUE(url->host_is_ip);
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:8080");
}

TEST(ParseRequestUrlTest, Ipv6LiteralLosesBracketsButHostHeaderKeepsThem) {
  auto url = ParseRequestUrl("https://[::1]:8443/v1/me");
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_EQ(url->host, "::1");
  EXPECT_TRUE(url->host_is_ip);
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->target, "/v1/me");
  EXPECT_EQ(url->HostHeader(), "[::1]:8443");
}

TEST(ParseRequestUrlTest, QueryWithoutPathGetsSlash) {
  auto url = ParseRequestUrl("http://example.com?a=b");
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_EQ(url->target, "/?a=b");
}

TEST(ParseRequestUrlTest, RejectsWhatCannotBeSent) {
  for (const char* bad :
       {"", "not a url", "/relative/path", "ftp://example.com/", "https://user:pass@example.com/",
        "https:///path", "https://:443/", "https://example.com:99999/", "https://example.com:0/"}) {
    auto url = ParseRequestUrl(bad);
    ASSERT_FALSE(url.has_value()) << bad;
    EXPECT_EQ(url.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(ParseRequestUrlTest, RejectsOverlongUrl) {
  auto url = ParseRequestUrl("https://example.com/" + std::string(kMaxRequestUrlBytes, 'a'));
  ASSERT_FALSE(url.has_value());
  EXPECT_EQ(url.error().code, ErrorCode::kInvalidArgument);
}

TEST(ParseRequestUrlTest, ErrorMessageDoesNotEchoTheQuery) {
  auto url = ParseRequestUrl("ftp://example.com/?code=secret-value");
  ASSERT_FALSE(url.has_value());
  EXPECT_EQ(url.error().message.find("secret-value"), std::string::npos);
}

}  // namespace
}  // namespace spotauth::http
