#include "server/session_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/cookie_codec.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/pkce.h"
#include "server/pending_login.h"
#include "server/sealed_token.h"

namespace spotauth::server {

using boost::asio::awaitable;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kIdBytes = 32;
// How long one refresh may hold its lease; longer than any upstream deadline.
constexpr auto kRefreshLease = 15s;
constexpr auto kRefreshPoll = 20ms;

}  // namespace

std::string SessionService::SessionKey(std::string_view id) const {
  return HexEncode(HmacSha256(app_.keys.id_hash, std::string("session\n").append(id)));
}

std::string SessionService::StateKey(std::string_view state) const {
  return HexEncode(HmacSha256(app_.keys.id_hash, std::string("state\n").append(state)));
}

std::string SessionService::MakeLogoutToken(std::string_view id) const {
  return Base64UrlEncode(HmacSha256(app_.keys.logout_mac, id));
}

std::vector<PendingLogin> SessionService::OpenLogins(
    std::span<const std::string_view> login_cookies) const {
  const TimePoint now = app_.clock.Now();
  std::vector<PendingLogin> logins;
  for (std::string_view value : login_cookies) {
    for (PendingLogin& login : OpenPendingLogins(value, app_.keys.login_enc, app_.cookies.login)) {
      if (login.expires_at > now) logins.push_back(std::move(login));
    }
  }
  return logins;
}

std::string SessionService::SealLogins(std::span<const PendingLogin> logins) const {
  return SealPendingLogins(logins, app_.keys.login_enc, app_.cookies.login, app_.random);
}

LoginStart SessionService::StartLogin(std::span<const std::string_view> login_cookies,
                                      std::string return_to) {
  const Config& config = app_.config;
  // Nothing is stored here: the pending login goes to the browser, sealed, so a /login flood
  // costs CPU only. Logins the browser already has in progress stay valid (other tabs).
  std::vector<PendingLogin> logins = OpenLogins(login_cookies);
  PendingLogin login{
      GenerateState(app_.random), {}, app_.clock.Now() + config.login_ttl, std::move(return_to)};
  if (UsesPkce()) login.verifier = GenerateCodeVerifier(app_.random);
  LoginStart start;
  start.authorize_url =
      UsesPkce() ? spotify::SpotifyAccounts::AuthorizePkceUrlFrom(authorize_prefix_, login.state,
                                                                  S256Challenge(login.verifier))
                 : spotify::SpotifyAccounts::AuthorizeUrlFrom(authorize_prefix_, login.state);
  logins.push_back(std::move(login));
  if (logins.size() > kMaxPendingLogins) {
    logins.erase(logins.begin(), logins.end() - kMaxPendingLogins);
  }
  start.login_cookie = SealLogins(logins);
  return start;
}

awaitable<tl::expected<LoginDone, Problem>> SessionService::CompleteLogin(
    const CallbackParams& params, std::span<const std::string_view> login_cookies) {
  const Config& config = app_.config;
  if (!params.state || params.state->empty()) co_return tl::unexpected(Problem::kMissingState);
  // The state must come back to the browser that asked for it (login CSRF, RFC 6749 10.12):
  // only that browser holds the sealed login that names it.
  std::vector<PendingLogin> logins = OpenLogins(login_cookies);
  if (logins.empty()) {
    spdlog::warn("login callback refused: no login in progress in this browser");
    co_return tl::unexpected(Problem::kOtherBrowser);
  }
  auto match = std::find_if(logins.begin(), logins.end(), [&](const PendingLogin& login) {
    return ConstantTimeEqual(login.state, *params.state);
  });
  if (match == logins.end()) {
    spdlog::info("login callback refused: unknown or expired state");
    co_return tl::unexpected(Problem::kUnknownState);
  }
  PendingLogin login = std::move(*match);
  logins.erase(match);
  // Single use, recorded before anything else: a state is good for one callback, whatever
  // happens next. The record lasts only as long as the login could, so the store grows with
  // real callbacks, not with /login traffic.
  auto first_use = co_await app_.store.UseState(StateKey(login.state), login.expires_at);
  if (!first_use) {
    spdlog::error("login callback: store failed: {}", first_use.error().message);
    co_return tl::unexpected(Problem::kStoreUnavailable);
  }
  if (!*first_use) {
    spdlog::info("login callback refused: state already used");
    co_return tl::unexpected(Problem::kUnknownState);
  }
  if (params.error) {
    spdlog::info("login callback: spotify returned error '{}'",
                 *params.error == "access_denied" ? "access_denied" : "other");
    co_return tl::unexpected(*params.error == "access_denied" ? Problem::kDenied
                                                              : Problem::kAuthorizeError);
  }
  if (!params.code || params.code->empty()) co_return tl::unexpected(Problem::kMissingCode);

  auto token = co_await accounts_.ExchangeCode(*params.code, login.verifier);
  if (!token) {
    spdlog::warn("login callback: code exchange failed: {}: {}", ToString(token.error().code),
                 token.error().message);
    co_return tl::unexpected(ProblemFor(token.error().code));
  }
  auto user = co_await api_.CurrentUser(token->access_token);
  if (!user) {
    spdlog::warn("login callback: /v1/me failed: {}: {}", ToString(user.error().code),
                 user.error().message);
    co_return tl::unexpected(ProblemFor(user.error().code));
  }

  // A new id at every login, so an id planted before login is worthless (session fixation).
  const TimePoint now = app_.clock.Now();
  const std::string id = app_.random.Bytes(kIdBytes);
  const std::string key = SessionKey(id);
  store::Session record{user->id, user->display_name.value_or(""),
                        SealToken(*token, app_.keys.token_enc, key, app_.random), now,
                        now + std::min(config.session_idle, config.session_lifetime)};
  if (auto created =
          co_await app_.store.CreateSession(key, std::move(record), config.max_sessions_per_user);
      !created) {
    spdlog::error("login callback: store failed: {}", created.error().message);
    co_return tl::unexpected(Problem::kStoreUnavailable);
  }
  spdlog::info("login completed: spotify user {}", user->id);
  LoginDone done;
  done.session_cookie =
      SignCookie(app_.cookies.session, id, now + config.session_lifetime, app_.keys.cookie_mac);
  if (!logins.empty()) done.remaining_logins = SealLogins(logins);
  done.return_to = std::move(login.return_to);
  co_return done;
}

