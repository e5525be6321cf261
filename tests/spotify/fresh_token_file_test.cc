#include "spotify/fresh_token_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "core/clock.h"
#include "spotify/token_file.h"
#include "testing/read_file.h"
#include "testing/recording_http_client.h"

namespace spotauth::spotify {
namespace {

namespace fs = std::filesystem;
using spotauth::testing::RecordingHttpClient;
using spotauth::testing::RunSync;
using namespace std::chrono_literals;

class FreshTokenFileTest : public ::testing::Test {
 protected:
  FreshTokenFileTest() {
    std::string pattern = (fs::temp_directory_path() / "spotauth-fresh-token-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    path_ = dir_ + "/token.json";
  }
  ~FreshTokenFileTest() override { fs::remove_all(dir_); }

  // A token in the file that has `left` before it expires.
  void Store(std::chrono::seconds left, std::string refresh_token = "refresh-1") {
    Token token;
    token.access_token = "access-1";
    token.refresh_token = std::move(refresh_token);
    token.scope = Scope{"user-read-currently-playing"};
    token.expires_at = clock_.Now() + left;
    ASSERT_TRUE(WriteTokenFile(path_, token));
  }
  Result<FreshToken> Fresh() { return RunSync(ReadFreshToken(accounts_, clock_, path_)); }

  RecordingHttpClient http_;
  ManualClock clock_;
  SpotifyAccounts accounts_{http_, clock_, Credentials{"client", "", "http://127.0.0.1/cb"}};
  std::string dir_;
  std::string path_;
};

TEST_F(FreshTokenFileTest, ATokenWithMoreThanAMinuteLeftIsReturnedWithoutAsking) {
  Store(61s);
  auto fresh = Fresh();
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_FALSE(fresh->refreshed);
  EXPECT_EQ(fresh->token.access_token, "access-1");
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(FreshTokenFileTest, AnExpiringTokenIsRefreshedAndTheFileKeepsTheOldRefreshToken) {
  Store(59s);
  http_.Respond(200, R"({"access_token":"access-2","token_type":"Bearer","expires_in":3600,)"
                     R"("scope":"user-read-currently-playing"})");
  auto fresh = Fresh();
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_TRUE(fresh->refreshed);
  EXPECT_EQ(fresh->token.access_token, "access-2");
  ASSERT_EQ(http_.requests().size(), 1u);
  EXPECT_NE(http_.last().body.find("refresh_token=refresh-1"), std::string::npos);

  auto stored = ReadTokenFile(path_);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->access_token, "access-2");
  EXPECT_EQ(stored->refresh_token, "refresh-1");
  EXPECT_EQ(stored->expires_at,
            std::chrono::time_point_cast<std::chrono::seconds>(clock_.Now() + 3600s));
}

TEST_F(FreshTokenFileTest, ARotatedRefreshTokenIsStored) {
  Store(-10s);
  http_.Respond(200,
                R"({"access_token":"access-2","expires_in":3600,"refresh_token":"refresh-2"})");
  ASSERT_TRUE(Fresh());
  auto stored = ReadTokenFile(path_);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->refresh_token, "refresh-2");
  // The answer named no scope: the grant's scope is kept.
  EXPECT_EQ(stored->scope, Scope{"user-read-currently-playing"});
}

TEST_F(FreshTokenFileTest, ARevokedRefreshTokenIsAnAuthenticationErrorAndTheFileStaysAsItWas) {
  Store(0s);
  const std::string before = spotauth::testing::ReadFile(path_);
  http_.Respond(400, R"({"error":"invalid_grant","error_description":"Refresh token revoked"})");
  auto fresh = Fresh();
  ASSERT_FALSE(fresh);
  EXPECT_EQ(fresh.error().code, ErrorCode::kAuthentication);
  EXPECT_EQ(spotauth::testing::ReadFile(path_), before);
}

TEST_F(FreshTokenFileTest, AnExpiredTokenWithoutARefreshTokenCannotBeRenewed) {
  Store(0s, "");
  auto fresh = Fresh();
  ASSERT_FALSE(fresh);
  EXPECT_EQ(fresh.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fresh.error().message,
            path_ + " has no refresh token to renew its expiring access token");
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(FreshTokenFileTest, AMissingFileIsAnInvalidArgument) {
  auto fresh = Fresh();
  ASSERT_FALSE(fresh);
  EXPECT_EQ(fresh.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace spotauth::spotify
