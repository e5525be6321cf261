// Integration: bad input gets a 4xx or a closed connection, never a 5xx or a crash, and other
// users' sessions survive it. The /login flood stays bounded.
#include <gtest/gtest.h>

#include "testing/login_harness.h"
#include "testing/run_awaitable.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;

// The status code of a raw response, or 0 when the server closed without answering.
int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

class HostileInput : public ::testing::Test {
 protected:
  void SetUp() override { signed_in_page_ = LogIn(harness_, victim_); }
  // After each attack the victim is still signed in and the server still answers.
  void TearDown() override {
    Page page = victim_.Get(harness_.Origin() + "/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_TRUE(page.Contains("demo-user"));
  }
  std::string Host() const { return "Host: 127.0.0.1:" + std::to_string(harness_.Port()); }
  int Send(const std::string& bytes) { return StatusOf(RawExchange(harness_.Port(), bytes)); }
  int Get(const std::string& target, const std::string& headers = "") {
    return Send("GET " + target + " HTTP/1.1\r\n" + Host() + "\r\n" + headers +
                "Connection: close\r\n\r\n");
  }

  LoginHarness harness_;
  TestBrowser victim_;
  Page signed_in_page_;
};

void ExpectClientError(int status) {
  // 0: closed without an answer, which is also acceptable for garbage.
  EXPECT_TRUE(status == 0 || (status >= 400 && status < 500)) << status;
}

TEST_F(HostileInput, HugeQueryStringIs414) {
  EXPECT_EQ(Get("/callback?state=" + std::string(64 * 1024, 'a')), 414);
}

TEST_F(HostileInput, HugeCookieIs431) {
  EXPECT_EQ(Get("/", "Cookie: spotauth=" + std::string(64 * 1024, 'a') + "\r\n"), 431);
}

TEST_F(HostileInput, HugeHeaderBlockIs431) {
  std::string headers;
  for (int i = 0; i < 200; ++i) headers += "X-Filler-" + std::to_string(i) + ": x\r\n";
  EXPECT_EQ(Get("/", headers), 431);
}

TEST_F(HostileInput, BadPercentEncodingIs400) { EXPECT_EQ(Get("/callback?code=%zz&state=%"), 400); }

TEST_F(HostileInput, NulInTheTargetIsRefused) {
  ExpectClientError(Get(std::string("/callback?state=a\0b", 19)));
}

TEST_F(HostileInput, NonUtf8ParametersAreA4xx) {
  ExpectClientError(Get("/callback?code=%ff%fe&state=%c3%28"));
}

TEST_F(HostileInput, DuplicateParametersAre400) {
  EXPECT_EQ(Get("/callback?code=a&code=b&state=s"), 400);
  EXPECT_EQ(Get("/callback?code=a&state=s&state=t"), 400);
}

TEST_F(HostileInput, GarbageCookiesAreIgnored) {
  EXPECT_EQ(Get("/", "Cookie: spotauth=\xff\xfe; ;;=; spotauth=a.b.c; spotauth_login=..\r\n"), 200);
  // Control characters are not allowed in a header at all.
  EXPECT_EQ(Get("/", "Cookie: spotauth=\x01\x02\r\n"), 400);
}

TEST_F(HostileInput, ForgedLogoutTokenIsRefused) {
  TestBrowser browser;
  EXPECT_EQ(browser.SubmitForm(harness_.Origin(), "/logout", "token=%zz&token=x").status, 303u);
}

TEST_F(HostileInput, RawGarbageOnTheSocketGetsA4xxOrAClose) {
  ExpectClientError(Send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
  ExpectClientError(Send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  ExpectClientError(Send(std::string(5000, '\xff')));
  ExpectClientError(Send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"));
  ExpectClientError(
      Send("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n" + Host() + "\r\n\r\nzz\r\n"));
}

TEST_F(HostileInput, OversizedBodyIs413) {
  EXPECT_EQ(Send("POST /logout HTTP/1.1\r\n" + Host() +
                 "\r\nContent-Length: 1000000\r\n"
                 "Connection: close\r\n\r\n" +
                 std::string(1000, 'a')),
            413);
}

TEST_F(HostileInput, ALoginFloodStoresNothingAndLocksNobodyOut) {
  LoginHarness harness;
  TestBrowser user;
  LogIn(harness, user);
  for (int i = 0; i < 200; ++i) {
    TestBrowser attacker;  // no cookies: a new login each time
    EXPECT_EQ(attacker.Get(harness.Origin() + "/login").status, 302u);
  }
  TestBrowser late;
  EXPECT_TRUE(LogIn(harness, late).Contains("demo-user"));
  EXPECT_TRUE(user.Get(harness.Origin() + "/").Contains("demo-user"));
  // Nothing of the flood reached the store: once every login has expired, there is nothing
  // to sweep but the two real callbacks' used states.
  harness.clock.Advance(harness.config().login_ttl + 1s);
  auto swept = spotauth::testing::RunAwaitable(harness.store().SweepExpired());
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 2u);
}

}  // namespace
}  // namespace spotauth::server::testing