awaitable<Result<std::optional<ActiveSession>>> SessionService::Read(
    std::shared_ptr<const SessionIds> ids) {
  SPOTAUTH_CO_TRY_ASSIGN(std::optional<store::Session> record,
                         co_await app_.store.GetSession(ids->key));
  if (!record) co_return std::nullopt;
  auto token = OpenStoredToken(*record, ids->key);
  if (!token) co_return std::nullopt;
  co_return ActiveSession{std::move(ids), std::move(*record), std::move(token)};
}

std::shared_ptr<const Token> SessionService::OpenStoredToken(const store::Session& record,
                                                             std::string_view key) const {
  auto token = OpenToken(record.sealed_token, app_.keys.token_enc, key);
  if (!token) {
    spdlog::warn("session dropped: its token does not open (secret changed or data damaged)");
    return nullptr;
  }
  return std::make_shared<const Token>(std::move(*token));
}

std::optional<TimePoint> SessionService::Identify(std::span<const std::string_view> session_cookies,
                                                  TimePoint now, ActiveSession& session,
                                                  std::string_view& cookie) {
  // The first cookie that is remembered or verifies (a remembered value verified before).
  for (std::string_view value : session_cookies) {
    if (const OpenedSessions::Entry* known = opened_.Find(value, now)) {
      cookie = value;
      session.ids = known->ids;
      return known->cookie_expires;
    }
    auto verified = OpenCookie(app_.cookies.session, value, app_.keys.cookie_mac, now);
    if (verified && verified->id.size() == kIdBytes) {
      cookie = value;
      session.ids = std::make_shared<const SessionIds>(
          SessionIds{SessionKey(verified->id), MakeLogoutToken(verified->id)});
      return verified->expires;
    }
  }
  return std::nullopt;
}

bool SessionService::AttachToken(ActiveSession& session, std::string_view cookie,
                                 TimePoint cookie_expires, TimePoint now) {
  // Looked up again: other requests on this loop may have changed the cache meanwhile.
  const OpenedSessions::Entry* known = opened_.Find(cookie, now);
  if (known && known->sealed_token == session.record.sealed_token) {
    session.token = known->token;
    return true;
  }
  session.token = OpenStoredToken(session.record, session.key());
  if (!session.token) {
    opened_.Forget(cookie);
    return false;
  }
  opened_.Remember(cookie,
                   {session.ids, cookie_expires, session.record.sealed_token, session.token});
  return true;
}

