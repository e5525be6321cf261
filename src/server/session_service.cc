#include "server/session_service.h"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/cookie_codec.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/pkce.h"
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

std::string SessionService::BrowserHash(std::string_view login_id) const {
  return HmacSha256(app_.keys.id_hash, std::string("login\n").append(login_id));
}

std::optional<std::string> SessionService::VerifiedId(
    std::string_view cookie_name, std::span<const std::string_view> values) const {
  const TimePoint now = app_.clock.Now();
  for (std::string_view value : values) {
    auto id = VerifyCookie(cookie_name, value, app_.keys.cookie_mac, now);
    if (id && id->size() == kIdBytes) return *id;
  }
  return std::nullopt;
}

awaitable<tl::expected<LoginStart, Problem>> SessionService::StartLogin(
    std::span<const std::string_view> login_cookies) {
  const Config& config = app_.config;
  const TimePoint now = app_.clock.Now();
  std::string login_id =
      VerifiedId(app_.cookies.login, login_cookies).value_or(app_.random.Bytes(kIdBytes));
  const std::string state = GenerateState(app_.random);
  const std::string state_key = StateKey(state);

  std::string verifier;
  std::string sealed_verifier;
  if (accounts_.IsPkce()) {
    verifier = GenerateCodeVerifier(app_.random);
    sealed_verifier = AeadSeal(app_.keys.token_enc, kTokenKeyId, verifier, state_key, app_.random);
  }
  store::PendingLogin pending{BrowserHash(login_id), std::move(sealed_verifier),
                              now + config.login_ttl};
  auto added =
      co_await app_.store.AddPending(state_key, std::move(pending), config.max_pending_logins);
  if (!added) {
    spdlog::error("login start: store failed: {}", added.error().message);
    co_return tl::unexpected(Problem::kStoreUnavailable);
  }
  if (!*added) {
    spdlog::warn("login start refused: {} logins already pending", config.max_pending_logins);
    co_return tl::unexpected(Problem::kTooManyLogins);
  }
  LoginStart start;
  start.authorize_url =
      accounts_.IsPkce() ? accounts_.AuthorizePkceUrl(config.scope, state, S256Challenge(verifier))
                         : accounts_.AuthorizeUrl(config.scope, state, false);
  start.login_cookie =
      SignCookie(app_.cookies.login, login_id, now + config.login_ttl, app_.keys.cookie_mac);
  co_return start;
}

awaitable<tl::expected<LoginDone, Problem>> SessionService::CompleteLogin(
    const CallbackParams& params, std::span<const std::string_view> login_cookies) {
  const Config& config = app_.config;
  if (!params.state || params.state->empty()) co_return tl::unexpected(Problem::kMissingState);
  const std::string state_key = StateKey(*params.state);
  // Taken (deleted) before anything else: a state is good for one callback, whatever happens.
  auto pending = co_await app_.store.TakePending(state_key);
  if (!pending) {
    spdlog::error("login callback: store failed: {}", pending.error().message);
    co_return tl::unexpected(Problem::kStoreUnavailable);
  }
  if (!*pending) {
    spdlog::info("login callback refused: unknown, used or expired state");
    co_return tl::unexpected(Problem::kUnknownState);
  }
  // The state must come back to the browser that asked for it (login CSRF, RFC 6749 10.12).
  auto login_id = VerifiedId(app_.cookies.login, login_cookies);
  if (!login_id || !ConstantTimeEqual(BrowserHash(*login_id), (*pending)->browser_hash)) {
    spdlog::warn("login callback refused: state belongs to another browser");
    co_return tl::unexpected(Problem::kOtherBrowser);
  }
  if (params.error) {
    spdlog::info("login callback: spotify returned error '{}'",
                 *params.error == "access_denied" ? "access_denied" : "other");
    co_return tl::unexpected(*params.error == "access_denied" ? Problem::kDenied
                                                              : Problem::kAuthorizeError);
  }
  if (!params.code || params.code->empty()) co_return tl::unexpected(Problem::kMissingCode);

  std::string verifier;
  if (!(*pending)->sealed_verifier.empty()) {
    auto opened =
        AeadOpen(app_.keys.token_enc, kTokenKeyId, (*pending)->sealed_verifier, state_key);
    if (!opened) co_return tl::unexpected(Problem::kUnknownState);
    verifier = std::move(*opened);
  }
  auto token = co_await accounts_.ExchangeCode(*params.code, verifier);
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
  if (auto put = co_await app_.store.PutSession(key, std::move(record)); !put) {
    spdlog::error("login callback: store failed: {}", put.error().message);
    co_return tl::unexpected(Problem::kStoreUnavailable);
  }
  spdlog::info("login completed: spotify user {}", user->id);
  co_return LoginDone{
      SignCookie(app_.cookies.session, id, now + config.session_lifetime, app_.keys.cookie_mac)};
}

awaitable<Result<std::optional<ActiveSession>>> SessionService::Read(std::string id,
                                                                     std::string key) {
  auto record = co_await app_.store.GetSession(key);
  if (!record) co_return tl::unexpected(record.error());
  if (!*record) co_return std::nullopt;
  auto token = OpenToken((*record)->sealed_token, app_.keys.token_enc, key);
  if (!token) {
    spdlog::warn("session dropped: its token does not open (secret changed or data damaged)");
    co_return std::nullopt;
  }
  co_return ActiveSession{std::move(id), std::move(key), std::move(**record), std::move(*token)};
}

