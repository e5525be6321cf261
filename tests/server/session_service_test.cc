// Unit tests of SessionService against the stand-in Spotify (through an in-memory HttpClient)
// and a memory store, on one event loop.
#include "server/session_service.h"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "core/cookie_codec.h"
#include "core/pkce.h"
#include "server/pending_login.h"
#include "testing/fake_spotify_harness.h"
#include "testing/login_app_fixture.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using fake_spotify::testing::QueryOf;

using Cookies = std::vector<std::string_view>;

boost::asio::awaitable<Result<void>> LogoutAfter(SessionService& sessions, ActiveSession session,
                                                 std::chrono::milliseconds delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::use_awaitable);
  co_return co_await sessions.Logout(session);
}

class SessionServiceTest : public ::testing::Test {
 protected:
  explicit SessionServiceTest(LoginAppFixtureOptions options = {}) : fixture_(std::move(options)) {}

  LoginStart Start(Cookies login_cookies = {}) { return sessions_.StartLogin(login_cookies); }

  std::vector<PendingLogin> Open(const std::string& login_cookie) const {
    return OpenPendingLogins(login_cookie, fixture_.app.keys.login_enc, fixture_.app.cookies.login);
  }

  // The stand-in's auto-approved answer to `start`, as the callback receives it.
  CallbackParams Approve(const LoginStart& start) {
    http::Response redirect = fixture_.SpotifyGet(start.authorize_url);
    EXPECT_EQ(redirect.result_int(), 302) << redirect.body();
    auto query = QueryOf(HeaderOf(redirect, "Location"));
    return {query["code"], query["state"], std::nullopt};
  }

  tl::expected<LoginDone, Problem> Complete(const CallbackParams& params, Cookies login_cookies) {
    return fixture_.Run(sessions_.CompleteLogin(params, login_cookies));
  }

  std::optional<ActiveSession> Load(Cookies session_cookies) {
    auto loaded = fixture_.Run(sessions_.Load(session_cookies));
    if (!loaded) throw std::runtime_error("Load failed: " + loaded.error().message);
    return *loaded;
  }

  // A whole login; returns the session cookie.
  std::string SignIn() {
    const LoginStart start = Start();
    auto done = Complete(Approve(start), {start.login_cookie});
    if (!done) throw std::runtime_error("CompleteLogin failed");
    return done->session_cookie;
  }

  ActiveSession SignedInSession() {
    auto session = Load({SignIn()});
    if (!session) throw std::runtime_error("the new session does not load");
    return *session;
  }

  LoginAppFixture fixture_;
  std::unique_ptr<http::HttpClient> http_ = fixture_.NewSpotifyClient();
  spotify::SpotifyAccounts accounts_{
      *http_, fixture_.clock,
      spotify::Credentials{fixture_.config.client_id, fixture_.config.client_secret,
                           fixture_.config.redirect_uri},
      fixture_.config.accounts_url};
  spotify::SpotifyApi api_{*http_, fixture_.config.api_url};
  SessionService sessions_{fixture_.app, accounts_, api_};
};

class PkceSessionServiceTest : public SessionServiceTest {
 protected:
  PkceSessionServiceTest() : SessionServiceTest({.pkce = true}) {}
};

TEST_F(SessionServiceTest, StartLoginReturnsAnAuthorizeUrlAndASealedLoginCookie) {
  const LoginStart start = Start();
  EXPECT_TRUE(start.authorize_url.starts_with("http://127.0.0.1:9/authorize?"));
  auto query = QueryOf(start.authorize_url);
  EXPECT_EQ(query["client_id"], "spotauth-test");
  EXPECT_EQ(query["redirect_uri"], "http://127.0.0.1:5000/callback");
  EXPECT_EQ(query["scope"], "user-read-currently-playing");
  EXPECT_EQ(query["state"].size(), 43u);
  // The pending login travels in the cookie, sealed: state, verifier, expiry, return path.
  const auto logins = Open(start.login_cookie);
  ASSERT_EQ(logins.size(), 1u);
  EXPECT_EQ(logins[0].state, query["state"]);
  EXPECT_EQ(S256Challenge(logins[0].verifier), query["code_challenge"]);
  EXPECT_EQ(logins[0].expires_at, fixture_.clock.Now() + fixture_.app.config.login_ttl);
  EXPECT_EQ(logins[0].return_to, "/");
  EXPECT_EQ(start.login_cookie.find(query["state"]), std::string::npos);
  // Sealed for the login cookie's name only.
  EXPECT_TRUE(OpenPendingLogins(start.login_cookie, fixture_.app.keys.login_enc,
                                fixture_.app.cookies.session)
                  .empty());
}

