#include "server/login_app.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
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

constexpr const char* kHsts = "max-age=31536000";

// Shown when the token could not be refreshed (Spotify failed; the session goes on).
std::shared_ptr<const NowPlayingView> Unavailable() {
  static const auto view = [] {
    NowPlayingView unavailable;
    unavailable.kind = NowPlayingView::Kind::kUnavailable;
    return std::make_shared<const NowPlayingView>(std::move(unavailable));
  }();
  return view;
}

// An answer that is ready now, for a caller that expects one to await.
awaitable<http::Response> Answered(http::Response response) { co_return response; }

bool IsGetOrHead(const http::Request& r) {
  return r.method() == beast_http::verb::get || r.method() == beast_http::verb::head;
}

http::Response MethodNotAllowed(const http::Request& request, std::string_view allow,
                                std::string_view base) {
  http::Response response = ProblemPage(request, Problem::kMethodNotAllowed, base);
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
  options.timeout = app.config.spotify_timeout;
  options.allow_plain_http = app.config.allow_plain_http_upstream;
  options.ca_file = app.config.ca_file;
  options.proxy = app.config.https_proxy;
  if (!tls) {
    SPOTAUTH_TRY_ASSIGN(tls, http::MakeTlsClientContext(options.ca_file));
  }
  std::unique_ptr<http::ReverseProxy> proxy;
  if (app.config.Gateway()) {
    http::ReverseProxyOptions proxy_options;
    proxy_options.origin = app.config.upstream;
    proxy_options.response_timeout = app.config.app_timeout;
    proxy_options.proxy = app.config.https_proxy;
    if (app.config.secure_cookies) {
      proxy_options.response_fields.emplace_back("Strict-Transport-Security", kHsts);
    }
    SPOTAUTH_TRY_ASSIGN(proxy, http::ReverseProxy::Create(executor, std::move(proxy_options), tls));
  }
  return std::make_unique<LoginApp>(
      app, http::BeastHttpClient::Create(std::move(executor), std::move(options), std::move(tls)),
      std::move(proxy));
}

LoginApp::LoginApp(AppContext& app, std::unique_ptr<http::HttpClient> client,
                   std::unique_ptr<http::ReverseProxy> proxy)
    : app_(app),
      client_(std::move(client)),
      spotify_client_(*client_, app.metrics.spotify),
      proxy_(std::move(proxy)),
      routes_(app.config.base_path, app.config.callback_path, proxy_ != nullptr),
      accounts_(spotify_client_, app.clock,
                spotify::Credentials{app.config.client_id, app.config.client_secret,
                                     app.config.redirect_uri},
                app.config.accounts_url),
      api_(spotify_client_, app.config.api_url),
      sessions_(app_, accounts_, api_),
      now_playing_(api_, app.clock, app.now_playing_gate, app.now_playing_cache, app.store,
                   NowPlayingPolicy{app.config.now_playing_cache, app.config.max_retry_after},
                   app.metrics.rate_limit_pauses) {}

LoginApp::~LoginApp() = default;

http::Response LoginApp::Finish(http::Response response) const {
  // Browsers that once reached us over https never try plain http again (RFC 6797).
  if (app_.config.secure_cookies) {
    response.set(beast_http::field::strict_transport_security, kHsts);
  }
  return response;
}

awaitable<http::Response> LoginApp::Handle(http::Request request) {
  // Handle must not throw; a bug here still becomes a page, not a dropped connection.
  try {
    co_return Finish(co_await Route(request));
  } catch (const std::exception& e) {
    spdlog::error("request failed with an exception: {}", typeid(e).name());
  }
  co_return Finish(ProblemAnswer(request, Problem::kStoreUnavailable));
}

// Only a label: the path is classified as Route will, but the target is not validated (Route
// parses it and answers 400 if it is no origin form; a second parse here was 3 % of a page's
// instructions). A target with no leading '/' is no origin form and counts as "other".
std::size_t LoginApp::RouteOf(const http::RequestHead& head) const {
  const std::string_view target = Sv(head.target());
  if (!target.starts_with('/')) return static_cast<std::size_t>(RouteId::kOther);
  return static_cast<std::size_t>(routes_.Classify(target.substr(0, target.find('?'))));
}

