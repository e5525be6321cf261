// `spotauth token` as a script writer runs it: the real binary signs in against the stand-in
// Spotify on loopback (a test browser follows the authorize redirect to the command's callback),
// then `--refresh` prints fresh tokens, keeps or stores rotated refresh tokens, and reports a
// revoked one with its own exit code.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "http/listener.h"
#include "spotify/token_file.h"
#include "testing/child_process.h"
#include "testing/login_harness.h"
#include "testing/loopback_ports.h"
#include "testing/read_file.h"

namespace spotauth::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using server::testing::Page;
using server::testing::TestBrowser;
using spotauth::testing::ChildProcess;
using spotauth::testing::ReadFile;
using spotauth::testing::RunChild;

constexpr const char* kPublicClient = "token-cli-public";
constexpr const char* kConfidentialClient = "token-cli-confidential";
constexpr const char* kSecret = "token-cli-secret-0123456789";
// The exit code documented for a refused refresh token (cli/token_command.h).
constexpr int kRefused = 3;

// The stand-in Spotify in this process (on the real clock: the binary reads the real one), a
// callback port for the command, and a scratch directory.
class TokenCommandTest : public ::testing::Test {
 protected:
  TokenCommandTest() {
    std::uint16_t ports[1] = {};
    EXPECT_TRUE(spotauth::testing::PickLoopbackPorts(ports));
    redirect_uri_ = "http://127.0.0.1:" + std::to_string(ports[0]) + "/callback";
    fake_spotify::AddDemoDefaults(state_, kPublicClient, "", {redirect_uri_});
    state_.AddClient(fake_spotify::FakeClient{kConfidentialClient, kSecret, {redirect_uri_}});
    state_.SetAutoApprove(true, "demo-user");
    http::ListenerOptions options;
    options.access_log = false;
    spotify_ = std::make_unique<http::Listener>(options, [this](boost::asio::io_context&) {
      return std::make_unique<fake_spotify::FakeSpotifyHandler>(
          state_, fake_spotify::FakeSpotifyHandlerOptions{true});
    });
    EXPECT_TRUE(spotify_->Start());
    std::string pattern = (fs::temp_directory_path() / "spotauth-token-cli-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    token_file_ = dir_ + "/token.json";
  }
  ~TokenCommandTest() override {
    spotify_->Stop();
    fs::remove_all(dir_);
  }

  std::string SpotifyOrigin() const {
    return "http://127.0.0.1:" + std::to_string(spotify_->Port());
  }
  // The environment of a script: the app's id (and secret), the stand-in as accounts service,
  // and no xdg-open on PATH.
  std::vector<std::string> Env(bool confidential = false) const {
    std::vector<std::string> env = {
        "PATH=/nonexistent",
        std::string("SPOTIFY_CLIENT_ID=") + (confidential ? kConfidentialClient : kPublicClient),
        "SPOTAUTH_ACCOUNTS_URL=" + SpotifyOrigin()};
    if (confidential) env.push_back(std::string("SPOTIFY_CLIENT_SECRET=") + kSecret);
    return env;
  }
  std::vector<std::string> SignInArgs(bool to_file = true) const {
    std::vector<std::string> args = {SPOTAUTH_BINARY,
                                     "token",
                                     "--no-browser",
                                     "--redirect-uri",
                                     redirect_uri_,
                                     "--scope",
                                     "user-read-currently-playing user-read-email",
                                     "--timeout",
                                     "60"};
    if (to_file) {
      args.push_back("--out");
      args.push_back(token_file_);
    }
    return args;
  }

  // The authorize URL the command printed on stderr, once it is there.
  std::string AuthorizeUrl(ChildProcess& child) const {
    for (int i = 0; i < 500 && child.Running(); ++i) {
      const std::string err = ReadFile(dir_ + "/sign-in.stderr");
      const auto at = err.find(SpotifyOrigin() + "/authorize?");
      if (at != std::string::npos && err.find("Waiting", at) != std::string::npos) {
        return err.substr(at, err.find('\n', at) - at);
      }
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "no authorize URL; stderr: " << ReadFile(dir_ + "/sign-in.stderr");
    return {};
  }

  // Runs a sign-in to the end with a browser that follows the stand-in's (auto-approved)
  // redirect; returns the command's exit code and the browser's last page.
  std::pair<int, Page> SignIn(bool confidential = false, bool to_file = true) {
    ChildProcess child(SignInArgs(to_file), Env(confidential), dir_ + "/sign-in.stdout",
                       dir_ + "/sign-in.stderr");
    const std::string url = AuthorizeUrl(child);
    TestBrowser browser;
    Page authorize = browser.Get(url);
    EXPECT_EQ(authorize.status, 302u) << authorize.body;
    const std::string callback = authorize.Header("Location");
    EXPECT_TRUE(callback.starts_with(redirect_uri_ + "?")) << callback;
    Page page = browser.Get(callback);
    const int code = child.Wait().value_or(-1);
    return {code, page};
  }

  spotauth::testing::ChildResult Refresh(bool confidential = false) {
    return RunChild({SPOTAUTH_BINARY, "token", "--refresh", token_file_}, Env(confidential), dir_);
  }

  // Makes the stored access token expire now, as if an hour had passed.
  void ExpireStoredToken() {
    auto token = spotify::ReadTokenFile(token_file_);
    ASSERT_TRUE(token) << token.error().message;
    token->expires_at = SystemClock().Now();
    ASSERT_TRUE(spotify::WriteTokenFile(token_file_, *token));
  }
  Token Stored() {
    auto token = spotify::ReadTokenFile(token_file_);
    EXPECT_TRUE(token) << token.error().message;
    return token.value_or(Token{});
  }
  std::uint64_t TokenRequests() const { return state_.RequestCount("/api/token"); }
  // The stand-in's own check of an access token: GET /v1/me with it.
  unsigned MeStatus(const std::string& access_token) {
    TestBrowser browser;
    return browser
        .Request(beast_http::verb::get, SpotifyOrigin() + "/v1/me", {},
                 {{"Authorization", "Bearer " + access_token}})
        .status;
  }
  Page Control(const std::string& path, const std::string& json) {
    TestBrowser browser;
    return browser.Request(beast_http::verb::post, SpotifyOrigin() + "/__control/" + path, json,
                           {{"Content-Type", "application/json"}});
  }

  SystemClock clock_;
  OpenSslRandom random_;
  fake_spotify::FakeSpotifyState state_{clock_, random_};
  std::unique_ptr<http::Listener> spotify_;
  std::string redirect_uri_;
  std::string dir_;
  std::string token_file_;
};

TEST_F(TokenCommandTest, ASignInWritesAnOwnerOnlyTokenFileThatWorksWithSpotify) {
  const auto before = std::chrono::system_clock::now();
  auto [code, page] = SignIn();
  EXPECT_EQ(code, 0) << ReadFile(dir_ + "/sign-in.stderr");
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.Contains("Signed in")) << page.body;
  EXPECT_EQ(page.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(ReadFile(dir_ + "/sign-in.stdout"), "");

  struct stat st {};
  ASSERT_EQ(::stat(token_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto json = boost::json::parse(ReadFile(token_file_)).as_object();
  EXPECT_EQ(json.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(json.at("scope").as_string(), "user-read-currently-playing user-read-email");
  const auto expires_at = json.at("expires_at").as_int64();
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch());
  EXPECT_GE(expires_at, now.count() + 3599);
  EXPECT_LE(expires_at, now.count() + 3600 + 60);
  EXPECT_FALSE(json.at("refresh_token").as_string().empty());
  EXPECT_EQ(MeStatus(std::string(json.at("access_token").as_string())), 200u);

  // Nothing secret on stderr: not the token, not the code, not the verifier.
  const std::string err = ReadFile(dir_ + "/sign-in.stderr");
  EXPECT_EQ(err.find(std::string(json.at("access_token").as_string())), std::string::npos);
  EXPECT_EQ(err.find(std::string(json.at("refresh_token").as_string())), std::string::npos);
  EXPECT_EQ(err.find("code="), std::string::npos) << err;
  EXPECT_EQ(err.find("code_verifier"), std::string::npos) << err;
}

TEST_F(TokenCommandTest, ACallbackWithAnotherStateIsRefusedAndTheCommandKeepsWaiting) {
  ChildProcess child(SignInArgs(), Env(), dir_ + "/sign-in.stdout", dir_ + "/sign-in.stderr");
  const std::string url = AuthorizeUrl(child);
  TestBrowser browser;
  Page forged = browser.Get(redirect_uri_ + "?code=planted&state=not-yours");
  EXPECT_EQ(forged.status, 400u);
  Page other = browser.Get(redirect_uri_.substr(0, redirect_uri_.rfind('/')) + "/favicon.ico");
  EXPECT_EQ(other.status, 404u);
  EXPECT_TRUE(child.Running());

  Page callback = browser.Get(browser.Get(url).Header("Location"));
  EXPECT_EQ(callback.status, 200u) << callback.body;
  EXPECT_EQ(child.Wait().value_or(-1), 0) << ReadFile(dir_ + "/sign-in.stderr");
  EXPECT_EQ(Stored().scope, (Scope{"user-read-currently-playing", "user-read-email"}));
}

TEST_F(TokenCommandTest, WithoutOutTheTokenJsonGoesToStdout) {
  auto [code, page] = SignIn(/*confidential=*/true, /*to_file=*/false);
  ASSERT_EQ(code, 0) << ReadFile(dir_ + "/sign-in.stderr");
  const std::string out = ReadFile(dir_ + "/sign-in.stdout");
  const auto json = boost::json::parse(out).as_object();
  EXPECT_EQ(MeStatus(std::string(json.at("access_token").as_string())), 200u);
  EXPECT_FALSE(fs::exists(token_file_));
}

TEST_F(TokenCommandTest, RefreshPrintsTheStoredTokenWhileItIsFreshAndAsksNothing) {
  ASSERT_EQ(SignIn().first, 0);
  const std::uint64_t requests = TokenRequests();
  const auto result = Refresh();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, Stored().access_token + "\n");
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(TokenRequests(), requests);
}

TEST_F(TokenCommandTest, AnExpiringTokenIsRefreshedAndAPublicClientsRotatedRefreshTokenStored) {
  ASSERT_EQ(SignIn().first, 0);
  const Token first = Stored();
  ExpireStoredToken();

  const auto result = Refresh();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Token second = Stored();
  EXPECT_EQ(result.out, second.access_token + "\n");
  EXPECT_NE(second.access_token, first.access_token);
  EXPECT_GT(second.expires_at, SystemClock().Now() + 3500s);
  // The stand-in rotates a PKCE client's refresh token on every use, as Spotify does.
  EXPECT_NE(second.refresh_token, first.refresh_token);
  EXPECT_EQ(MeStatus(second.access_token), 200u);

  // The stored (rotated) one works for the next refresh; the used one would not.
  ExpireStoredToken();
  const auto again = Refresh();
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(TokenCommandTest, AConfidentialClientKeepsItsRefreshTokenUntilSpotifyRotatesIt) {
  auto [code, page] = SignIn(/*confidential=*/true);
  ASSERT_EQ(code, 0) << ReadFile(dir_ + "/sign-in.stderr");
  const Token first = Stored();

  ExpireStoredToken();
  ASSERT_EQ(Refresh(/*confidential=*/true).exit_code, 0);
  EXPECT_EQ(Stored().refresh_token, first.refresh_token);  // Spotify sent none: kept

  ASSERT_EQ(Control("settings", R"({"rotate_refresh_tokens":true})").status, 200u);
  ExpireStoredToken();
  const auto rotated = Refresh(/*confidential=*/true);
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(Stored().refresh_token, first.refresh_token);
  ExpireStoredToken();
  EXPECT_EQ(Refresh(/*confidential=*/true).exit_code, 0);
}

TEST_F(TokenCommandTest, ARevokedRefreshTokenIsOneClearLineAndItsOwnExitCode) {
  ASSERT_EQ(SignIn().first, 0);
  ASSERT_EQ(Control("revoke", R"({"user":"demo-user"})").status, 200u);
  ExpireStoredToken();
  const std::string before = ReadFile(token_file_);

  const auto result = Refresh();
  EXPECT_EQ(result.exit_code, kRefused);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_TRUE(
      result.err.starts_with("spotauth token: Spotify refused the refresh token in " + token_file_))
      << result.err;
  EXPECT_NE(result.err.find("invalid_grant"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("sign in again"), std::string::npos) << result.err;
  EXPECT_EQ(ReadFile(token_file_), before);
}

TEST_F(TokenCommandTest, AMalformedTokenFileOrAMissingClientIdIsAUsageError) {
  spotauth::testing::ChildResult missing_id =
      RunChild({SPOTAUTH_BINARY, "token", "--no-browser"}, {"PATH=/nonexistent"}, dir_);
  EXPECT_EQ(missing_id.exit_code, 2);
  EXPECT_NE(missing_id.err.find("SPOTIFY_CLIENT_ID is required"), std::string::npos)
      << missing_id.err;

  { std::ofstream(token_file_) << "{\"access_token\":\"x\"}"; }
  const auto malformed = Refresh();
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_EQ(malformed.err,
            "spotauth token: " + token_file_ + " is not a token file: expires_at is missing\n");
}

TEST_F(TokenCommandTest, HelpDocumentsTheExitCodes) {
  const auto help = RunChild({SPOTAUTH_BINARY, "token", "--help"}, {"PATH=/nonexistent"}, dir_);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Exit codes:"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("3  Spotify refused"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace spotauth::cli