awaitable<Result<std::optional<ActiveSession>>> SessionService::Load(
    std::span<const std::string_view> session_cookies) {
  auto id = VerifiedId(app_.cookies.session, session_cookies);
  if (!id) co_return std::nullopt;
  std::string key = SessionKey(*id);
  auto session = co_await Read(std::move(*id), std::move(key));
  if (!session || !*session) co_return session;

  // Slide the idle expiry forward, but write only when a tenth of the idle window has passed,
  // so a page view is normally a read only.
  const Config& config = app_.config;
  const TimePoint now = app_.clock.Now();
  store::Session& record = (*session)->record;
  const TimePoint wanted =
      std::min(now + config.session_idle, record.created_at + config.session_lifetime);
  if (wanted - record.expires_at > config.session_idle / 10) {
    record.expires_at = wanted;
    if (auto touched = co_await app_.store.TouchSession((*session)->key, wanted); !touched) {
      co_return tl::unexpected(touched.error());
    }
  }
  co_return session;
}

awaitable<Freshness> SessionService::EnsureFresh(ActiveSession& session) {
  if (!session.token.IsExpiring(app_.clock.Now())) co_return Freshness::kFresh;
  const std::string owner = HexEncode(app_.random.Bytes(16));
  auto timer = boost::asio::steady_timer(co_await boost::asio::this_coro::executor);
  // Waiters give up after about one upstream deadline, so a page still answers in time.
  const auto give_up = std::chrono::steady_clock::now() + app_.config.upstream_timeout + 200ms;
  while (true) {
    auto leased = co_await app_.store.TryLock(session.key, owner, app_.clock.Now() + kRefreshLease);
    if (!leased) {
      spdlog::error("refresh: store failed: {}", leased.error().message);
      co_return Freshness::kFailed;
    }
    if (*leased) {
      const Freshness result = co_await RefreshHoldingLease(session);
      if (auto unlocked = co_await app_.store.Unlock(session.key, owner); !unlocked) {
        spdlog::warn("refresh: could not release lease: {}", unlocked.error().message);
      }
      co_return result;
    }
    // Someone else is refreshing this session: wait for their result.
    timer.expires_after(kRefreshPoll);
    co_await timer.async_wait(boost::asio::use_awaitable);
    auto reread = co_await Read(session.id, session.key);
    if (!reread) co_return Freshness::kFailed;
    if (!*reread) co_return Freshness::kEnded;
    if (!(*reread)->token.IsExpiring(app_.clock.Now())) {
      session = std::move(**reread);
      co_return Freshness::kFresh;
    }
    if (std::chrono::steady_clock::now() >= give_up) co_return Freshness::kFailed;
  }
}

awaitable<Freshness> SessionService::RefreshHoldingLease(ActiveSession& session) {
  // Another holder may have refreshed between our read and our lease.
  auto current = co_await Read(session.id, session.key);
  if (!current) co_return Freshness::kFailed;
  if (!*current) co_return Freshness::kEnded;
  session = std::move(**current);
  if (!session.token.IsExpiring(app_.clock.Now())) co_return Freshness::kFresh;

  auto refreshed = co_await accounts_.Refresh(session.token.refresh_token);
  if (!refreshed) {
    if (refreshed.error().code == ErrorCode::kAuthentication) {
      // Revoked or expired refresh token: retrying cannot help; end the session cleanly.
      spdlog::info("session ended: spotify refused the refresh token ({})",
                   refreshed.error().message);
      (void)co_await app_.store.DeleteSession(session.key);
      app_.now_playing_cache.Erase(session.key);
      co_return Freshness::kEnded;
    }
    spdlog::warn("refresh failed: {}: {}", ToString(refreshed.error().code),
                 refreshed.error().message);
    co_return Freshness::kFailed;
  }
  // Stored before it is used: under PKCE the old refresh token is already dead.
  session.token = std::move(*refreshed);
  session.record.sealed_token =
      SealToken(session.token, app_.keys.token_enc, session.key, app_.random);
  if (auto put = co_await app_.store.PutSession(session.key, session.record); !put) {
    spdlog::error("refresh: could not store the new token: {}", put.error().message);
    co_return Freshness::kFailed;
  }
  co_return Freshness::kFresh;
}

awaitable<Result<void>> SessionService::Logout(const ActiveSession& session) {
  app_.now_playing_cache.Erase(session.key);
  auto deleted = co_await app_.store.DeleteSession(session.key);
  if (deleted) spdlog::info("logout: spotify user {}", session.record.user_id);
  co_return deleted;
}

std::string SessionService::LogoutToken(const ActiveSession& session) const {
  return Base64UrlEncode(HmacSha256(app_.keys.cookie_mac, std::string("logout\n") + session.id));
}

bool SessionService::CheckLogoutToken(const ActiveSession& session, std::string_view token) const {
  return ConstantTimeEqual(LogoutToken(session), token);
}

}  // namespace spotauth::server