awaitable<http::HeadVerdict> LoginApp::Intercept(http::RequestHead& head,
                                                 const http::RequestContext& context) {
  try {
    auto parsed = urls::parse_origin_form(Sv(head.target()));
    if (!parsed) co_return Finish(ProblemAnswer(head, Problem::kBadRequest));
    const std::string_view path = Sv(parsed->encoded_path());
    if (path.starts_with(routes_.prefix) || path == app_.config.callback_path) {
      co_return http::ReadBodyThenHandle{};
    }
    if (!boost::beast::iequals(head[beast_http::field::host], app_.config.public_host)) {
      co_return Finish(
          Redirect(head, 308, app_.config.public_origin + std::string(Sv(head.target()))));
    }
    const ForwardedFacts facts{context.client_address,
                               app_.config.secure_cookies ? "https" : "http",
                               app_.config.public_host, context.request_id};
    if (IsPublicPath(path, app_.config.public_paths)) {
      PrepareForApp(head, app_.cookies, facts, nullptr);
      co_return http::PassOn{proxy_.get()};
    }
    auto lookup = co_await LookUp(head, app_.config.pass_access_token);
    if (!lookup) {
      spdlog::error("gateway: store failed: {}", lookup.error().message);
      co_return Finish(ProblemAnswer(head, Problem::kStoreUnavailable));
    }
    if (lookup->identity) {
      PrepareForApp(head, app_.cookies, facts, &*lookup->identity);
      co_return http::PassOn{proxy_.get()};
    }
    http::Response response =
        IsBrowserNavigation(head)
            ? Redirect(head, 302, LoginUrlReturningTo(app_.config.base_path, Sv(head.target())))
            : PlainText(head, 401, "");
    if (lookup->ended) {
      response.set(beast_http::field::set_cookie,
                   ClearCookieValue(app_.cookies.session, app_.config.secure_cookies));
    }
    co_return Finish(std::move(response));
  } catch (const std::exception& e) {
    spdlog::error("gateway: request failed with an exception: {}", typeid(e).name());
  }
  co_return Finish(ProblemAnswer(head, Problem::kStoreUnavailable));
}

http::Response LoginApp::PassOnFailed(const Error& error) {
  http::RequestHead head;
  return Finish(ProblemAnswer(
      head, error.code == ErrorCode::kTimeout ? Problem::kAppTimeout : Problem::kAppUnavailable));
}

awaitable<Result<LoginApp::Lookup>> LoginApp::LookUp(const http::RequestHead& head,
                                                     bool with_access_token) {
  const auto cookies = FindCookies(head, app_.cookies.session);
  if (cookies.empty()) co_return Lookup{};
  SPOTAUTH_CO_TRY_ASSIGN(auto session, co_await sessions_.Load(cookies));
  if (!session) co_return Lookup{.identity = std::nullopt, .ended = true};
  Identity identity{session->record.user_id, session->record.display_name, std::nullopt};
  if (with_access_token) {
    Freshness freshness = Freshness::kFresh;
    if (sessions_.NeedsRefresh(*session)) freshness = co_await sessions_.EnsureFresh(*session);
    switch (freshness) {
      case Freshness::kEnded:
        now_playing_.Forget(session->key());
        co_return Lookup{.identity = std::nullopt, .ended = true};
      case Freshness::kFresh:
        identity.access_token = session->token->access_token;
        break;
      case Freshness::kFailed:  // Spotify is away: the identity holds, the token is left out
        break;
    }
  }
  co_return Lookup{std::move(identity), false};
}

awaitable<http::Response> LoginApp::Auth(const http::Request& request) {
  auto lookup = co_await LookUp(request, app_.config.pass_access_token);
  if (!lookup) {
    spdlog::error("auth: store failed: {}", lookup.error().message);
    co_return ProblemAnswer(request, Problem::kStoreUnavailable);
  }
  if (!lookup->identity) co_return PlainText(request, 401, "");
  http::Response response = PlainText(request, 202, "");
  SetIdentityFields(response, *lookup->identity);
  co_return response;
}

