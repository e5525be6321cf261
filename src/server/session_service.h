// Sign-in logic: starting and completing logins, loading sessions, refreshing tokens, logout.
// Routes (login_app) turn requests into calls here; nothing here sees HTTP.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "core/token.h"
#include "server/app_context.h"
#include "server/opened_sessions.h"
#include "server/pending_login.h"
#include "server/problems.h"
#include "spotify/accounts.h"
#include "spotify/api.h"
#include "store/session_store.h"

namespace spotauth::server {

struct LoginStart {
  std::string authorize_url;
  std::string login_cookie;  // sealed value for CookieNames::login
};

struct CallbackParams {
  std::optional<std::string> code;
  std::optional<std::string> state;
  std::optional<std::string> error;
};

struct LoginDone {
  std::string session_cookie;    // signed value for CookieNames::session
  std::string remaining_logins;  // the login cookie's new value; empty: clear it
  std::string return_to;         // where the login was started for
};

struct ActiveSession {
  std::shared_ptr<const SessionIds> ids;  // shared with the loop's opened-session cache
  store::Session record;
  // Shared with the loop's opened-session cache (a page copies no token); a refresh puts a
  // new one in its place.
  std::shared_ptr<const Token> token;

  const std::string& key() const { return ids->key; }  // store key: a keyed hash of the id
  // The logout form's CSRF token: a MAC of the id.
  const std::string& logout_token() const { return ids->logout_token; }
};

enum class Freshness {
  kFresh,   // the token has at least a minute left (refreshed if it had not)
  kEnded,   // Spotify refused the refresh token: the session was deleted
  kFailed,  // Spotify failed or another refresh took too long: the session is kept
};

// One per event loop (it uses that loop's Spotify clients). Thread-safety: not thread-safe
// itself; everything it shares is in SessionContext. When a session ends here (a refused
// refresh, Logout), the caller drops whatever it keeps about that session.
class SessionService {
 public:
  SessionService(SessionContext& app, spotify::SpotifyAccounts& accounts, spotify::SpotifyApi& api)
      : app_(app),
        accounts_(accounts),
        api_(api),
        authorize_prefix_(accounts.AuthorizePrefix(app.config.scope)),
        opened_(kOpenedSessionsPerLoop) {}

  // About 1.2 KB each: a loop remembers this many sessions in about a megabyte.
  static constexpr std::size_t kOpenedSessionsPerLoop = 1024;

  // Stores nothing. `login_cookies`: values of the login cookie the browser sent; the logins
  // in progress there are kept (up to kMaxPendingLogins), so several tabs can log in at once.
  // `return_to` must be a local path; it comes back in LoginDone.
  LoginStart StartLogin(std::span<const std::string_view> login_cookies,
                        std::string return_to = "/");

  boost::asio::awaitable<tl::expected<LoginDone, Problem>> CompleteLogin(
      const CallbackParams& params, std::span<const std::string_view> login_cookies);

  // The session named by a valid session cookie, or nullopt (no cookie, forged, expired,
  // logged out). Extends the idle lifetime now and then, not on every request. The record is
  // read from the store every time; what was opened from an unchanged record is remembered.
  boost::asio::awaitable<Result<std::optional<ActiveSession>>> Load(
      std::span<const std::string_view> session_cookies);

  // At most one refresh per session at a time, across threads and processes sharing the
  // store; concurrent callers wait for it and use its result.
  boost::asio::awaitable<Freshness> EnsureFresh(ActiveSession& session);
  // Whether EnsureFresh has anything to do: asked first, a page whose token has time left
  // costs no coroutine frame.
  bool NeedsRefresh(const ActiveSession& session) const {
    return session.token->IsExpiring(app_.clock.Now());
  }

  boost::asio::awaitable<Result<void>> Logout(const ActiveSession& session);

  // The CSRF token for the logout form: a MAC of the session id.
  const std::string& LogoutToken(const ActiveSession& session) const {
    return session.logout_token();
  }
  bool CheckLogoutToken(const ActiveSession& session, std::string_view token) const;

 private:
  std::string SessionKey(std::string_view id) const;
  std::string StateKey(std::string_view state) const;
  bool UsesPkce() const { return accounts_.IsPkce() || app_.config.pkce; }
  // The unexpired logins in the browser's login cookies.
  std::vector<PendingLogin> OpenLogins(std::span<const std::string_view> login_cookies) const;
  std::string SealLogins(std::span<const PendingLogin> logins) const;
  std::string MakeLogoutToken(std::string_view id) const;
  // The stored record's token, or nullptr (with a warning) when it does not open.
  std::shared_ptr<const Token> OpenStoredToken(const store::Session& record,
                                               std::string_view key) const;
  // Load's steps. Identify: the first of the cookies that is remembered or verifies; it fills
  // the session's ids and `cookie`, and gives the cookie's expiry.
  std::optional<TimePoint> Identify(std::span<const std::string_view> session_cookies,
                                    TimePoint now, ActiveSession& session,
                                    std::string_view& cookie);
  // Gives the session (its record read) its token: the remembered one while the record's
  // sealed token is unchanged, else opened and remembered; false when it does not open.
  bool AttachToken(ActiveSession& session, std::string_view cookie, TimePoint cookie_expires,
                   TimePoint now);
  // Reads the session record and opens its token; nullopt when gone or unreadable.
  boost::asio::awaitable<Result<std::optional<ActiveSession>>> Read(
      std::shared_ptr<const SessionIds> ids);
  boost::asio::awaitable<Freshness> RefreshHoldingLease(ActiveSession& session);

  SessionContext& app_;
  spotify::SpotifyAccounts& accounts_;
  spotify::SpotifyApi& api_;
  const std::string authorize_prefix_;  // the configured scope's, encoded once
  OpenedSessions opened_;
};

}  // namespace spotauth::server
