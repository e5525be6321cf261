#include "server/login_app.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

#include "http/beast_http_client.h"
#include "http/form.h"
#include "server/cookies.h"
#include "server/pages.h"
#include "server/responses.h"

namespace spotauth::server {

using boost::asio::awaitable;
namespace urls = boost::urls;

namespace {

std::string_view Sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

bool IsGetOrHead(const http::Request& r) {
  return r.method() == beast_http::verb::get || r.method() == beast_http::verb::head;
}

http::Response MethodNotAllowed(const http::Request& request, std::string_view allow) {
  http::Response response = ProblemPage(request, Problem::kMethodNotAllowed);
  response.set(beast_http::field::allow, allow);
  return response;
}

// The callback's parameters; a repeated one makes the request ambiguous, so it is refused.
std::optional<CallbackParams> ReadCallbackParams(const urls::url_view& url) {
  auto query = http::ParseForm(url.encoded_query());
  if (!query) return std::nullopt;
  const auto get = [&query](std::string_view name) -> std::optional<std::string> {
    auto value = http::FindParam(*query, name);
    return value ? std::optional<std::string>(*value) : std::nullopt;
  };
  return CallbackParams{get("code"), get("state"), get("error")};
}

}  // namespace

Result<std::unique_ptr<LoginApp>> LoginApp::Create(AppContext& app,
                                                   boost::asio::any_io_executor executor,
                                                   std::shared_ptr<boost::asio::ssl::context> tls) {
  http::BeastHttpClient::Options options;
  options.timeout = app.config.upstream_timeout;
  options.allow_plain_http = app.config.allow_plain_http_upstream;
  options.ca_file = app.config.ca_file;
  if (!tls) {
    SPOTAUTH_TRY_ASSIGN(tls, http::MakeTlsClientContext(options.ca_file));
  }
  return std::make_unique<LoginApp>(
      app, http::BeastHttpClient::Create(std::move(executor), std::move(options), std::move(tls)));
}

LoginApp::LoginApp(AppContext& app, std::unique_ptr<http::HttpClient> client)
    : app_(app),
      client_(std::move(client)),
      accounts_(*client_, app.clock,
                spotify::Credentials{app.config.client_id, app.config.client_secret,
                                     app.config.redirect_uri},
                app.config.accounts_url),
      api_(*client_, app.config.api_url),
      sessions_(app_, accounts_, api_),
      now_playing_(api_, app.clock, app.now_playing_gate, app.now_playing_cache, app.store,
                   NowPlayingPolicy{app.config.now_playing_cache, app.config.max_retry_after}) {}

awaitable<http::Response> LoginApp::Handle(http::Request request) {
  // Handle must not throw; a bug here still becomes a page, not a dropped connection.
  try {
    http::Response response = co_await Route(request);
    // Browsers that once reached us over https never try plain http again (RFC 6797).
    if (app_.config.secure_cookies) {
      response.set(beast_http::field::strict_transport_security, "max-age=31536000");
    }
    co_return response;
  } catch (const std::exception& e) {
    spdlog::error("request failed with an exception: {}", typeid(e).name());
  }
  co_return ProblemPage(request, Problem::kStoreUnavailable);
}

awaitable<http::Response> LoginApp::Route(const http::Request& request) {
  auto parsed = urls::parse_origin_form(Sv(request.target()));
  if (!parsed) co_return ProblemPage(request, Problem::kBadRequest);
  const std::string_view path = Sv(parsed->encoded_path());

  if (path == "/healthz") {
    if (!IsGetOrHead(request)) co_return MethodNotAllowed(request, "GET, HEAD");
    co_return PlainText(request, 200, "ok\n");
  }
  if (path == "/readyz") {
    if (!IsGetOrHead(request)) co_return MethodNotAllowed(request, "GET, HEAD");
    co_return co_await Ready(request);
  }
  // Cookies live on the public host; anything else would lose them on the way back from
  // Spotify (e.g. localhost vs 127.0.0.1).
  // Host names are case-insensitive (RFC 9110 section 4.2.3); public_host is canonical.
  if (!boost::beast::iequals(request[beast_http::field::host], app_.config.public_host)) {
    co_return Redirect(request, 308, app_.config.public_origin + std::string(Sv(request.target())));
  }

  if (path == "/") {
    if (!IsGetOrHead(request)) co_return MethodNotAllowed(request, "GET, HEAD");
    co_return co_await Home(request);
  }
  if (path == "/login") {
    if (!IsGetOrHead(request)) co_return MethodNotAllowed(request, "GET, HEAD");
    co_return co_await Login(request);
  }
  if (path == app_.config.callback_path) {
    if (!IsGetOrHead(request)) co_return MethodNotAllowed(request, "GET, HEAD");
    co_return co_await Callback(request);
  }
  if (path == "/logout") {
    if (IsGetOrHead(request)) co_return co_await LogoutPage(request);
    if (request.method() == beast_http::verb::post) co_return co_await Logout(request);
    co_return MethodNotAllowed(request, "GET, HEAD, POST");
  }
  if (path == kStylesheetPath) {
    if (!IsGetOrHead(request)) co_return MethodNotAllowed(request, "GET, HEAD");
    http::Response response = PlainText(request, 200, Stylesheet());
    response.set(beast_http::field::content_type, "text/css; charset=utf-8");
    response.set(beast_http::field::cache_control, "public, max-age=3600");
    co_return response;
  }
  co_return ProblemPage(request, Problem::kNotFound);
}

awaitable<http::Response> LoginApp::Home(const http::Request& request) {
  const auto cookies = FindCookies(request, app_.cookies.session);
  auto session = co_await sessions_.Load(cookies);
  if (!session) {
    spdlog::error("home: store failed: {}", session.error().message);
    co_return ProblemPage(request, Problem::kStoreUnavailable);
  }
  if (!*session) {
    http::Response response = HtmlPage(request, 200, RenderSignedOut(""));
    if (!cookies.empty()) {
      response.set(beast_http::field::set_cookie,
                   ClearCookieValue(app_.cookies.session, app_.config.secure_cookies));
    }
    co_return response;
  }
  ActiveSession& active = **session;
  const Freshness freshness = co_await sessions_.EnsureFresh(active);
  if (freshness == Freshness::kEnded) {
    now_playing_.Forget(active.key);
    http::Response response = HtmlPage(
        request, 200,
        RenderSignedOut("Your Spotify authorization has ended (it expired or was revoked). "
                        "Please log in again."));
    response.set(beast_http::field::set_cookie,
                 ClearCookieValue(app_.cookies.session, app_.config.secure_cookies));
    co_return response;
  }
  SignedInView view{
      active.record.user_id, active.record.display_name, sessions_.LogoutToken(active), {}};
  if (freshness == Freshness::kFresh) {
    view.now_playing = co_await now_playing_.Get(active.key, active.token.access_token);
  } else {
    view.now_playing.kind = NowPlayingView::Kind::kUnavailable;
  }
  co_return HtmlPage(request, 200, RenderSignedIn(view));
}

awaitable<http::Response> LoginApp::Login(const http::Request& request) {
  auto session = co_await sessions_.Load(FindCookies(request, app_.cookies.session));
  if (session && *session) co_return Redirect(request, 303, "/");
  const LoginStart start = sessions_.StartLogin(FindCookies(request, app_.cookies.login));
  http::Response response = Redirect(request, 302, start.authorize_url);
  response.set(beast_http::field::set_cookie,
               SetCookieValue(app_.cookies.login, start.login_cookie,
                              {app_.config.secure_cookies, app_.config.login_ttl}));
  co_return response;
}

awaitable<http::Response> LoginApp::Callback(const http::Request& request) {
  auto url = urls::parse_origin_form(Sv(request.target()));
  auto params = ReadCallbackParams(*url);
  if (!params) co_return ProblemPage(request, Problem::kBadRequest);
  auto done = co_await sessions_.CompleteLogin(*params, FindCookies(request, app_.cookies.login));
  if (!done) co_return ProblemPage(request, done.error());

  // The browser's previous session, if any, ends with the new login.
  if (auto old = co_await sessions_.Load(FindCookies(request, app_.cookies.session)); old && *old) {
    (void)co_await EndSession(**old);
  }
  http::Response response = Redirect(request, 303, done->return_to);
  response.insert(beast_http::field::set_cookie,
                  SetCookieValue(app_.cookies.session, done->session_cookie,
                                 {app_.config.secure_cookies, app_.config.session_lifetime}));
  // Logins started in other tabs stay in the cookie until they finish or expire.
  response.insert(beast_http::field::set_cookie,
                  done->remaining_logins.empty()
                      ? ClearCookieValue(app_.cookies.login, app_.config.secure_cookies)
                      : SetCookieValue(app_.cookies.login, done->remaining_logins,
                                       {app_.config.secure_cookies, app_.config.login_ttl}));
  co_return response;
}

awaitable<http::Response> LoginApp::LogoutPage(const http::Request& request) {
  auto session = co_await sessions_.Load(FindCookies(request, app_.cookies.session));
  if (!session) co_return ProblemPage(request, Problem::kStoreUnavailable);
  if (!*session) co_return Redirect(request, 303, "/");
  co_return HtmlPage(request, 200, RenderLogoutConfirm(sessions_.LogoutToken(**session)));
}

awaitable<http::Response> LoginApp::Logout(const http::Request& request) {
  // Every check passes before anything changes. Cross-site requests are refused first
  // (SameSite=Lax already keeps the cookie off cross-site POSTs and the per-session token is the
  // real check; this is a third lock). Our pages send Referrer-Policy: same-origin, under which
  // same-origin forms carry their real Origin, so "null" (a sandboxed or opaque origin) is
  // refused like any other foreign origin.
  const std::string_view origin = Sv(request[beast_http::field::origin]);
  const std::string_view fetch_site = Sv(request["Sec-Fetch-Site"]);
  const bool cross_site = (!fetch_site.empty() && fetch_site != "same-origin") ||
                          (!origin.empty() && origin != app_.config.public_origin);
  if (cross_site) co_return ProblemPage(request, Problem::kLogoutForbidden);
  auto session = co_await sessions_.Load(FindCookies(request, app_.cookies.session));
  if (!session) co_return ProblemPage(request, Problem::kStoreUnavailable);
  if (!*session) co_return Redirect(request, 303, "/");  // nothing to end, nothing changed
  http::Response response = Redirect(request, 303, "/");
  response.set(beast_http::field::set_cookie,
               ClearCookieValue(app_.cookies.session, app_.config.secure_cookies));

  auto form = http::ParseForm(request.body());
  if (!form) co_return ProblemPage(request, Problem::kBadRequest);
  const auto token = http::FindParam(*form, "token");
  if (!token || !sessions_.CheckLogoutToken(**session, *token)) {
    co_return ProblemPage(request, Problem::kLogoutForbidden);
  }
  if (auto done = co_await EndSession(**session); !done) {
    co_return ProblemPage(request, Problem::kStoreUnavailable);
  }
  co_return response;
}

awaitable<Result<void>> LoginApp::EndSession(const ActiveSession& session) {
  now_playing_.Forget(session.key);
  co_return co_await sessions_.Logout(session);
}

awaitable<http::Response> LoginApp::Ready(const http::Request& request) {
  auto ping = co_await app_.store.Ping();
  if (!ping) {
    spdlog::warn("readyz: store not ready: {}", ping.error().message);
    co_return PlainText(request, 503, "store unavailable\n");
  }
  co_return PlainText(request, 200, "ready\n");
}

}  // namespace spotauth::server