TEST_F(SessionServiceTest, AConfidentialClientSendsAnS256ChallengeToo) {
  auto query = QueryOf(Start().authorize_url);
  EXPECT_EQ(query["code_challenge"].size(), 43u);
  EXPECT_EQ(query["code_challenge_method"], "S256");
}

TEST_F(SessionServiceTest, StartLoginKeepsTheBrowsersOtherLoginsAndMakesANewState) {
  const LoginStart first = Start();
  const LoginStart second = Start({first.login_cookie});
  const auto logins = Open(second.login_cookie);
  ASSERT_EQ(logins.size(), 2u);
  EXPECT_EQ(logins[0], Open(first.login_cookie)[0]);
  EXPECT_NE(logins[0].state, logins[1].state);
}

TEST_F(SessionServiceTest, ABrowserHoldsAtMostFourLoginsAndTheOldestDropsOut) {
  LoginStart start = Start();
  const std::string oldest = Open(start.login_cookie)[0].state;
  for (int i = 0; i < 4; ++i) start = Start({start.login_cookie});
  const auto logins = Open(start.login_cookie);
  ASSERT_EQ(logins.size(), kMaxPendingLogins);
  for (const auto& login : logins) EXPECT_NE(login.state, oldest);
}

TEST_F(SessionServiceTest, ExpiredLoginsAreDroppedFromTheCookie) {
  const LoginStart first = Start();
  fixture_.clock.Advance(fixture_.app.config.login_ttl);
  EXPECT_EQ(Open(Start({first.login_cookie}).login_cookie).size(), 1u);
}

TEST_F(PkceSessionServiceTest, StartLoginSendsAnS256Challenge) {
  auto query = QueryOf(Start().authorize_url);
  EXPECT_EQ(query["code_challenge"].size(), 43u);
  EXPECT_EQ(query["code_challenge_method"], "S256");
}

TEST_F(SessionServiceTest, CompleteLoginWithTheRightStateAndCookieStartsASession) {
  const LoginStart start = Start();
  auto done = Complete(Approve(start), {start.login_cookie});
  ASSERT_TRUE(done);
  auto session = Load({done->session_cookie});
  ASSERT_TRUE(session);
  EXPECT_EQ(session->record.user_id, "demo-user");
  EXPECT_EQ(session->record.display_name, "Demo User");
  EXPECT_FALSE(session->token->access_token.empty());
  EXPECT_FALSE(session->token->refresh_token.empty());
  EXPECT_EQ(session->token->ExpiresIn(fixture_.clock.Now()), 3600s);
}

TEST_F(PkceSessionServiceTest, CompleteLoginProvesTheCodeWithTheVerifier) {
  const LoginStart start = Start();
  auto done = Complete(Approve(start), {start.login_cookie});
  ASSERT_TRUE(done);
  EXPECT_TRUE(Load({done->session_cookie}));
}

TEST_F(SessionServiceTest, CompleteLoginWithoutAStateIsRefused) {
  const LoginStart start = Start();
  CallbackParams params = Approve(start);
  params.state.reset();
  EXPECT_EQ(Complete(params, {start.login_cookie}), tl::unexpected(Problem::kMissingState));
}

TEST_F(SessionServiceTest, CompleteLoginWithAStateNeverIssuedIsRefused) {
  const LoginStart start = Start();
  CallbackParams params = Approve(start);
  params.state = "forged-state-value";
  EXPECT_EQ(Complete(params, {start.login_cookie}), tl::unexpected(Problem::kUnknownState));
}

TEST_F(SessionServiceTest, CompleteLoginUsesAStateOnce) {
  const LoginStart start = Start();
  const CallbackParams params = Approve(start);
  ASSERT_TRUE(Complete(params, {start.login_cookie}));
  EXPECT_EQ(Complete(params, {start.login_cookie}), tl::unexpected(Problem::kUnknownState));
}

TEST_F(SessionServiceTest, CompleteLoginWithAStateFromTooLongAgoIsRefused) {
  const LoginStart start = Start();
  const CallbackParams params = Approve(start);
  fixture_.clock.Advance(601s);
  EXPECT_FALSE(Complete(params, {start.login_cookie}));
}

TEST_F(SessionServiceTest, CompleteLoginInAnotherBrowserIsRefusedAndCannotBurnTheState) {
  const LoginStart start = Start();
  const CallbackParams params = Approve(start);
  const LoginStart other = Start();
  // The other browser holds logins of its own, but not this state: it cannot even use it up.
  EXPECT_EQ(Complete(params, {other.login_cookie}), tl::unexpected(Problem::kUnknownState));
  EXPECT_TRUE(Complete(params, {start.login_cookie}));
  EXPECT_EQ(Complete(params, {start.login_cookie}), tl::unexpected(Problem::kUnknownState));
}

