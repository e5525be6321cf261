// Integration: SQLite keeps sessions across a restart, holds no plaintext token, and no log
// line carries a token, code, secret or session id.
#include <gtest/gtest.h>

#include <filesystem>

#include "testing/login_harness.h"
#include "testing/read_file.h"

namespace spotauth::server::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using spotauth::testing::ReadFile;

class TempDb {
 public:
  TempDb() {
    std::string pattern = (fs::temp_directory_path() / "spotauth-it-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~TempDb() { fs::remove_all(dir_); }
  fs::path File() const { return fs::path(dir_) / "sessions.db"; }
  std::string Url() const { return "sqlite://" + File().string(); }

 private:
  std::string dir_;
};

TEST(Persistence, ASqliteSessionSurvivesARestart) {
  TempDb db;
  LoginHarness harness({.store = db.Url()});
  TestBrowser browser;
  EXPECT_TRUE(LogIn(harness, browser).Contains("demo-user"));
  harness.RestartServer();
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(Persistence, TheDatabaseHoldsNoPlaintextTokenOrSessionId) {
  TempDb db;
  LoginHarness harness({.store = db.Url()});
  TestBrowser browser;
  LogIn(harness, browser);
  harness.StopServer();  // checkpoint and close, so everything is in the files
  std::string bytes = ReadFile(db.File().string());
  for (const char* suffix : {"-wal", "-shm"}) {
    if (fs::exists(db.File().string() + suffix)) bytes += ReadFile(db.File().string() + suffix);
  }
  ASSERT_FALSE(bytes.empty());
  EXPECT_NE(bytes.find("demo-user"), std::string::npos);  // the user id is stored in clear
  for (const auto& secret : harness.spotify().IssuedSecrets()) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << "a token is in the database";
  }
  const std::string cookie = browser.Cookies(harness.Origin())["spotauth"];
  EXPECT_EQ(bytes.find(cookie.substr(0, cookie.find('.'))), std::string::npos);
}

TEST(Persistence, LogsOfAFullRunHoldNoSecrets) {
  LoginHarness harness;
  TestBrowser browser;
  Page page = LogIn(harness, browser);
  harness.clock.Advance(3600s);  // a refresh too
  browser.Get(harness.Origin() + "/");
  browser.SubmitForm(harness.Origin(), "/logout", "token=" + TestBrowser::LogoutToken(page));
  const std::string logs = harness.Logs();
  ASSERT_NE(logs.find("login completed"), std::string::npos);  // logging was captured
  for (const auto& secret : harness.spotify().IssuedSecrets()) {
    EXPECT_EQ(logs.find(secret), std::string::npos) << "a token or code is in the logs";
  }
  EXPECT_EQ(logs.find(LoginHarness::kClientSecret), std::string::npos);
  EXPECT_EQ(logs.find("8c1f0e5d2a7b4c3e"), std::string::npos);  // the master secret
  EXPECT_EQ(logs.find(TestBrowser::LogoutToken(page)), std::string::npos);
}

}  // namespace
}  // namespace spotauth::server::testing
