// Integration: full logins against the stand-in Spotify through the real server stack.
#include <gtest/gtest.h>

#include <boost/url/parse.hpp>
#include <thread>

#include "testing/login_harness.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;

std::string QueryParam(const std::string& url, std::string_view key) {
  auto parsed = boost::urls::parse_uri(url).value();
  auto it = parsed.params().find(key);
  return it == parsed.params().end() ? std::string() : std::string((*it).value);
}

TEST(LoginFlow, SignedOutPageOffersLogin) {
  LoginHarness harness;
  TestBrowser browser;
  Page page = browser.Get(harness.Origin() + "/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.Contains("id=\"login\""));
  EXPECT_EQ(page.Header("Cache-Control"), "no-store");
  EXPECT_NE(page.Header("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page.Header("Referrer-Policy"), "same-origin");
}

TEST(LoginFlow, FullLoginShowsUserIdAndTrack) {
  LoginHarness harness;
  TestBrowser browser;
  Page page = LogIn(harness, browser);
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.url, harness.Origin() + "/");
  EXPECT_TRUE(page.Contains("Demo User"));
  EXPECT_TRUE(page.Contains("<code id=\"user-id\">demo-user</code>"));
  EXPECT_TRUE(page.Contains("Windowlicker"));
  EXPECT_TRUE(page.Contains("Aphex Twin"));
  // The login cookie is gone, the session cookie stays; nothing but them.
  auto& cookies = browser.Cookies(harness.Origin());
  EXPECT_EQ(cookies.count("spotauth_login"), 0u);
  EXPECT_EQ(cookies.count("spotauth"), 1u);
}

TEST(LoginFlow, PkceLoginSendsAChallengeAndWorks) {
  LoginHarness harness({.pkce = true});
  TestBrowser browser;
  Page redirect = browser.Get(harness.Origin() + "/login");
  ASSERT_EQ(redirect.status, 302u);
  const std::string location = redirect.Header("Location");
  EXPECT_EQ(QueryParam(location, "code_challenge_method"), "S256");
  EXPECT_EQ(QueryParam(location, "code_challenge").size(), 43u);
  Page page = browser.Navigate(location);
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.Contains("demo-user"));
}

