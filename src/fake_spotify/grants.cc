// The token side of FakeSpotifyState: codes, grants, access and refresh tokens.
#include <utility>

#include "core/crypto.h"
#include "core/encoding.h"
#include "core/pkce.h"
#include "fake_spotify/state.h"

namespace spotauth::fake_spotify {
namespace {

tl::unexpected<OAuthError> Fail(unsigned status, std::string error, std::string description) {
  return tl::unexpected<OAuthError>(OAuthError{status, std::move(error), std::move(description)});
}

tl::unexpected<OAuthError> InvalidGrant(std::string description) {
  return Fail(400, "invalid_grant", std::move(description));
}

}  // namespace

std::string FakeSpotifyState::NewSecretLocked(std::size_t bytes) {
  std::string secret = Base64UrlEncode(random_.Bytes(bytes));
  issued_secrets_.push_back(secret);
  return secret;
}

std::string FakeSpotifyState::IssueCode(CodeRequest request) {
  std::lock_guard lock(mutex_);
  PurgeLocked();
  std::string code = NewSecretLocked(48);
  codes_.emplace(code, CodeRecord{std::move(request), clock_.Now() + settings_.code_lifetime});
  return code;
}

tl::expected<IssuedTokens, OAuthError> FakeSpotifyState::RedeemCode(
    const CodeRedemption& redemption) {
  std::lock_guard lock(mutex_);
  auto it = codes_.find(redemption.code);
  // Another client's code reads as unknown, so one client cannot burn another's codes.
  if (it == codes_.end() || it->second.request.client_id != redemption.client_id ||
      clock_.Now() >= it->second.expires_at) {
    return InvalidGrant("Invalid authorization code");
  }
  CodeRecord& record = it->second;
  const bool pkce = !record.request.code_challenge.empty();
  // Without a challenge the only proof that the caller is the client is its secret; checked
  // before the code is consumed so a bare client_id cannot burn codes.
  if (!pkce && !redemption.client_authenticated) {
    return Fail(401, "invalid_client", "Invalid client");
  }
  if (record.used) {
    // Someone replays a code: whoever redeemed it first may be an attacker, so nothing issued
    // from it can be trusted any more (RFC 6749 section 10.5).
    if (record.grant_id != 0) RevokeGrantLocked(record.grant_id);
    return InvalidGrant("Invalid authorization code");
  }
  // Any presentation uses the code up: a wrong verifier must not be retried against it.
  record.used = true;
  if (redemption.redirect_uri != record.request.redirect_uri) {
    return InvalidGrant("Invalid redirect URI");
  }
  if (pkce) {
    if (!redemption.code_verifier) {
      return Fail(400, "invalid_request", "code_verifier required");
    }
    if (!IsValidCodeVerifier(*redemption.code_verifier) ||
        !ConstantTimeEqual(S256Challenge(*redemption.code_verifier),
                           record.request.code_challenge)) {
      return InvalidGrant("code_verifier was incorrect");
    }
  } else if (redemption.code_verifier) {
    return InvalidGrant("code_verifier was incorrect");
  }
  const std::uint64_t grant_id = next_grant_id_++;
  grants_.emplace(grant_id,
                  Grant{record.request.client_id, record.request.user_id, record.request.scope,
                        clock_.Now(), !redemption.client_authenticated});
  record.grant_id = grant_id;
  return IssueLocked(grant_id, true);
}

tl::expected<IssuedTokens, OAuthError> FakeSpotifyState::Refresh(const RefreshRequest& request) {
  std::lock_guard lock(mutex_);
  auto it = refresh_tokens_.find(request.refresh_token);
  if (it == refresh_tokens_.end()) return InvalidGrant("Invalid refresh token");
  auto grant_it = grants_.find(it->second.grant_id);
  if (grant_it == grants_.end() || grant_it->second.client_id != request.client_id) {
    return InvalidGrant("Invalid refresh token");
  }
  const Grant& grant = grant_it->second;
  if (!grant.is_public && !request.client_authenticated) {
    return Fail(401, "invalid_client", "Invalid client");
  }
  if (it->second.revoked) return InvalidGrant("Refresh token revoked");
  if (clock_.Now() >= grant.authorized_at + settings_.refresh_token_lifetime) {
    return InvalidGrant("Refresh token expired");
  }
  const bool rotate = grant.is_public || settings_.rotate_confidential_refresh_tokens;
  if (rotate) it->second.revoked = true;
  return IssueLocked(grant_it->first, rotate);
}

IssuedTokens FakeSpotifyState::IssueClientCredentials(std::string_view client_id) {
  std::lock_guard lock(mutex_);
  std::string token = NewSecretLocked(48);
  access_tokens_.emplace(
      token,
      AccessRecord{
          0, std::string(client_id), {}, {}, clock_.Now() + settings_.access_token_lifetime});
  return IssuedTokens{std::move(token), {}, std::nullopt, settings_.access_token_lifetime};
}

IssuedTokens FakeSpotifyState::IssueLocked(std::uint64_t grant_id, bool with_refresh_token) {
  const Grant& grant = grants_.at(grant_id);
  IssuedTokens issued;
  issued.access_token = NewSecretLocked(48);
  issued.scope = grant.scope;
  issued.expires_in = settings_.access_token_lifetime;
  access_tokens_.emplace(issued.access_token,
                         AccessRecord{grant_id, grant.client_id, grant.user_id, grant.scope,
                                      clock_.Now() + settings_.access_token_lifetime});
  if (with_refresh_token) {
    issued.refresh_token = NewSecretLocked(48);
    refresh_tokens_.emplace(issued.refresh_token, RefreshRecord{grant_id, false});
  }
  return issued;
}

tl::expected<AccessGrant, AccessTokenProblem> FakeSpotifyState::CheckAccessToken(
    std::string_view token) const {
  std::lock_guard lock(mutex_);
  auto it = access_tokens_.find(token);
  if (it == access_tokens_.end()) return tl::unexpected(AccessTokenProblem::kInvalid);
  if (clock_.Now() >= it->second.expires_at) return tl::unexpected(AccessTokenProblem::kExpired);
  return AccessGrant{it->second.client_id, it->second.user_id, it->second.scope};
}

void FakeSpotifyState::RevokeRefreshTokens(std::string_view user_id) {
  std::lock_guard lock(mutex_);
  for (auto& [token, record] : refresh_tokens_) {
    auto grant = grants_.find(record.grant_id);
    if (grant != grants_.end() && grant->second.user_id == user_id) record.revoked = true;
  }
}

void FakeSpotifyState::ExpireAccessTokens() {
  std::lock_guard lock(mutex_);
  const TimePoint now = clock_.Now();
  for (auto& [token, record] : access_tokens_) {
    if (record.expires_at > now) record.expires_at = now;
  }
}

void FakeSpotifyState::RevokeGrantLocked(std::uint64_t grant_id) {
  for (auto& [token, record] : refresh_tokens_) {
    if (record.grant_id == grant_id) record.revoked = true;
  }
  std::erase_if(access_tokens_,
                [&](const auto& entry) { return entry.second.grant_id == grant_id; });
}

void FakeSpotifyState::PurgeLocked() {
  // Expired codes can never be redeemed again; dropping them keeps a long-running demo's memory
  // flat. Tokens are kept so that "expired" and "revoked" stay distinguishable.
  const TimePoint now = clock_.Now();
  std::erase_if(codes_, [&](const auto& entry) { return entry.second.expires_at <= now; });
}

}  // namespace spotauth::fake_spotify
