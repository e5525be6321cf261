// Handler-level tests of LoginApp: request values in, exact responses out. The stand-in Spotify
// answers through an in-memory HttpClient; no socket is opened.
#include "server/login_app.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "testing/fake_spotify_harness.h"
#include "testing/in_memory_http_client.h"
#include "testing/login_app_fixture.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;
using beast_http::verb;
using fake_spotify::testing::QueryOf;

constexpr std::string_view kCsp =
    "default-src 'none'; style-src 'self'; img-src https:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";
constexpr std::string_view kSignedOut = "<p>You are not signed in.</p>";
constexpr std::string_view kClearSessionCookie =
    "spotauth=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
constexpr std::string_view kClearLoginCookie =
    "spotauth_login=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";

// Every HTML page carries these.
void ExpectPageHeaders(const http::Response& page) {
  EXPECT_EQ(HeaderOf(page, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-store");
  EXPECT_EQ(HeaderOf(page, "Content-Security-Policy"), kCsp);
  EXPECT_EQ(HeaderOf(page, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(HeaderOf(page, "Referrer-Policy"), "same-origin");
  EXPECT_EQ(HeaderOf(page, "X-Frame-Options"), "DENY");
}

// The value part of a Set-Cookie line.
std::string CookieValue(std::string_view line) {
  const auto eq = line.find('=');
  return std::string(line.substr(eq + 1, line.find(';') - eq - 1));
}

class LoginAppTest : public ::testing::Test {
 protected:
  explicit LoginAppTest(LoginAppFixtureOptions options = {}) : fixture_(std::move(options)) {}

  http::Response Request(verb method, std::string_view target) {
    return browser_.Send(AppRequest(fixture_, method, target));
  }

  // A signed-in browser's home page.
  http::Response SignIn() {
    EXPECT_EQ(browser_.LogIn().result_int(), 303);
    return browser_.Get("/");
  }

  LoginAppFixture fixture_;
  LoginApp app_{fixture_.app, fixture_.NewSpotifyClient()};
  InMemoryBrowser browser_{fixture_, app_};
};

class PkceLoginAppTest : public LoginAppTest {
 protected:
  PkceLoginAppTest() : LoginAppTest({.pkce = true}) {}
};

class ConsentLoginAppTest : public LoginAppTest {
 protected:
  ConsentLoginAppTest() : LoginAppTest({.auto_approve = false}) {}
};

class HttpsLoginAppTest : public LoginAppTest {
 protected:
  HttpsLoginAppTest()
      : LoginAppTest({.extra = {{"SPOTIFY_REDIRECT_URI", "https://signin.example.com/callback"}}}) {
  }
};

TEST_F(LoginAppTest, SignedOutHomePageOffersTheLoginButton) {
  http::Response page = browser_.Get("/");
  EXPECT_EQ(page.result_int(), 200);
  ExpectPageHeaders(page);
  EXPECT_TRUE(Contains(page, kSignedOut));
  EXPECT_TRUE(
      Contains(page, "<a class=\"button\" id=\"login\" href=\"/login\">Log in with Spotify</a>"));
  EXPECT_TRUE(SetCookies(page).empty());
}

TEST_F(LoginAppTest, SignedOutHomePageClearsASessionCookieItCannotVerify) {
  browser_.cookies["spotauth"] = "forged.1999999999.AAAA";
  http::Response page = browser_.Get("/");
  EXPECT_EQ(page.result_int(), 200);
  EXPECT_TRUE(Contains(page, kSignedOut));
  EXPECT_EQ(SetCookies(page), std::vector<std::string>{std::string(kClearSessionCookie)});
}

TEST_F(LoginAppTest, LoginRedirectsToTheStandInAuthorizeAndSetsTheLoginCookie) {
  http::Response redirect = browser_.Get("/login");
  EXPECT_EQ(redirect.result_int(), 302);
  EXPECT_EQ(HeaderOf(redirect, "Cache-Control"), "no-store");
  EXPECT_TRUE(redirect.body().empty());
  const std::string location = HeaderOf(redirect, "Location");
  EXPECT_TRUE(location.starts_with("http://127.0.0.1:9/authorize?")) << location;
  auto query = QueryOf(location);
  EXPECT_EQ(query["client_id"], "spotauth-test");
  EXPECT_EQ(query["redirect_uri"], "http://127.0.0.1:5000/callback");
  EXPECT_EQ(query["response_type"], "code");
  EXPECT_EQ(query["scope"], "user-read-currently-playing");
  EXPECT_EQ(query["state"].size(), 43u);  // 256 bits, base64url

  const auto set_cookies = SetCookies(redirect);
  ASSERT_EQ(set_cookies.size(), 1u);
  const std::string value = CookieValue(set_cookies[0]);
  EXPECT_FALSE(value.empty());
  EXPECT_EQ(set_cookies[0],
            "spotauth_login=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=600");
}

TEST_F(LoginAppTest, EachLoginHasItsOwnState) {
  const auto first = QueryOf(HeaderOf(browser_.Get("/login"), "Location"))["state"];
  const auto second = QueryOf(HeaderOf(browser_.Get("/login"), "Location"))["state"];
  EXPECT_NE(first, second);
}

TEST_F(PkceLoginAppTest, LoginSendsAnS256CodeChallenge) {
  auto query = QueryOf(HeaderOf(browser_.Get("/login"), "Location"));
  EXPECT_EQ(query["client_id"], "spotauth-test");
  EXPECT_EQ(query["state"].size(), 43u);
  EXPECT_EQ(query["code_challenge"].size(), 43u);  // base64url(SHA-256)
  EXPECT_EQ(query["code_challenge_method"], "S256");
}

TEST_F(LoginAppTest, FollowingTheAuthorizeRedirectCreatesASession) {
  http::Response authorize = browser_.Open(HeaderOf(browser_.Get("/login"), "Location"));
  ASSERT_EQ(authorize.result_int(), 302);
  const std::string callback = HeaderOf(authorize, "Location");
  EXPECT_TRUE(callback.starts_with("http://127.0.0.1:5000/callback?code=")) << callback;

  http::Response done = browser_.Open(callback);
  EXPECT_EQ(done.result_int(), 303);
  EXPECT_EQ(HeaderOf(done, "Location"), "/");
  EXPECT_EQ(HeaderOf(done, "Cache-Control"), "no-store");
  const auto set_cookies = SetCookies(done);
  ASSERT_EQ(set_cookies.size(), 2u);
  const std::string session = CookieValue(set_cookies[0]);
  EXPECT_FALSE(session.empty());
  EXPECT_EQ(set_cookies[0],
            "spotauth=" + session + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000");
  EXPECT_EQ(set_cookies[1], kClearLoginCookie);
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), 1u);
  EXPECT_EQ(fixture_.spotify.RequestCount("/v1/me"), 1u);
}

TEST_F(LoginAppTest, SignedInHomePageShowsTheUserAndThePlayingTrack) {
  http::Response page = SignIn();
  EXPECT_EQ(page.result_int(), 200);
  ExpectPageHeaders(page);
  EXPECT_TRUE(Contains(page, "<span id=\"display-name\">Demo User</span>"));
  EXPECT_TRUE(Contains(page, "<code id=\"user-id\">demo-user</code>"));
  EXPECT_TRUE(Contains(page, "<p class=\"label\">Now playing</p>"));
  EXPECT_TRUE(Contains(page, "<p class=\"title\" id=\"track\">Windowlicker</p>"));
  EXPECT_TRUE(Contains(page, "<p class=\"subtitle\" id=\"artists\">Aphex Twin · Windowlicker</p>"));
  EXPECT_FALSE(InMemoryBrowser::LogoutToken(page).empty());
  EXPECT_TRUE(SetCookies(page).empty());
}

TEST_F(PkceLoginAppTest, LoginWithTheVerifierShowsTheTrack) {
  EXPECT_TRUE(Contains(SignIn(), "Windowlicker"));
}

TEST_F(LoginAppTest, LoginWhileSignedInGoesHome) {
  SignIn();
  http::Response again = browser_.Get("/login");
  EXPECT_EQ(again.result_int(), 303);
  EXPECT_EQ(HeaderOf(again, "Location"), "/");
}

TEST_F(LoginAppTest, CallbackWithoutStateIsABadRequestPage) {
  browser_.Get("/login");
  http::Response page = browser_.Get("/callback?code=abc");
  EXPECT_EQ(page.result_int(), 400);
  ExpectPageHeaders(page);
  EXPECT_TRUE(Contains(page, "The answer from Spotify is missing its state parameter."));
  EXPECT_TRUE(SetCookies(page).empty());
}

TEST_F(LoginAppTest, CallbackWithAStateNeverIssuedIsABadRequestPage) {
  browser_.Get("/login");  // a real login cookie, but not this state
  http::Response page = browser_.Get("/callback?code=abc&state=forged-state-value");
  EXPECT_EQ(page.result_int(), 400);
  EXPECT_TRUE(Contains(page, "<h1>Login expired</h1>"));
  EXPECT_TRUE(SetCookies(page).empty());
}

TEST_F(LoginAppTest, ReplayedCallbackIsABadRequestPage) {
  http::Response authorize = browser_.Open(HeaderOf(browser_.Get("/login"), "Location"));
  const std::string callback = HeaderOf(authorize, "Location");
  ASSERT_EQ(browser_.Open(callback).result_int(), 303);
  // The finished login left the browser's login cookie; the replay finds no login to match.
  http::Response replay = browser_.Open(callback);
  EXPECT_EQ(replay.result_int(), 400);
  EXPECT_TRUE(Contains(replay, "another browser"));
  EXPECT_TRUE(SetCookies(replay).empty());
}

TEST_F(LoginAppTest, CallbackInAnotherBrowserIsRefused) {
  http::Response authorize = browser_.Open(HeaderOf(browser_.Get("/login"), "Location"));
  InMemoryBrowser victim(fixture_, app_);
  http::Response page = victim.Open(HeaderOf(authorize, "Location"));
  EXPECT_EQ(page.result_int(), 400);
  EXPECT_TRUE(Contains(page, "This login was started in another browser"));
  EXPECT_TRUE(victim.cookies.empty());
  EXPECT_TRUE(Contains(victim.Get("/"), kSignedOut));
}

TEST_F(ConsentLoginAppTest, DecliningConsentShowsACancelledPageWithoutASession) {
  const std::string authorize = HeaderOf(browser_.Get("/login"), "Location");
  http::Response consent = browser_.Open(authorize);
  ASSERT_EQ(consent.result_int(), 200);
  http::Response declined = fixture_.SpotifyPostForm(
      "/authorize", authorize.substr(authorize.find('?') + 1) + "&user=demo-user&decision=deny");
  ASSERT_EQ(declined.result_int(), 302);
  const std::string callback = HeaderOf(declined, "Location");
  EXPECT_EQ(QueryOf(callback)["error"], "access_denied");

  http::Response page = browser_.Open(callback);
  EXPECT_EQ(page.result_int(), 403);
  ExpectPageHeaders(page);
  EXPECT_TRUE(Contains(page, "<h1>Login cancelled</h1>"));
  EXPECT_EQ(browser_.cookies.count("spotauth"), 0u);
  EXPECT_TRUE(Contains(browser_.Get("/"), kSignedOut));
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), 0u);
}

TEST_F(LoginAppTest, LogoutWithoutTheSessionsTokenIsForbidden) {
  SignIn();
  for (const char* body : {"", "token=", "token=wrong"}) {
    http::Response refused = browser_.PostForm("/logout", body);
    EXPECT_EQ(refused.result_int(), 403) << body;
    EXPECT_TRUE(Contains(refused, "<h1>Logout refused</h1>")) << body;
    EXPECT_TRUE(SetCookies(refused).empty()) << body;
  }
  EXPECT_TRUE(Contains(browser_.Get("/"), "demo-user"));
}

TEST_F(LoginAppTest, LogoutFromAnotherSiteIsForbiddenEvenWithTheToken) {
  const std::string token = InMemoryBrowser::LogoutToken(SignIn());
  http::Request request = AppRequest(fixture_, verb::post, "/logout");
  request.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
  request.set("Sec-Fetch-Site", "cross-site");
  request.body() = "token=" + token;
  EXPECT_EQ(browser_.Send(std::move(request)).result_int(), 403);
  EXPECT_TRUE(Contains(browser_.Get("/"), "demo-user"));
}

TEST_F(LoginAppTest, LogoutWithTheTokenEndsTheSession) {
  const std::string token = InMemoryBrowser::LogoutToken(SignIn());
  const std::string old_cookie = browser_.cookies["spotauth"];
  http::Response out = browser_.PostForm("/logout", "token=" + token);
  EXPECT_EQ(out.result_int(), 303);
  EXPECT_EQ(HeaderOf(out, "Location"), "/");
  EXPECT_EQ(SetCookies(out), std::vector<std::string>{std::string(kClearSessionCookie)});
  EXPECT_TRUE(browser_.cookies.empty());
  EXPECT_EQ(fixture_.app.now_playing_cache.Size(), 0u);  // the track shown at sign-in is gone
  // The server forgot the session: its old cookie is worth nothing.
  browser_.cookies["spotauth"] = old_cookie;
  http::Response page = browser_.Get("/");
  EXPECT_TRUE(Contains(page, kSignedOut));
  EXPECT_EQ(SetCookies(page), std::vector<std::string>{std::string(kClearSessionCookie)});
}

TEST_F(LoginAppTest, GetLogoutShowsAConfirmationFormWithTheSameToken) {
  const std::string token = InMemoryBrowser::LogoutToken(SignIn());
  http::Response page = browser_.Get("/logout");
  EXPECT_EQ(page.result_int(), 200);
  ExpectPageHeaders(page);
  EXPECT_TRUE(Contains(page, "<form method=\"post\" action=\"/logout\">"));
  EXPECT_EQ(InMemoryBrowser::LogoutToken(page), token);
  EXPECT_TRUE(Contains(browser_.Get("/"), "demo-user"));  // still signed in
}

TEST_F(LoginAppTest, AnotherHostIsRedirectedToThePublicOrigin) {
  http::Request request = AppRequest(fixture_, verb::get, "/login?x=1");
  request.set(beast_http::field::host, "localhost:5000");
  http::Response response = browser_.Send(std::move(request));
  EXPECT_EQ(response.result_int(), 308);
  EXPECT_EQ(HeaderOf(response, "Location"), "http://127.0.0.1:5000/login?x=1");
  EXPECT_TRUE(SetCookies(response).empty());
}

TEST_F(LoginAppTest, HealthAndReadinessAnswerOnAnyHost) {
  http::Request health = AppRequest(fixture_, verb::get, "/healthz");
  health.set(beast_http::field::host, "10.0.0.7:5000");
  http::Response ok = browser_.Send(std::move(health));
  EXPECT_EQ(ok.result_int(), 200);
  EXPECT_EQ(ok.body(), "ok\n");
  http::Response ready = browser_.Get("/readyz");
  EXPECT_EQ(ready.result_int(), 200);
  EXPECT_EQ(ready.body(), "ready\n");
}

TEST_F(LoginAppTest, UnknownPathIsNotFound) {
  http::Response page = browser_.Get("/nope");
  EXPECT_EQ(page.result_int(), 404);
  ExpectPageHeaders(page);
  EXPECT_TRUE(Contains(page, "<h1>Not found</h1>"));
}

TEST_F(LoginAppTest, WrongMethodIsNotAllowedAndSaysWhichAre) {
  http::Response post_home = Request(verb::post, "/");
  EXPECT_EQ(post_home.result_int(), 405);
  EXPECT_EQ(HeaderOf(post_home, "Allow"), "GET, HEAD");
  EXPECT_TRUE(Contains(post_home, "<h1>Method not allowed</h1>"));
  http::Response put_logout = Request(verb::put, "/logout");
  EXPECT_EQ(put_logout.result_int(), 405);
  EXPECT_EQ(HeaderOf(put_logout, "Allow"), "GET, HEAD, POST");
  EXPECT_EQ(HeaderOf(Request(verb::delete_, "/callback"), "Allow"), "GET, HEAD");
}

TEST_F(LoginAppTest, HeadAnswersAsGetWithoutABody) {
  const http::Response get = browser_.Get("/");
  const http::Response head = Request(verb::head, "/");
  EXPECT_EQ(head.result_int(), 200);
  // The connection writes Content-Length from this body, so it is GET's.
  EXPECT_EQ(head.body().size(), get.body().size());
  EXPECT_EQ(HeaderOf(head, "Content-Type"), HeaderOf(get, "Content-Type"));
  // The handler leaves dropping the body to the connection; a client receives none.
  spotauth::testing::InMemoryHttpClient client(app_);
  http::ClientRequest request{.method = verb::head, .url = "http://127.0.0.1:5000/"};
  auto received = fixture_.Run(client.Send(std::move(request)));
  ASSERT_TRUE(received) << received.error().message;
  EXPECT_EQ(received->status, 200u);
  EXPECT_TRUE(received->body.empty());
  EXPECT_EQ(received->headers[beast_http::field::content_length],
            std::to_string(get.body().size()));
}

TEST_F(LoginAppTest, ATokenNearExpiryIsRefreshedOnce) {
  SignIn();
  const auto before = fixture_.spotify.RequestCount("/api/token");
  fixture_.clock.Advance(3600s - 30s);  // under a minute left
  EXPECT_TRUE(Contains(browser_.Get("/"), "Windowlicker"));
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), before + 1);
  EXPECT_TRUE(Contains(browser_.Get("/"), "Windowlicker"));
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), before + 1);
}