TEST(LoginFlow, SessionCookieIsHttpOnlyLaxAndSigned) {
  LoginHarness harness;
  TestBrowser browser;
  Page login = browser.Get(harness.Origin() + "/login");
  const std::string login_cookie = login.Header("Set-Cookie");
  EXPECT_NE(login_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(login_cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(login_cookie.find("Path=/"), std::string::npos);
  Page back = browser.Get(browser.Navigate(login.Header("Location")).url);
  EXPECT_EQ(back.status, 200u);
}

TEST(LoginFlow, TwoUsersSeeTheirOwnPages) {
  LoginHarness harness;
  TestBrowser alice, bob;
  Page a = LogIn(harness, alice);
  harness.spotify().SetAutoApprove(true, "second-user");
  Page b = LogIn(harness, bob);
  EXPECT_TRUE(a.Contains("demo-user"));
  EXPECT_TRUE(b.Contains("second-user"));
  EXPECT_FALSE(b.Contains("demo-user"));
  EXPECT_TRUE(alice.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(LoginFlow, FiftyParallelLoginsAllSucceed) {
  LoginHarness harness({.extra = {{"SPOTAUTH_MAX_SESSIONS_PER_USER", "100"}}});
  std::vector<std::thread> threads;
  std::atomic<int> signed_in{0};
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      TestBrowser browser;
      Page page = LogIn(harness, browser);
      if (page.status == 200 && page.Contains("demo-user")) ++signed_in;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(signed_in.load(), 50);
}

TEST(LoginFlow, DecliningAtSpotifyGivesAClearPageAndNoSession) {
  LoginHarness harness({.auto_approve = false});
  TestBrowser browser;
  Page redirect = browser.Get(harness.Origin() + "/login");
  const std::string authorize = redirect.Header("Location");
  Page consent = browser.Get(authorize);
  ASSERT_EQ(consent.status, 200u);
  const std::string query = authorize.substr(authorize.find('?') + 1);
  Page declined = browser.SubmitForm(harness.SpotifyOrigin(), "/authorize",
                                     query + "&user=demo-user&decision=deny");
  ASSERT_EQ(declined.status, 302u);
  EXPECT_EQ(QueryParam(declined.Header("Location"), "error"), "access_denied");
  Page page = browser.Navigate(declined.Header("Location"));
  EXPECT_EQ(page.status, 403u);
  EXPECT_TRUE(page.Contains("Login cancelled"));
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(LoginFlow, CallbackWithoutStateIs400) {
  LoginHarness harness;
  TestBrowser browser;
  Page page = browser.Get(harness.Origin() + "/callback?code=abc");
  EXPECT_EQ(page.status, 400u);
  EXPECT_TRUE(page.Contains("state"));
}

TEST(LoginFlow, ForgedStateIs400) {
  LoginHarness harness;
  TestBrowser browser;
  browser.Get(harness.Origin() + "/login");  // a real login cookie, but not this state
  Page page = browser.Get(harness.Origin() + "/callback?code=abc&state=forged-state-value");
  EXPECT_EQ(page.status, 400u);
  EXPECT_TRUE(page.Contains("Login expired"));
}

TEST(LoginFlow, ReplayedCallbackIs400) {
  LoginHarness harness;
  TestBrowser browser;
  Page redirect = browser.Get(harness.Origin() + "/login");
  Page spotify = browser.Get(redirect.Header("Location"));
  const std::string callback = spotify.Header("Location");
  EXPECT_EQ(browser.Get(callback).status, 303u);
  Page replay = browser.Get(callback);
  EXPECT_EQ(replay.status, 400u);
}

TEST(LoginFlow, ACallbackReplayedWithAKeptLoginCookieIs400) {
  LoginHarness harness;
  TestBrowser browser;
  Page redirect = browser.Get(harness.Origin() + "/login");
  const auto kept = browser.Cookies(harness.Origin());  // a copy of the sealed login cookie
  Page spotify = browser.Get(redirect.Header("Location"));
  const std::string callback = spotify.Header("Location");
  EXPECT_EQ(browser.Get(callback).status, 303u);
  TestBrowser replayer;
  replayer.Cookies(harness.Origin()) = kept;
  Page replay = replayer.Get(callback);
  EXPECT_EQ(replay.status, 400u);
  EXPECT_TRUE(replayer.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(LoginFlow, ALoginLoopEndsTheUsersOldestSessions) {
  LoginHarness harness({.extra = {{"SPOTAUTH_MAX_SESSIONS_PER_USER", "2"}}});
  TestBrowser first, second, third;
  LogIn(harness, first);
  harness.clock.Advance(1s);
  LogIn(harness, second);
  harness.clock.Advance(1s);
  LogIn(harness, third);
  EXPECT_TRUE(first.Get(harness.Origin() + "/").Contains("not signed in"));
  EXPECT_TRUE(second.Get(harness.Origin() + "/").Contains("demo-user"));
  EXPECT_TRUE(third.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(LoginFlow, TwoTabsThatStartALoginBothFinish) {
  LoginHarness harness;
  TestBrowser browser;
  Page first = browser.Get(harness.Origin() + "/login");
  Page second = browser.Get(harness.Origin() + "/login");
  const std::string first_callback = browser.Get(first.Header("Location")).Header("Location");
  const std::string second_callback = browser.Get(second.Header("Location")).Header("Location");
  EXPECT_EQ(browser.Get(second_callback).status, 303u);
  EXPECT_EQ(browser.Get(first_callback).status, 303u);
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(LoginFlow, ALeakedCodeCannotBeRedeemedThroughAnotherLogin) {
  // A confidential client uses PKCE too (RFC 9700 section 2.1.1): the victim's code is bound
  // to the victim's verifier, which only the victim's login cookie holds.
  LoginHarness harness;
  TestBrowser victim, attacker;
  Page victim_redirect = victim.Get(harness.Origin() + "/login");
  EXPECT_NE(victim_redirect.Header("Location").find("code_challenge="), std::string::npos);
  const auto leaked =
      boost::urls::parse_uri(victim.Get(victim_redirect.Header("Location")).Header("Location"));
  ASSERT_TRUE(leaked);
  const std::string code = (*leaked->params().find("code")).value;
  const auto own =
      boost::urls::parse_uri(attacker.Get(harness.Origin() + "/login").Header("Location"));
  ASSERT_TRUE(own);
  const std::string state = (*own->params().find("state")).value;
  Page injected = attacker.Get(harness.Origin() + "/callback?code=" + code + "&state=" + state);
  EXPECT_EQ(injected.status, 400u);
  EXPECT_TRUE(attacker.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(LoginFlow, PkceCanBeTurnedOffForAConfidentialClient) {
  LoginHarness harness({.extra = {{"SPOTAUTH_PKCE", "0"}}});
  TestBrowser browser;
  Page redirect = browser.Get(harness.Origin() + "/login");
  EXPECT_EQ(redirect.Header("Location").find("code_challenge="), std::string::npos);
  EXPECT_TRUE(browser.Navigate(redirect.Header("Location")).Contains("demo-user"));
}

TEST(LoginFlow, StateFromAnotherBrowserIsRefused) {
  LoginHarness harness;
  TestBrowser attacker, victim;
  Page redirect = attacker.Get(harness.Origin() + "/login");
  Page spotify = attacker.Get(redirect.Header("Location"));
  // The victim is made to open the attacker's callback (login CSRF).
  Page page = victim.Get(spotify.Header("Location"));
  EXPECT_EQ(page.status, 400u);
  EXPECT_TRUE(page.Contains("another browser"));
  EXPECT_TRUE(victim.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(LoginFlow, ExpiredStateIsRefused) {
  LoginHarness harness;
  TestBrowser browser;
  Page redirect = browser.Get(harness.Origin() + "/login");
  Page spotify = browser.Get(redirect.Header("Location"));
  harness.clock.Advance(11min);
  EXPECT_EQ(browser.Get(spotify.Header("Location")).status, 400u);
}

TEST(LoginFlow, InvalidGrantAtTokenEndpointIs400) {
  LoginHarness harness;
  TestBrowser browser;
  Page redirect = browser.Get(harness.Origin() + "/login");
  Page spotify = browser.Get(redirect.Header("Location"));
  const std::string callback = spotify.Header("Location");
  // Swap in a code Spotify never issued, keeping the valid state.
  const std::string forged =
      harness.Origin() + "/callback?code=not-a-real-code&state=" + QueryParam(callback, "state");
  Page page = browser.Get(forged);
  EXPECT_EQ(page.status, 400u);
  EXPECT_TRUE(page.Contains("did not accept"));
}

TEST(LoginFlow, TokenEndpoint503Gives502) {
  LoginHarness harness;
  harness.spotify().AddFault("/api/token",
                             {.kind = fake_spotify::FakeFaultKind::kStatus, .status = 503});
  TestBrowser browser;
  Page page = LogIn(harness, browser);
  EXPECT_EQ(page.status, 502u);
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(LoginFlow, SlowTokenEndpointGives504WithinTheDeadline) {
  LoginHarness harness({.extra = {{"SPOTAUTH_SPOTIFY_TIMEOUT_MS", "300"}}});
  harness.spotify().AddFault("/api/token",
                             {.kind = fake_spotify::FakeFaultKind::kDelay, .delay = 2000ms});
  TestBrowser browser;
  const auto start = std::chrono::steady_clock::now();
  Page page = LogIn(harness, browser);
  EXPECT_EQ(page.status, 504u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1900ms);
}

TEST(LoginFlow, TamperedSessionCookieIsSignedOut) {
  LoginHarness harness;
  TestBrowser browser;
  LogIn(harness, browser);
  const std::string original = browser.Cookies(harness.Origin())["spotauth"];
  for (std::size_t i : {std::size_t{0}, original.size() / 2, original.size() - 1}) {
    std::string tampered = original;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    browser.Cookies(harness.Origin())["spotauth"] = tampered;
    Page page = browser.Get(harness.Origin() + "/");
    EXPECT_EQ(page.status, 200u);
    EXPECT_TRUE(page.Contains("not signed in")) << "byte " << i;
    // The server clears a cookie it cannot verify.
    EXPECT_EQ(browser.Cookies(harness.Origin()).count("spotauth"), 0u);
  }
  browser.Cookies(harness.Origin())["spotauth"] = original;
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(LoginFlow, LoginReplacesAPlantedSessionCookie) {
  LoginHarness harness;
  TestBrowser attacker, victim;
  LogIn(harness, attacker);
  const std::string planted = attacker.Cookies(harness.Origin())["spotauth"];
  // The victim starts a login; before it completes, the attacker's cookie is planted
  // (session fixation).
  Page redirect = victim.Get(harness.Origin() + "/login");
  Page spotify = victim.Get(redirect.Header("Location"));
  victim.Cookies(harness.Origin())["spotauth"] = planted;
  Page done = victim.Get(spotify.Header("Location"));
  ASSERT_EQ(done.status, 303u);
  const std::string issued = victim.Cookies(harness.Origin())["spotauth"];
  EXPECT_NE(issued, planted);
  // The planted session ended with the new login; the new one works.
  EXPECT_TRUE(attacker.Get(harness.Origin() + "/").Contains("not signed in"));
  EXPECT_TRUE(victim.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(LoginFlow, LogoutEndsTheSessionAndTheOldCookieIsDead) {
  LoginHarness harness;
  TestBrowser browser;
  Page page = LogIn(harness, browser);
  const std::string old_cookie = browser.Cookies(harness.Origin())["spotauth"];
  Page out =
      browser.SubmitForm(harness.Origin(), "/logout", "token=" + TestBrowser::LogoutToken(page));
  EXPECT_EQ(out.status, 303u);
  EXPECT_EQ(browser.Cookies(harness.Origin()).count("spotauth"), 0u);
  // Replaying the old cookie finds no session on the server.
  browser.Cookies(harness.Origin())["spotauth"] = old_cookie;
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("not signed in"));
}

TEST(LoginFlow, LogoutWithOriginNullIsRefusedAndChangesNothing) {
  // Our pages send Referrer-Policy: same-origin, so a real same-origin form carries its
  // Origin; "null" comes from sandboxed frames and data: URLs, which may be anyone's.
  LoginHarness harness;
  TestBrowser browser;
  Page page = LogIn(harness, browser);
  EXPECT_EQ(page.Header("Referrer-Policy"), "same-origin");
  Page out =
      browser.Request(beast_http::verb::post, harness.Origin() + "/logout",
                      "token=" + TestBrowser::LogoutToken(page),
                      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "null"}});
  EXPECT_EQ(out.status, 403u);
  EXPECT_EQ(out.Header("Set-Cookie"), "");
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(LoginFlow, ACrossSiteLogoutWithoutTheSessionCookieChangesNothing) {
  LoginHarness harness;
  TestBrowser stranger;
  Page out = stranger.Request(
      beast_http::verb::post, harness.Origin() + "/logout", "token=x",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(out.status, 403u);
  EXPECT_EQ(out.Header("Set-Cookie"), "");
  Page bare = stranger.Request(beast_http::verb::post, harness.Origin() + "/logout", "token=x",
                               {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(bare.status, 303u);
  EXPECT_EQ(bare.Header("Set-Cookie"), "");
}

TEST(LoginFlow, LogoutFromAnotherSiteIsRefused) {
  LoginHarness harness;
  TestBrowser browser;
  Page page = LogIn(harness, browser);
  const std::string token = TestBrowser::LogoutToken(page);
  Page cross = browser.Request(
      beast_http::verb::post, harness.Origin() + "/logout", "token=" + token,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(cross.status, 403u);
  Page cross_fetch = browser.Request(
      beast_http::verb::post, harness.Origin() + "/logout", "token=" + token,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Sec-Fetch-Site", "cross-site"}});
  EXPECT_EQ(cross_fetch.status, 403u);
  Page no_token = browser.SubmitForm(harness.Origin(), "/logout", "token=wrong");
  EXPECT_EQ(no_token.status, 403u);
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("demo-user"));
}

TEST(LoginFlow, GetLogoutShowsAConfirmationForm) {
  LoginHarness harness;
  TestBrowser browser;
  LogIn(harness, browser);
  Page page = browser.Get(harness.Origin() + "/logout");
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.Contains("method=\"post\""));
  EXPECT_TRUE(browser.Get(harness.Origin() + "/").Contains("demo-user"));  // still signed in
}

TEST(LoginFlow, OtherHostNamesAreSentToThePublicOrigin) {
  LoginHarness harness;
  const std::string response =
      RawExchange(harness.Port(),
                  "GET /login?x=1 HTTP/1.1\r\nHost: localhost:" + std::to_string(harness.Port()) +
                      "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 308", 0), 0u) << response;
  EXPECT_NE(response.find("Location: " + harness.Origin() + "/login?x=1\r\n"), std::string::npos);
}

TEST(LoginFlow, HealthReadinessNotFoundMethodAndHead) {
  LoginHarness harness;
  TestBrowser browser;
  EXPECT_EQ(browser.Get(harness.Origin() + "/healthz").status, 200u);
  EXPECT_EQ(browser.Get(harness.Origin() + "/readyz").status, 200u);
  EXPECT_EQ(browser.Get(harness.Origin() + "/nope").status, 404u);
  Page post = browser.Request(beast_http::verb::post, harness.Origin() + "/", "x");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.Header("Allow"), "GET, HEAD");
  Page head = browser.Request(beast_http::verb::head, harness.Origin() + "/");
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_NE(head.Header("Content-Length"), "0");
}

}  // namespace
}  // namespace spotauth::server::testing
