#include "spotify/token_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "testing/read_file.h"

namespace spotauth::spotify {
namespace {

namespace fs = std::filesystem;
using spotauth::testing::ReadFile;

Token SampleToken() {
  Token token;
  token.access_token = "access-1";
  token.refresh_token = "refresh-1";
  token.scope = Scope{"user-read-currently-playing", "user-read-email"};
  token.expires_at = TimePoint{std::chrono::seconds{1'767'225'600}};
  return token;
}

// A fresh directory per test, removed afterwards.
class TokenFileTest : public ::testing::Test {
 protected:
  TokenFileTest() {
    std::string pattern = (fs::temp_directory_path() / "spotauth-token-file-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    path_ = dir_ + "/token.json";
  }
  ~TokenFileTest() override { fs::remove_all(dir_); }

  void WriteText(const std::string& text) { std::ofstream(path_) << text; }
  static unsigned Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  std::string ErrorFor(const std::string& text) {
    WriteText(text);
    auto read = ReadTokenFile(path_);
    EXPECT_FALSE(read.has_value()) << text;
    if (read) return {};
    EXPECT_EQ(read.error().code, ErrorCode::kInvalidArgument);
    return read.error().message;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(TokenFileTest, AWrittenTokenReadsBackTheSame) {
  ASSERT_TRUE(WriteTokenFile(path_, SampleToken()));
  auto read = ReadTokenFile(path_);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->access_token, "access-1");
  EXPECT_EQ(read->refresh_token, "refresh-1");
  EXPECT_EQ(read->token_type, "Bearer");
  EXPECT_EQ(read->scope, (Scope{"user-read-currently-playing", "user-read-email"}));
  EXPECT_EQ(read->expires_at, SampleToken().expires_at);
}

TEST_F(TokenFileTest, TheFileIsTheDocumentedJsonWithExpiresAtInUnixSeconds) {
  ASSERT_TRUE(WriteTokenFile(path_, SampleToken()));
  const std::string text = ReadFile(path_);
  EXPECT_TRUE(text.ends_with("}\n"));
  const auto json = boost::json::parse(text).as_object();
  EXPECT_EQ(json.size(), 5u);
  EXPECT_EQ(json.at("access_token").as_string(), "access-1");
  EXPECT_EQ(json.at("refresh_token").as_string(), "refresh-1");
  EXPECT_EQ(json.at("expires_at").as_int64(), 1'767'225'600);
  EXPECT_EQ(json.at("scope").as_string(), "user-read-currently-playing user-read-email");
  EXPECT_EQ(json.at("token_type").as_string(), "Bearer");
}

TEST_F(TokenFileTest, TheFileIsReadableByItsOwnerOnlyWhateverTheUmask) {
  const mode_t old_umask = ::umask(0);
  const auto written = WriteTokenFile(path_, SampleToken());
  ::umask(old_umask);
  ASSERT_TRUE(written);
  EXPECT_EQ(Mode(path_), 0600u);
}

TEST_F(TokenFileTest, ReplacingAFileSwapsItAtomicallyAndNarrowsItsMode) {
  WriteText("old");
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  struct stat before {};
  ASSERT_EQ(::stat(path_.c_str(), &before), 0);
  // A reader that opened the old file keeps reading the old content: the new one is a new
  // inode renamed into place, never the old one truncated and rewritten.
  std::ifstream reader(path_);

  ASSERT_TRUE(WriteTokenFile(path_, SampleToken()));

  struct stat after {};
  ASSERT_EQ(::stat(path_.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  EXPECT_EQ(Mode(path_), 0600u);
  std::string old_content;
  reader >> old_content;
  EXPECT_EQ(old_content, "old");
  EXPECT_TRUE(ReadTokenFile(path_));
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(TokenFileTest, AFailedWriteLeavesNothingBehind) {
  const std::string missing_dir = dir_ + "/no-such-dir/token.json";
  auto written = WriteTokenFile(missing_dir, SampleToken());
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(written.error().message.find(missing_dir), std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 0);
}

TEST_F(TokenFileTest, AMissingFileIsAClearErrorNamingThePath) {
  auto read = ReadTokenFile(path_);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(read.error().message, path_ + " cannot be read: No such file or directory");
}

TEST_F(TokenFileTest, AMalformedFileIsAClearErrorNamingTheFieldButNoValue) {
  EXPECT_EQ(ErrorFor("not json"), path_ + " is not a token file: not a JSON object");
  EXPECT_EQ(ErrorFor("[1]"), path_ + " is not a token file: not a JSON object");
  EXPECT_EQ(ErrorFor(R"({"expires_at":1})"),
            path_ + " is not a token file: access_token is missing");
  EXPECT_EQ(ErrorFor(R"({"access_token":"secret-value","expires_at":"soon"})"),
            path_ + " is not a token file: expires_at is not a number");
  EXPECT_EQ(ErrorFor(R"({"access_token":"secret-value","expires_at":-5})"),
            path_ + " is not a token file: expires_at is not a time in unix seconds");
  EXPECT_EQ(ErrorFor(R"({"access_token":"","expires_at":1})"),
            path_ + " is not a token file: access_token is empty");
  EXPECT_EQ(ErrorFor(R"({"access_token":"secret-value","expires_at":1,"refresh_token":7})"),
            path_ + " is not a token file: refresh_token is not a string");
  EXPECT_EQ(ErrorFor(std::string(70'000, ' ')), path_ + " is too large for a token file");
}

TEST_F(TokenFileTest, OptionalFieldsMayBeAbsentAndUnknownOnesAreIgnored) {
  WriteText(R"({"access_token":"a","expires_at":1700000000,"client":"x"})");
  auto read = ReadTokenFile(path_);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->refresh_token, "");
  EXPECT_EQ(read->token_type, "Bearer");
  EXPECT_TRUE(read->scope.Empty());
}

TEST_F(TokenFileTest, ALockSurvivesTheFileBeingReplacedUnderIt) {
  ASSERT_TRUE(WriteTokenFile(path_, SampleToken()));
  {
    auto lock = TokenFileLock::Acquire(path_);
    ASSERT_TRUE(lock) << lock.error().message;
    ASSERT_TRUE(WriteTokenFile(path_, SampleToken()));
  }
  // Released with the old inode; the replaced file can be locked at once.
  auto again = TokenFileLock::Acquire(path_);
  EXPECT_TRUE(again);
}

TEST_F(TokenFileTest, LockingAMissingFileIsAnError) {
  auto lock = TokenFileLock::Acquire(path_);
  ASSERT_FALSE(lock);
  EXPECT_EQ(lock.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace spotauth::spotify