TEST_F(LoginAppTest, ATokenWithMoreThanAMinuteLeftIsNotRefreshed) {
  SignIn();
  const auto before = fixture_.spotify.RequestCount("/api/token");
  fixture_.clock.Advance(3600s - 61s);
  EXPECT_TRUE(Contains(browser_.Get("/"), "Windowlicker"));
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), before);
}

TEST_F(LoginAppTest, ARevokedRefreshTokenEndsTheSession) {
  SignIn();
  ASSERT_EQ(fixture_.app.now_playing_cache.Size(), 1u);
  const std::string old_cookie = browser_.cookies["spotauth"];
  fixture_.spotify.RevokeRefreshTokens("demo-user");
  fixture_.clock.Advance(3600s);
  http::Response page = browser_.Get("/");
  EXPECT_EQ(page.result_int(), 200);
  EXPECT_EQ(fixture_.app.now_playing_cache.Size(), 0u);
  EXPECT_TRUE(Contains(page, "Your Spotify authorization has ended"));
  EXPECT_TRUE(Contains(page, kSignedOut));
  EXPECT_EQ(SetCookies(page), std::vector<std::string>{std::string(kClearSessionCookie)});
  // The session is gone from the store, not only from the browser.
  browser_.cookies["spotauth"] = old_cookie;
  EXPECT_FALSE(Contains(browser_.Get("/"), "authorization has ended"));
  EXPECT_EQ(fixture_.spotify.RequestCount("/api/token"), 2u);  // the login and one refresh
}

