// LoginApp: the sign-in server's routes. One instance per event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "http/client.h"
#include "http/request_handler.h"
#include "server/app_context.h"
#include "server/now_playing.h"
#include "server/session_service.h"
#include "spotify/accounts.h"
#include "spotify/api.h"

namespace spotauth::server {

// Routes:
//   GET /            signed out: a login button; signed in: name, user id, now playing, logout
//   GET /login       starts a login and redirects to Spotify
//   GET <callback>   the redirect URI's path: completes the login
//   GET /logout      a confirmation form;  POST /logout  logs out (same-origin token required)
//   GET /healthz     the process is up;     GET /readyz  the store answers
//   GET /static/style.css
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
  LoginApp(AppContext& app, std::unique_ptr<http::HttpClient> client);

  boost::asio::awaitable<http::Response> Handle(http::Request request) override;

 private:
  boost::asio::awaitable<http::Response> Route(const http::Request& request);
  boost::asio::awaitable<http::Response> Home(const http::Request& request);
  boost::asio::awaitable<http::Response> Login(const http::Request& request);
  boost::asio::awaitable<http::Response> Callback(const http::Request& request);
  boost::asio::awaitable<http::Response> LogoutPage(const http::Request& request);
  boost::asio::awaitable<http::Response> Logout(const http::Request& request);
  boost::asio::awaitable<http::Response> Ready(const http::Request& request);
  // Logs the session out and forgets what this app kept about it.
  boost::asio::awaitable<Result<void>> EndSession(const ActiveSession& session);

  AppContext& app_;
  std::unique_ptr<http::HttpClient> client_;
  spotify::SpotifyAccounts accounts_;
  spotify::SpotifyApi api_;
  SessionService sessions_;
  NowPlayingService now_playing_;
};

}  // namespace spotauth::server
