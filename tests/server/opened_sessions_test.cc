#include "server/opened_sessions.h"

#include <gtest/gtest.h>

#include <string>

namespace spotauth::server {
namespace {

using namespace std::chrono_literals;

const TimePoint kNow = TimePoint{1'700'000'000s};

OpenedSessions::Entry EntryFor(std::string id, TimePoint cookie_expires = kNow + 1h) {
  OpenedSessions::Entry entry;
  entry.ids = std::make_shared<const SessionIds>(SessionIds{"key-" + id, "logout-" + id});
  entry.cookie_expires = cookie_expires;
  entry.sealed_token = "sealed-" + id;
  Token token;
  token.access_token = "token-" + id;
  entry.token = std::make_shared<const Token>(std::move(token));
  return entry;
}

TEST(OpenedSessions, FindsAnEntryByItsExactCookieValueOnly) {
  OpenedSessions opened(8);
  opened.Remember("cookie-a", EntryFor("a"));
  ASSERT_NE(opened.Find("cookie-a", kNow), nullptr);
  EXPECT_EQ(opened.Find("cookie-a", kNow)->token->access_token, "token-a");
  EXPECT_EQ(opened.Find("cookie-", kNow), nullptr);
  EXPECT_EQ(opened.Find("cookie-a ", kNow), nullptr);
  EXPECT_EQ(opened.Find("COOKIE-A", kNow), nullptr);
  opened.Remember("cookie-a", EntryFor("b"));  // replaced, not added
  EXPECT_EQ(opened.Find("cookie-a", kNow)->ids->key, "key-b");
  EXPECT_EQ(opened.size(), 1u);
  opened.Forget("cookie-a");
  EXPECT_EQ(opened.Find("cookie-a", kNow), nullptr);
}

TEST(OpenedSessions, AnEntryEndsWithItsCookie) {
  OpenedSessions opened(8);
  opened.Remember("cookie", EntryFor("a", kNow + 10s));
  EXPECT_NE(opened.Find("cookie", kNow + 9s), nullptr);
  EXPECT_EQ(opened.Find("cookie", kNow + 10s), nullptr);
  EXPECT_EQ(opened.size(), 0u);
}

TEST(OpenedSessions, HoldsAtMostItsCapacity) {
  OpenedSessions opened(3);
  for (int i = 0; i < 10; ++i) {
    opened.Remember("cookie-" + std::to_string(i), EntryFor(std::to_string(i)));
  }
  EXPECT_EQ(opened.size(), 3u);
  EXPECT_NE(opened.Find("cookie-9", kNow), nullptr);  // the newest is kept
  OpenedSessions none(0);
  none.Remember("cookie", EntryFor("a"));
  EXPECT_EQ(none.Find("cookie", kNow), nullptr);
}

}  // namespace
}  // namespace spotauth::server