TEST_F(SessionServiceTest, CompleteLoginWithoutALoginCookieIsRefused) {
  const LoginStart start = Start();
  EXPECT_EQ(Complete(Approve(start), {}), tl::unexpected(Problem::kOtherBrowser));
}

TEST_F(SessionServiceTest, CompleteLoginAfterDeniedConsentIsDenied) {
  const LoginStart start = Start();
  const CallbackParams params{std::nullopt, QueryOf(start.authorize_url)["state"], "access_denied"};
  EXPECT_EQ(Complete(params, {start.login_cookie}), tl::unexpected(Problem::kDenied));
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), 0u);
}

TEST_F(SessionServiceTest, LoadOfAnAbsentOrForgedCookieIsNullopt) {
  const std::string cookie = SignIn();
  EXPECT_FALSE(Load({}));
  EXPECT_FALSE(Load({""}));
  EXPECT_FALSE(Load({"not-a-cookie"}));
  std::string tampered = cookie;
  tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Load({tampered}));
  // A login cookie is signed for another name.
  EXPECT_FALSE(Load({Start().login_cookie}));
  EXPECT_TRUE(Load({cookie}));
}

TEST_F(SessionServiceTest, LoadFindsTheValidCookieAmongSeveral) {
  const std::string cookie = SignIn();
  EXPECT_TRUE(Load({"stale", cookie}));
}

// A loop remembers what it opened (OpenedSessions); the store must stay the truth for it.
TEST_F(SessionServiceTest, LoadSeesALogoutAndARefreshDoneByAnotherInstanceAtOnce) {
  const std::string cookie = SignIn();
  const ActiveSession first = *Load({cookie});
  ASSERT_TRUE(Load({cookie}));  // now remembered by this loop
  // Another instance sharing the store: its own service, its own memory.
  SessionService other{fixture_.app, accounts_, api_};
  ActiveSession there = *fixture_.Run(other.Load(Cookies{cookie})).value();
  fixture_.clock.Advance(3600s);
  ASSERT_EQ(fixture_.Run(other.EnsureFresh(there)), Freshness::kFresh);
  ASSERT_NE(there.token->access_token, first.token->access_token);
  EXPECT_EQ(Load({cookie})->token->access_token, there.token->access_token);
  ASSERT_TRUE(fixture_.Run(other.Logout(there)));
  EXPECT_FALSE(Load({cookie}));
}

TEST_F(SessionServiceTest, ARememberedSessionWhoseStoredTokenChangedIsOpenedAgain) {
  const std::string cookie = SignIn();
  ActiveSession session = *Load({cookie});
  ASSERT_TRUE(Load({cookie}));
  // Damaged (or sealed under another secret) in the store: it must not open from memory.
  store::Session damaged = session.record;
  damaged.sealed_token.back() ^= 1;
  ASSERT_TRUE(fixture_.Run(fixture_.store.UpdateSession(session.key(), damaged)).value());
  EXPECT_FALSE(Load({cookie}));
  // The same bytes as before open again: nothing about the session was forgotten wrongly.
  ASSERT_TRUE(fixture_.Run(fixture_.store.UpdateSession(session.key(), session.record)).value());
  ASSERT_TRUE(Load({cookie}));
  EXPECT_EQ(Load({cookie})->token->access_token, session.token->access_token);
  EXPECT_EQ(Load({cookie})->logout_token(), session.logout_token());
}

TEST_F(SessionServiceTest, LoadAfterTheIdleLifetimeIsNullopt) {
  const std::string cookie = SignIn();
  fixture_.clock.Advance(std::chrono::days(14) + 1s);
  EXPECT_FALSE(Load({cookie}));
}

TEST_F(SessionServiceTest, EnsureFreshLeavesAFreshTokenAlone) {
  ActiveSession session = SignedInSession();
  const std::string access_token = session.token->access_token;
  fixture_.clock.Advance(3600s - 61s);
  EXPECT_EQ(fixture_.Run(sessions_.EnsureFresh(session)), Freshness::kFresh);
  EXPECT_EQ(session.token->access_token, access_token);
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), 1u);  // the login's
}