awaitable<http::Response> LoginApp::UserInfo(const http::Request& request) {
  auto lookup = co_await LookUp(request, false);
  if (!lookup) {
    spdlog::error("userinfo: store failed: {}", lookup.error().message);
    co_return ProblemAnswer(request, Problem::kStoreUnavailable);
  }
  if (!lookup->identity) co_return PlainText(request, 401, "");
  boost::json::object body;
  body["id"] = lookup->identity->user_id;
  body["display_name"] = lookup->identity->display_name;
  http::Response response = PlainText(request, 200, boost::json::serialize(body));
  response.set(beast_http::field::content_type, "application/json");
  co_return response;
}

// Not a coroutine: it picks the handler and hands back that handler's awaitable, so a page
// does not pay for a frame of its own here (frames above 1 KB are not recycled by Asio).
// What it returns may refer to `request` only, which the caller keeps until it is answered.
awaitable<http::Response> LoginApp::Route(const http::Request& request) {
  auto parsed = urls::parse_origin_form(Sv(request.target()));
  if (!parsed) return Answered(ProblemAnswer(request, Problem::kBadRequest));
  const RouteId route = routes_.Classify(Sv(parsed->encoded_path()));
  const auto get_only = [&] {
    return Answered(MethodNotAllowed(request, "GET, HEAD", app_.config.base_path));
  };

  // Answered on any Host: probes, and nginx's auth_request subrequest, which carries whatever
  // Host nginx was told to send.
  switch (route) {
    case RouteId::kHealthz:
      if (!IsGetOrHead(request)) return get_only();
      return Answered(PlainText(request, 200, "ok\n"));
    case RouteId::kReadyz:
      if (!IsGetOrHead(request)) return get_only();
      return Ready(request);
    case RouteId::kAuth:
      if (!IsGetOrHead(request)) return get_only();
      return Auth(request);
    default:
      break;
  }
  // Cookies live on the public host; anything else would lose them on the way back from
  // Spotify (e.g. localhost vs 127.0.0.1).
  // Host names are case-insensitive (RFC 9110 section 4.2.3); public_host is canonical.
  if (!boost::beast::iequals(request[beast_http::field::host], app_.config.public_host)) {
    return Answered(
        Redirect(request, 308, app_.config.public_origin + std::string(Sv(request.target()))));
  }

  switch (route) {
    case RouteId::kHome:
      if (!IsGetOrHead(request)) return get_only();
      return Home(request);
    case RouteId::kLogin:
      if (!IsGetOrHead(request)) return get_only();
      return Login(request, *parsed);
    case RouteId::kCallback:
      if (!IsGetOrHead(request)) return get_only();
      return Callback(request);
    case RouteId::kLogout:
      if (IsGetOrHead(request)) return LogoutPage(request);
      if (request.method() == beast_http::verb::post) return Logout(request);
      return Answered(MethodNotAllowed(request, "GET, HEAD, POST", app_.config.base_path));
    case RouteId::kStatic: {
      if (!IsGetOrHead(request)) return get_only();
      http::Response response = PlainText(request, 200, Stylesheet());
      response.set(beast_http::field::content_type, "text/css; charset=utf-8");
      response.set(beast_http::field::cache_control, "public, max-age=3600");
      return Answered(std::move(response));
    }
    case RouteId::kUserinfo:
      if (!IsGetOrHead(request)) return get_only();
      return UserInfo(request);
    default:
      return Answered(ProblemAnswer(request, Problem::kNotFound));
  }
}

awaitable<http::Response> LoginApp::Home(const http::Request& request) {
  const auto cookies = FindCookies(request, app_.cookies.session);
  auto session = co_await sessions_.Load(cookies);
  if (!session) {
    spdlog::error("home: store failed: {}", session.error().message);
    co_return ProblemAnswer(request, Problem::kStoreUnavailable);
  }
  if (!*session) co_return SignedOutHome(request, "", !cookies.empty());
  ActiveSession& active = **session;
  Freshness freshness = Freshness::kFresh;
  if (sessions_.NeedsRefresh(active)) freshness = co_await sessions_.EnsureFresh(active);
  if (freshness == Freshness::kEnded) {
    now_playing_.Forget(active.key());
    co_return SignedOutHome(request,
                            "Your Spotify authorization has ended (it expired or was revoked). "
                            "Please log in again.",
                            true);
  }
  std::shared_ptr<const NowPlayingView> playing = Unavailable();
  if (freshness == Freshness::kFresh) {
    playing = now_playing_.Cached(active.key());
    if (!playing) playing = co_await now_playing_.Fetch(active.key(), active.token->access_token);
  }
  co_return HtmlPage(request, 200,
                     RenderSignedIn({active.record.user_id, active.record.display_name,
                                     sessions_.LogoutToken(active), *playing},
                                    app_.config.base_path));
}

