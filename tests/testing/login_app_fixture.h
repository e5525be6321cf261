// Handler-level set-up for the login app: a whole sign-in deployment in one process, without
// sockets. The app's HttpClient is an InMemoryHttpClient that calls the stand-in Spotify's
// handler directly; the store is a MemorySessionStore; time is a ManualClock and randomness a
// SequenceRandom, so runs are repeatable. Tests drive handlers with http::Request values on
// the fixture's io_context (RunAwaitable).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "http/client.h"
#include "http/message.h"
#include "http/request_handler.h"
#include "server/app_context.h"
#include "server/config.h"
#include "store/memory_session_store.h"
#include "testing/run_awaitable.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace spotauth::server::testing {

struct LoginAppFixtureOptions {
  bool pkce = false;         // no client secret: a PKCE public client
  bool auto_approve = true;  // the stand-in approves /authorize at once as "demo-user"
  Settings extra;            // more settings, e.g. an https SPOTIFY_REDIRECT_URI
};

// Everything the app's handlers share, built as cli/ would build it. The config comes from
// BuildConfig with the stand-in's origin, kSpotifyOrigin, as SPOTAUTH_ACCOUNTS_URL and
// SPOTAUTH_API_URL: a loopback http origin that nothing listens on, since no request leaves
// the process. The stand-in has the demo client, with config.redirect_uri registered, and the
// demo users ("demo-user" plays "Windowlicker"). The server's log goes to Logs() while the
// fixture lives.
//
// SequenceRandom repeats itself every 256 bytes, so values drawn far apart can be equal: keep
// a test to a few logins. The app and the stand-in draw from different sequences.
class LoginAppFixture {
 public:
  explicit LoginAppFixture(LoginAppFixtureOptions options = {});
  ~LoginAppFixture();
  LoginAppFixture(const LoginAppFixture&) = delete;
  LoginAppFixture& operator=(const LoginAppFixture&) = delete;

  static constexpr const char* kClientId = "spotauth-test";
  static constexpr const char* kClientSecret = "test-client-secret-0123456789";
  static constexpr const char* kSpotifyOrigin = "http://127.0.0.1:9";

  // An HttpClient for the app: every request goes to the stand-in's handler.
  std::unique_ptr<http::HttpClient> NewSpotifyClient();
  // One GET of an absolute URL on the stand-in (e.g. an authorize URL).
  http::Response SpotifyGet(std::string_view url);
  // A form POST to a path of the stand-in (e.g. the consent page's decision).
  http::Response SpotifyPostForm(std::string_view path, std::string body);

  template <class T>
  T Run(boost::asio::awaitable<T> task) {
    return spotauth::testing::RunAwaitable(io, std::move(task));
  }

  std::string Logs() const { return log_->str(); }

  // Declared in construction order.
  ManualClock clock;
  SequenceRandom random{0};            // the app's
  SequenceRandom spotify_random{128};  // the stand-in's
  const Config config;
  fake_spotify::FakeSpotifyState spotify{clock, spotify_random};
  fake_spotify::FakeSpotifyHandler spotify_handler{spotify};
  store::MemorySessionStore store{clock};
  AppContext app{config, clock, random, store};
  boost::asio::io_context io;

 private:
  std::shared_ptr<std::ostringstream> log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

// A request value as a browser on the public origin sends it (Host is config.public_host).
http::Request AppRequest(const LoginAppFixture& fixture, beast_http::verb method,
                         std::string_view target);

// A browser in memory: keeps the app's cookies and sends requests to `app` (a LoginApp) and to
// the stand-in, both on the fixture's loop. Cookies are one jar for the public origin.
class InMemoryBrowser {
 public:
  InMemoryBrowser(LoginAppFixture& fixture, http::RequestHandler& app)
      : fixture_(fixture), app_(app) {}

  // Sends `request` to the app with the jar's cookies added; applies its Set-Cookie headers.
  http::Response Send(http::Request request);
  http::Response Get(std::string_view target) {
    return Send(AppRequest(fixture_, beast_http::verb::get, target));
  }
  // A same-origin form POST (Content-Type form-urlencoded, Sec-Fetch-Site: same-origin).
  http::Response PostForm(std::string_view target, std::string body);
  // GET of an absolute URL: on the public origin it goes to the app, else to the stand-in.
  http::Response Open(std::string_view url);

  // GET /login, the stand-in's /authorize (auto-approve), and the callback; returns the
  // callback's answer.
  http::Response LogIn();
  // The hidden logout token of a signed-in or logout page; empty when there is none.
  static std::string LogoutToken(const http::Response& page);

  std::map<std::string, std::string, std::less<>> cookies;

 private:
  LoginAppFixture& fixture_;
  http::RequestHandler& app_;
};

// The value of a response header, "" when absent.
std::string HeaderOf(const http::Response& response, std::string_view name);
// Every Set-Cookie value, in order.
std::vector<std::string> SetCookies(const http::Response& response);
bool Contains(const http::Response& response, std::string_view text);

}  // namespace spotauth::server::testing