awaitable<Result<std::optional<ActiveSession>>> SessionService::Load(
    std::span<const std::string_view> session_cookies) {
  // The steps that do not wait are functions of their own: what a coroutine declares lives in
  // its frame, and a frame above 1 KB is not recycled by Asio.
  const TimePoint now = app_.clock.Now();
  ActiveSession session;
  std::string_view cookie;
  const std::optional<TimePoint> cookie_expires = Identify(session_cookies, now, session, cookie);
  if (!cookie_expires) co_return std::nullopt;

  auto stored = co_await app_.store.GetSession(session.key());
  if (!stored) co_return tl::unexpected(std::move(stored).error());
  if (!*stored) {
    opened_.Forget(cookie);
    co_return std::nullopt;
  }
  session.record = std::move(**stored);
  if (!AttachToken(session, cookie, *cookie_expires, now)) co_return std::nullopt;

  // Slide the idle expiry forward, but write only when a tenth of the idle window has passed,
  // so a page view is normally a read only.
  const Config& config = app_.config;
  store::Session& record = session.record;
  const TimePoint wanted =
      std::min(now + config.session_idle, record.created_at + config.session_lifetime);
  if (wanted - record.expires_at > config.session_idle / 10) {
    record.expires_at = wanted;
    SPOTAUTH_CO_TRY(co_await app_.store.TouchSession(session.key(), wanted));
  }
  co_return std::move(session);
}

awaitable<Freshness> SessionService::EnsureFresh(ActiveSession& session) {
  if (!NeedsRefresh(session)) co_return Freshness::kFresh;
  const std::string owner = HexEncode(app_.random.Bytes(16));
  auto timer = boost::asio::steady_timer(co_await boost::asio::this_coro::executor);
  // Waiters give up after about one upstream deadline, so a page still answers in time.
  const auto give_up = std::chrono::steady_clock::now() + app_.config.spotify_timeout + 200ms;
  while (true) {
    auto leased =
        co_await app_.store.TryLock(session.key(), owner, app_.clock.Now() + kRefreshLease);
    if (!leased) {
      spdlog::error("refresh: store failed: {}", leased.error().message);
      co_return Freshness::kFailed;
    }
    if (*leased) {
      const Freshness result = co_await RefreshHoldingLease(session);
      if (auto unlocked = co_await app_.store.Unlock(session.key(), owner); !unlocked) {
        spdlog::warn("refresh: could not release lease: {}", unlocked.error().message);
      }
      co_return result;
    }
    // Someone else is refreshing this session: wait for their result.
    timer.expires_after(kRefreshPoll);
    co_await timer.async_wait(boost::asio::use_awaitable);
    auto reread = co_await Read(session.ids);
    if (!reread) co_return Freshness::kFailed;
    if (!*reread) co_return Freshness::kEnded;
    if (!(*reread)->token->IsExpiring(app_.clock.Now())) {
      session = std::move(**reread);
      co_return Freshness::kFresh;
    }
    if (std::chrono::steady_clock::now() >= give_up) co_return Freshness::kFailed;
  }
}

awaitable<Freshness> SessionService::RefreshHoldingLease(ActiveSession& session) {
  // Another holder may have refreshed between our read and our lease.
  auto current = co_await Read(session.ids);
  if (!current) co_return Freshness::kFailed;
  if (!*current) co_return Freshness::kEnded;
  session = std::move(**current);
  if (!session.token->IsExpiring(app_.clock.Now())) co_return Freshness::kFresh;

  auto refreshed = co_await accounts_.Refresh(session.token->refresh_token);
  if (!refreshed) {
    if (refreshed.error().code == ErrorCode::kAuthentication) {
      // Revoked or expired refresh token: retrying cannot help; end the session cleanly.
      spdlog::info("session ended: spotify refused the refresh token ({})",
                   refreshed.error().message);
      app_.metrics.Refreshed(RefreshOutcome::kEnded);
      (void)co_await app_.store.DeleteSession(session.key());
      co_return Freshness::kEnded;
    }
    spdlog::warn("refresh failed: {}: {}", ToString(refreshed.error().code),
                 refreshed.error().message);
    app_.metrics.Refreshed(RefreshOutcome::kFailed);
    co_return Freshness::kFailed;
  }
  app_.metrics.Refreshed(RefreshOutcome::kOk);
  // Stored before it is used: under PKCE the old refresh token is already dead.
  session.token = std::make_shared<const Token>(std::move(*refreshed));
  session.record.sealed_token =
      SealToken(*session.token, app_.keys.token_enc, session.key(), app_.random);
  // Written only over a live session: a logout (or a newer login) that ended this session
  // while Spotify was answering stays in force.
  auto updated = co_await app_.store.UpdateSession(session.key(), session.record);
  if (!updated) {
    spdlog::error("refresh: could not store the new token: {}", updated.error().message);
    co_return Freshness::kFailed;
  }
  if (!*updated) co_return Freshness::kEnded;
  co_return Freshness::kFresh;
}

awaitable<Result<void>> SessionService::Logout(const ActiveSession& session) {
  auto deleted = co_await app_.store.DeleteSession(session.key());
  if (deleted) spdlog::info("logout: spotify user {}", session.record.user_id);
  co_return deleted;
}

bool SessionService::CheckLogoutToken(const ActiveSession& session, std::string_view token) const {
  return ConstantTimeEqual(LogoutToken(session), token);
}

}  // namespace spotauth::server
