#include "spotify/fresh_token_file.h"

#include <utility>

#include "spotify/token_file.h"

namespace spotauth::spotify {

boost::asio::awaitable<Result<FreshToken>> ReadFreshToken(SpotifyAccounts& accounts,
                                                          const Clock& clock, std::string path) {
  SPOTAUTH_CO_TRY_ASSIGN(const TokenFileLock lock, TokenFileLock::Acquire(path));
  SPOTAUTH_CO_TRY_ASSIGN(Token token, ReadTokenFile(path));
  if (!token.IsExpiring(clock.Now())) co_return FreshToken{std::move(token), false};
  if (token.refresh_token.empty()) {
    co_return MakeError(ErrorCode::kInvalidArgument,
                        path + " has no refresh token to renew its expiring access token");
  }
  SPOTAUTH_CO_TRY_ASSIGN(Token fresh, co_await accounts.Refresh(token.refresh_token));
  // Spotify's refresh answer may leave the scope out; the grant's scope has not changed then.
  if (fresh.scope.Empty()) fresh.scope = token.scope;
  SPOTAUTH_CO_TRY(WriteTokenFile(path, fresh));
  co_return FreshToken{std::move(fresh), true};
}

}  // namespace spotauth::spotify