TEST_F(LoginAppTest, A429SeenByOneInstancePausesAnotherThatSharesTheStore) {
  // A second instance: its own AppContext (own pause and cache), the same store and secret.
  AppContext other_context{fixture_.config, fixture_.clock, fixture_.random, fixture_.store};
  LoginApp other{other_context, fixture_.NewSpotifyClient()};
  InMemoryBrowser on_other{fixture_, other};
  SignIn();
  on_other.cookies = browser_.cookies;
  const auto playing_calls = [&] {
    return fixture_.spotify.RequestCount("/v1/me/player/currently-playing");
  };
  fixture_.clock.Advance(10s);  // past both caches
  fixture_.spotify.AddFault("/v1/me/player/currently-playing",
                            {.kind = fake_spotify::FakeFaultKind::kStatus,
                             .status = 429,
                             .retry_after = std::chrono::seconds(30)});
  EXPECT_TRUE(Contains(browser_.Get("/"), "slow down"));  // this instance meets the 429
  const std::size_t calls = playing_calls();
  http::Response page = on_other.Get("/");
  EXPECT_TRUE(Contains(page, "demo-user"));
  EXPECT_TRUE(Contains(page, "slow down")) << page.body();
  EXPECT_EQ(playing_calls(), calls);  // the other instance did not ask Spotify
  fixture_.clock.Advance(31s);
  EXPECT_TRUE(Contains(on_other.Get("/"), "Windowlicker"));
  EXPECT_EQ(playing_calls(), calls + 1);
}

