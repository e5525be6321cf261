#include "server/sealed_token.h"

#include <gtest/gtest.h>

namespace spotauth::server {
namespace {

const std::string kKey(32, 'k');

Token Sample() {
  Token t;
  t.access_token = "access-abc";
  t.refresh_token = "refresh-def";
  t.scope = Scope{"user-read-currently-playing"};
  t.expires_at = TimePoint{std::chrono::seconds{1'700'003'600}};
  return t;
}

TEST(SealedToken, RoundTrips) {
  OpenSslRandom random;
  const std::string sealed = SealToken(Sample(), kKey, "record-1", random);
  auto opened = OpenToken(sealed, kKey, "record-1");
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->access_token, "access-abc");
  EXPECT_EQ(opened->refresh_token, "refresh-def");
  EXPECT_EQ(opened->scope, Sample().scope);
  EXPECT_EQ(opened->expires_at, Sample().expires_at);
}

TEST(SealedToken, HoldsNoPlaintext) {
  OpenSslRandom random;
  const std::string sealed = SealToken(Sample(), kKey, "record-1", random);
  EXPECT_EQ(sealed.find("access-abc"), std::string::npos);
  EXPECT_EQ(sealed.find("refresh-def"), std::string::npos);
}

TEST(SealedToken, DoesNotOpenForAnotherRecordOrKeyOrWhenTampered) {
  OpenSslRandom random;
  std::string sealed = SealToken(Sample(), kKey, "record-1", random);
  EXPECT_FALSE(OpenToken(sealed, kKey, "record-2"));
  EXPECT_FALSE(OpenToken(sealed, std::string(32, 'j'), "record-1"));
  sealed[sealed.size() / 2] ^= 1;
  EXPECT_FALSE(OpenToken(sealed, kKey, "record-1"));
  EXPECT_FALSE(OpenToken("", kKey, "record-1"));
}

}  // namespace
}  // namespace spotauth::server