TEST_F(SessionServiceTest, EnsureFreshRefreshesOnceForConcurrentCallersOnOneLoop) {
  const ActiveSession signed_in = SignedInSession();
  fixture_.clock.Advance(3600s - 30s);
  // A slow token endpoint keeps the first refresh in flight while the others arrive.
  fixture_.spotify.AddFault("/api/token",
                            {.kind = fake_spotify::FakeFaultKind::kDelay, .delay = 100ms});
  ActiveSession a = signed_in, b = signed_in, c = signed_in, d = signed_in;
  auto [fa, fb, fc, fd] = fixture_.Run(sessions_.EnsureFresh(a) && sessions_.EnsureFresh(b) &&
                                       sessions_.EnsureFresh(c) && sessions_.EnsureFresh(d));
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), 2u);  // the login and one refresh
  for (Freshness freshness : {fa, fb, fc, fd}) EXPECT_EQ(freshness, Freshness::kFresh);
  EXPECT_NE(a.token->access_token, signed_in.token->access_token);
  for (const ActiveSession* s : {&b, &c, &d}) {
    EXPECT_EQ(s->token->access_token, a.token->access_token);
  }
  EXPECT_EQ(a.token->ExpiresIn(fixture_.clock.Now()), 3600s);
}

TEST_F(SessionServiceTest, EnsureFreshStoresTheRefreshedToken) {
  const std::string cookie = SignIn();
  ActiveSession session = *Load({cookie});
  fixture_.clock.Advance(3600s);
  ASSERT_EQ(fixture_.Run(sessions_.EnsureFresh(session)), Freshness::kFresh);
  EXPECT_EQ(Load({cookie})->token->access_token, session.token->access_token);
}

TEST_F(SessionServiceTest, EnsureFreshEndsTheSessionWhenSpotifyRevokedTheRefreshToken) {
  const std::string cookie = SignIn();
  ActiveSession session = *Load({cookie});
  fixture_.spotify.RevokeRefreshTokens("demo-user");
  fixture_.clock.Advance(3600s);
  EXPECT_EQ(fixture_.Run(sessions_.EnsureFresh(session)), Freshness::kEnded);
  EXPECT_FALSE(Load({cookie}));
}

TEST_F(SessionServiceTest, EnsureFreshKeepsTheSessionWhenSpotifyFails) {
  const std::string cookie = SignIn();
  ActiveSession session = *Load({cookie});
  fixture_.spotify.AddFault("/api/token",
                            {.kind = fake_spotify::FakeFaultKind::kStatus, .status = 503});
  fixture_.clock.Advance(3600s);
  EXPECT_EQ(fixture_.Run(sessions_.EnsureFresh(session)), Freshness::kFailed);
  EXPECT_TRUE(Load({cookie}));
}

TEST_F(SessionServiceTest, ARefreshInFlightDoesNotBringBackASessionLoggedOutMeanwhile) {
  // DESIGN.md: writes that follow a slow upstream call are conditional, so a refresh never
  // brings back a session that a logout ended meanwhile.
  const std::string cookie = SignIn();
  ActiveSession refreshing = *Load({cookie});
  const ActiveSession logging_out = refreshing;
  fixture_.clock.Advance(3600s);
  fixture_.spotify.AddFault("/api/token",
                            {.kind = fake_spotify::FakeFaultKind::kDelay, .delay = 100ms});
  auto [freshness, logged_out] =
      fixture_.Run(sessions_.EnsureFresh(refreshing) && LogoutAfter(sessions_, logging_out, 20ms));
  EXPECT_TRUE(logged_out);
  EXPECT_FALSE(Load({cookie})) << "the logged-out session is back after the refresh";
}

TEST_F(SessionServiceTest, LogoutDeletesTheSession) {
  const std::string cookie = SignIn();
  const ActiveSession session = *Load({cookie});
  EXPECT_TRUE(fixture_.Run(sessions_.Logout(session)));
  EXPECT_FALSE(Load({cookie}));
}

TEST_F(SessionServiceTest, LogoutTokenIsAcceptedForItsOwnSessionOnly) {
  const ActiveSession mine = SignedInSession();
  const ActiveSession other = SignedInSession();
  const std::string token = sessions_.LogoutToken(mine);
  EXPECT_FALSE(token.empty());
  EXPECT_EQ(sessions_.LogoutToken(mine), token);  // stable for the session's life
  EXPECT_TRUE(sessions_.CheckLogoutToken(mine, token));
  EXPECT_FALSE(sessions_.CheckLogoutToken(other, token));
  EXPECT_FALSE(sessions_.CheckLogoutToken(mine, ""));
  EXPECT_FALSE(sessions_.CheckLogoutToken(mine, token.substr(1)));
}

}  // namespace
}  // namespace spotauth::server::testing