TEST_F(LoginAppTest, ATokenSpotifyRefusesKeepsThePageAndIsLoggedAsAWarning) {
  SignIn();
  fixture_.clock.Advance(10s);  // past the now-playing cache
  for (unsigned status : {401u, 403u}) {
    fixture_.spotify.AddFault("/v1/me/player/currently-playing",
                              {.kind = fake_spotify::FakeFaultKind::kStatus, .status = status});
    http::Response page = browser_.Get("/");
    EXPECT_EQ(page.result_int(), 200);
    EXPECT_TRUE(Contains(page, "demo-user"));
  }
  const std::string logs = fixture_.Logs();
  EXPECT_NE(logs.find("[warning] now playing: spotify refused the access token: unauthorized"),
            std::string::npos)
      << logs;
  EXPECT_NE(logs.find("refused the access token: forbidden"), std::string::npos) << logs;
}

TEST_F(LoginAppTest, AConnectionResetAtTheTokenEndpointIsABadGatewayPage) {
  fixture_.spotify.AddFault("/api/token", {.kind = fake_spotify::FakeFaultKind::kReset});
  http::Response page = browser_.LogIn();
  EXPECT_EQ(page.result_int(), 502);
  EXPECT_TRUE(Contains(page, "<h1>Spotify is unavailable</h1>"));
  EXPECT_EQ(browser_.cookies.count("spotauth"), 0u);
}

TEST_F(HttpsLoginAppTest, CookiesAreSecureAndHostPrefixed) {
  http::Response redirect = browser_.Get("/login");
  ASSERT_EQ(redirect.result_int(), 302);
  const auto login_cookie = SetCookies(redirect);
  ASSERT_EQ(login_cookie.size(), 1u);
  EXPECT_EQ(login_cookie[0], "__Host-spotauth_login=" + CookieValue(login_cookie[0]) +
                                 "; Path=/; HttpOnly; SameSite=Lax; Max-Age=600; Secure");
  http::Response done =
      browser_.Open(HeaderOf(browser_.Open(HeaderOf(redirect, "Location")), "Location"));
  EXPECT_EQ(done.result_int(), 303);
  const auto set_cookies = SetCookies(done);
  ASSERT_EQ(set_cookies.size(), 2u);
  EXPECT_EQ(set_cookies[0], "__Host-spotauth=" + CookieValue(set_cookies[0]) +
                                "; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000; Secure");
  EXPECT_EQ(set_cookies[1],
            "__Host-spotauth_login=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure");
  EXPECT_TRUE(Contains(browser_.Get("/"), "demo-user"));
}

}  // namespace
}  // namespace spotauth::server::testing