// Kept out of Home: a coroutine keeps every local of its own in its frame, and frames above
// 1 KB are not recycled.
http::Response LoginApp::SignedOutHome(const http::Request& request, std::string_view notice,
                                       bool clear_cookie) const {
  http::Response response = HtmlPage(request, 200, RenderSignedOut(notice, app_.config.base_path));
  if (clear_cookie) {
    response.set(beast_http::field::set_cookie,
                 ClearCookieValue(app_.cookies.session, app_.config.secure_cookies));
  }
  return response;
}

awaitable<http::Response> LoginApp::Login(const http::Request& request, urls::url_view url) {
  // ?rd=, or X-Auth-Request-Redirect (how nginx's auth_request snippet passes the original
  // target, which nginx cannot percent-encode into a query): where the browser lands after the
  // login, if it is a path on this origin.
  std::string return_to = "/";
  std::optional<std::string_view> rd;
  auto query = http::ParseForm(url.encoded_query());
  if (query) rd = http::FindParam(*query, "rd");
  if (!rd && request.find("X-Auth-Request-Redirect") != request.end()) {
    rd = Sv(request["X-Auth-Request-Redirect"]);
  }
  if (rd && IsLocalReturnPath(*rd)) return_to = std::string(*rd);
  auto session = co_await sessions_.Load(FindCookies(request, app_.cookies.session));
  if (session && *session) co_return Redirect(request, 303, return_to);
  const LoginStart start =
      sessions_.StartLogin(FindCookies(request, app_.cookies.login), std::move(return_to));
  app_.metrics.logins_started.Inc();
  http::Response response = Redirect(request, 302, start.authorize_url);
  response.insert(beast_http::field::set_cookie,
                  SetCookieValue(app_.cookies.login, start.login_cookie,
                                 {app_.config.secure_cookies, app_.config.login_ttl}));
  co_return response;
}

awaitable<http::Response> LoginApp::Callback(const http::Request& request) {
  auto url = urls::parse_origin_form(Sv(request.target()));
  auto params = ReadCallbackParams(*url);
  if (!params) {
    app_.metrics.LoginFailed(Problem::kBadRequest);
    co_return ProblemAnswer(request, Problem::kBadRequest);
  }
  auto done = co_await sessions_.CompleteLogin(*params, FindCookies(request, app_.cookies.login));
  if (!done) {
    app_.metrics.LoginFailed(done.error());
    co_return ProblemAnswer(request, done.error());
  }
  app_.metrics.logins_completed.Inc();

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
  if (!session) co_return ProblemAnswer(request, Problem::kStoreUnavailable);
  if (!*session) co_return Redirect(request, 303, routes_.home);
  co_return HtmlPage(request, 200,
                     RenderLogoutConfirm(sessions_.LogoutToken(**session), app_.config.base_path));
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
  if (cross_site) co_return ProblemAnswer(request, Problem::kLogoutForbidden);
  auto session = co_await sessions_.Load(FindCookies(request, app_.cookies.session));
  if (!session) co_return ProblemAnswer(request, Problem::kStoreUnavailable);
  // Gateway mode lands on spotauth's own page: the app's "/" would log the browser straight in.
  if (!*session) co_return Redirect(request, 303, routes_.home);  // nothing to end or change
  http::Response response = Redirect(request, 303, routes_.home);
  response.set(beast_http::field::set_cookie,
               ClearCookieValue(app_.cookies.session, app_.config.secure_cookies));

  auto form = http::ParseForm(request.body());
  if (!form) co_return ProblemAnswer(request, Problem::kBadRequest);
  const auto token = http::FindParam(*form, "token");
  if (!token || !sessions_.CheckLogoutToken(**session, *token)) {
    co_return ProblemAnswer(request, Problem::kLogoutForbidden);
  }
  if (auto done = co_await EndSession(**session); !done) {
    co_return ProblemAnswer(request, Problem::kStoreUnavailable);
  }
  co_return response;
}

awaitable<Result<void>> LoginApp::EndSession(const ActiveSession& session) {
  now_playing_.Forget(session.key());
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
