#include "core/token.h"

#include <gtest/gtest.h>

namespace spotauth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kNow{seconds{1'700'000'000}};

Token ExpiringAt(TimePoint at) {
  Token token;
  token.access_token = "access";
  token.expires_at = at;
  return token;
}

TEST(Token, ExpiresInCountsSecondsUntilExpiry) {
  EXPECT_EQ(ExpiringAt(kNow + seconds{3600}).ExpiresIn(kNow), seconds{3600});
  EXPECT_EQ(ExpiringAt(kNow).ExpiresIn(kNow), seconds{0});
}

TEST(Token, ExpiresInIsNegativeAfterExpiry) {
  EXPECT_EQ(ExpiringAt(kNow - seconds{30}).ExpiresIn(kNow), seconds{-30});
}

TEST(Token, ExpiresInTruncatesPartialSecondsLikeTekore) {
  EXPECT_EQ(ExpiringAt(kNow + milliseconds{60'900}).ExpiresIn(kNow), seconds{60});
  EXPECT_EQ(ExpiringAt(kNow + milliseconds{59'999}).ExpiresIn(kNow), seconds{59});
}

TEST(Token, IsExpiringWhenFewerThanSixtySecondsRemain) {
  EXPECT_TRUE(ExpiringAt(kNow + seconds{59}).IsExpiring(kNow));
  EXPECT_FALSE(ExpiringAt(kNow + seconds{60}).IsExpiring(kNow));
  EXPECT_FALSE(ExpiringAt(kNow + seconds{61}).IsExpiring(kNow));
}

TEST(Token, IsExpiringOnceExpired) {
  EXPECT_TRUE(ExpiringAt(kNow).IsExpiring(kNow));
  EXPECT_TRUE(ExpiringAt(kNow - seconds{3600}).IsExpiring(kNow));
}

TEST(Token, FollowsAManualClock) {
  ManualClock clock(kNow);
  const Token token = ExpiringAt(kNow + seconds{3600});
  EXPECT_FALSE(token.IsExpiring(clock.Now()));
  clock.Advance(seconds{3540});
  EXPECT_FALSE(token.IsExpiring(clock.Now()));
  clock.Advance(seconds{1});
  EXPECT_TRUE(token.IsExpiring(clock.Now()));
}

TEST(Token, DefaultsToBearerWithoutRefreshToken) {
  const Token token;
  EXPECT_EQ(token.token_type, "Bearer");
  EXPECT_TRUE(token.refresh_token.empty());
  EXPECT_TRUE(token.scope.Empty());
}

}  // namespace
}  // namespace spotauth
