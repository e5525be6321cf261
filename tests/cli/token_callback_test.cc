#include "cli/token_callback.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/pkce.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "testing/in_memory_http_client.h"
#include "testing/run_awaitable.h"

namespace spotauth::cli {
namespace {

using spotauth::testing::RunAwaitable;

constexpr std::string_view kRedirect = "http://127.0.0.1:5000/callback";
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

// The handler against the stand-in Spotify in memory: no sockets.
class TokenCallbackTest : public ::testing::Test {
 protected:
  TokenCallbackTest() {
    fake_spotify::AddDemoDefaults(spotify_, "app", "", {std::string(kRedirect)});
    handler_ = std::make_unique<TokenCallbackHandler>(
        std::make_unique<spotauth::testing::InMemoryHttpClient>(spotify_handler_), clock_,
        spotify::Credentials{"app", "", std::string(kRedirect)}, "http://127.0.0.1:5001",
        CallbackExpectation{"/callback", "the-state", std::string(kVerifier)},
        [this](Result<Token> token) {
          ++calls_;
          result_ = std::move(token);
        });
  }

  std::string Code() {
    return spotify_.IssueCode(fake_spotify::CodeRequest{"app", std::string(kRedirect), "demo-user",
                                                        Scope{"user-read-email"},
                                                        S256Challenge(kVerifier)});
  }
  http::Response Get(std::string target, beast_http::verb method = beast_http::verb::get) {
    http::Request request{method, target, 11};
    return RunAwaitable(handler_->Handle(std::move(request)));
  }

  ManualClock clock_;
  OpenSslRandom random_;
  fake_spotify::FakeSpotifyState spotify_{clock_, random_};
  fake_spotify::FakeSpotifyHandler spotify_handler_{spotify_};
  std::unique_ptr<TokenCallbackHandler> handler_;
  int calls_ = 0;
  std::optional<Result<Token>> result_;
};

TEST_F(TokenCallbackTest, TheRedirectWithOurStateExchangesTheCodeOnceWithTheVerifier) {
  const http::Response page = Get("/callback?code=" + Code() + "&state=the-state");
  EXPECT_EQ(page.result_int(), 200u);
  EXPECT_EQ(page[beast_http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_EQ(page[beast_http::field::cache_control], "no-store");
  ASSERT_EQ(calls_, 1);
  ASSERT_TRUE(*result_) << result_->error().message;
  EXPECT_FALSE((*result_)->access_token.empty());
  EXPECT_EQ((*result_)->scope, Scope{"user-read-email"});

  // The sign-in is over: a second redirect changes nothing.
  EXPECT_EQ(Get("/callback?code=" + Code() + "&state=the-state").result_int(), 410u);
  EXPECT_EQ(calls_, 1);
}

TEST_F(TokenCallbackTest, RequestsThatAreNotOurRedirectDoNotEndTheWait) {
  EXPECT_EQ(Get("/callback?code=" + Code() + "&state=another").result_int(), 400u);
  EXPECT_EQ(Get("/callback?code=" + Code()).result_int(), 400u);
  EXPECT_EQ(Get("/callback?state=the-state&state=the-state").result_int(), 400u);
  EXPECT_EQ(Get("/favicon.ico").result_int(), 404u);
  EXPECT_EQ(Get("/callback?state=the-state", beast_http::verb::post).result_int(), 405u);
  EXPECT_EQ(calls_, 0);
}

TEST_F(TokenCallbackTest, ADeclinedSignInEndsTheWaitWithSpotifysReasonAndNoDetailInThePage) {
  const http::Response page = Get("/callback?error=access_denied&state=the-state");
  EXPECT_EQ(page.result_int(), 400u);
  EXPECT_EQ(page.body().find("access_denied"), std::string::npos);
  ASSERT_EQ(calls_, 1);
  ASSERT_FALSE(*result_);
  EXPECT_EQ(result_->error().code, ErrorCode::kForbidden);
  EXPECT_EQ(result_->error().message,
            "the sign-in was not completed: Spotify reported access_denied");
}

TEST_F(TokenCallbackTest, AnErrorNameWithControlCharactersIsNotPassedOn) {
  Get("/callback?error=%1b%5b2J&state=the-state");
  ASSERT_EQ(calls_, 1);
  EXPECT_EQ(result_->error().message, "the sign-in was not completed: Spotify reported unknown");
}

TEST_F(TokenCallbackTest, ACodeSpotifyRefusesIsAnAuthenticationErrorAndA502Page) {
  const http::Response page = Get("/callback?code=made-up&state=the-state");
  EXPECT_EQ(page.result_int(), 502u);
  ASSERT_EQ(calls_, 1);
  ASSERT_FALSE(*result_);
  EXPECT_EQ(result_->error().code, ErrorCode::kAuthentication);
}

}  // namespace
}  // namespace spotauth::cli
