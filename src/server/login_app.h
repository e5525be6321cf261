// LoginApp: the sign-in server's routes. One instance per event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/url/url_view.hpp>
#include <memory>
#include <optional>

#include "http/client.h"
#include "http/request_handler.h"
#include "http/reverse_proxy.h"
#include "server/app_context.h"
#include "server/gateway.h"
#include "server/now_playing.h"
#include "server/responses.h"
#include "server/routes.h"
#include "server/session_service.h"
#include "spotify/accounts.h"
#include "spotify/api.h"
#include "spotify/metered_http_client.h"

namespace spotauth::server {

// Routes, under Config::base_path ("", or "/spotauth" in gateway mode):
//   GET /            signed out: a login button; signed in: name, user id, now playing, logout
//   GET /login       starts a login and redirects to Spotify; ?rd=/path: where to land after
//   GET <callback>   the redirect URI's path as configured: completes the login
//   GET /logout      a confirmation form;  POST /logout  logs out (same-origin token required)
//   GET /healthz     the process is up;     GET /readyz  the store answers
//   GET /static/style.css
// Gateway mode adds
//   GET /auth        for nginx auth_request: 202 with the identity fields, or 401
//   GET /userinfo    {"id": ..., "display_name": ...} or 401
// and passes every other request on to the app (see Intercept).
// Requests on another host than the public one are redirected there first (browsers must
// hold their cookies on the host Spotify sends them back to).
class LoginApp final : public http::RequestHandler {
 public:
  // Builds the loop's own HttpClient and Spotify clients on `executor`, sharing `tls` (from
  // http::MakeTlsClientContext) with the other loops; null: a context of its own.
  [[nodiscard]] static Result<std::unique_ptr<LoginApp>> Create(
      AppContext& app, boost::asio::any_io_executor executor,
      std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  // With a caller-made HttpClient (tests).
  // With a caller-made HttpClient (tests); `proxy` is needed in gateway mode only.
  LoginApp(AppContext& app, std::unique_ptr<http::HttpClient> client,
           std::unique_ptr<http::ReverseProxy> proxy = nullptr);
  ~LoginApp() override;

  boost::asio::awaitable<http::Response> Handle(http::Request request) override;
  // A RouteId (routes.h), the index into RouteLabels().
  std::size_t RouteOf(const http::RequestHead& head) const override;

  // Gateway mode: spotauth's own paths (base path, callback) are read and handled as usual.
  // Every other request goes to the app: on a public path as it is; signed in with the
  // identity fields; otherwise a browser navigation is sent to log in (coming back to the same
  // target) and anything else gets 401. X-Spotify-* fields and spotauth's cookies never reach
  // the app.
  bool InterceptsHeads() const override { return proxy_ != nullptr; }
  boost::asio::awaitable<http::HeadVerdict> Intercept(http::RequestHead& head,
                                                      const http::RequestContext& context) override;
  http::Response PassOnFailed(const Error& error) override;

 private:
  // Who the session cookie names, if anyone; `ended`: a session that the lookup found over.
  struct Lookup {
    std::optional<Identity> identity;
    bool ended = false;
  };
  boost::asio::awaitable<Result<Lookup>> LookUp(const http::RequestHead& head,
                                                bool with_access_token);
  // Adds what every answer of ours carries (HSTS over https).
  http::Response Finish(http::Response response) const;
  http::Response ProblemAnswer(const http::RequestHead& head, Problem problem) const {
    return ProblemPage(head, problem, app_.config.base_path);
  }
  boost::asio::awaitable<http::Response> Auth(const http::Request& request);
  boost::asio::awaitable<http::Response> UserInfo(const http::Request& request);
  boost::asio::awaitable<http::Response> Route(const http::Request& request);
  boost::asio::awaitable<http::Response> Home(const http::Request& request);
  // The signed-out main page; `clear_cookie`: the visitor sent a session cookie that is over.
  http::Response SignedOutHome(const http::Request& request, std::string_view notice,
                               bool clear_cookie) const;
  // `url`: the request's target, parsed (it refers to `request`).
  boost::asio::awaitable<http::Response> Login(const http::Request& request,
                                               boost::urls::url_view url);
  boost::asio::awaitable<http::Response> Callback(const http::Request& request);
  boost::asio::awaitable<http::Response> LogoutPage(const http::Request& request);
  boost::asio::awaitable<http::Response> Logout(const http::Request& request);
  boost::asio::awaitable<http::Response> Ready(const http::Request& request);
  // Logs the session out and forgets what this app kept about it.
  boost::asio::awaitable<Result<void>> EndSession(const ActiveSession& session);

  AppContext& app_;
  std::unique_ptr<http::HttpClient> client_;
  spotify::MeteredHttpClient spotify_client_;  // client_, counted in app_.metrics
  std::unique_ptr<http::ReverseProxy> proxy_;
  Routes routes_;  // gateway routes only with proxy_
  spotify::SpotifyAccounts accounts_;
  spotify::SpotifyApi api_;
  SessionService sessions_;
  NowPlayingService now_playing_;
};

}  // namespace spotauth::server
