#include "spotify/fresh_token_file.h"

#include <utility>

#include "spotify/token_file.h"

namespace spotauth::spotify {

boost::asio::awaitable<Result<FreshToken>> ReadFreshToken(SpotifyAccounts& accounts,
                                                          const Clock& clock, std::string path) {
  SPOTAUTH_CO_TRY_ASSIGN(const TokenFileLock lock, TokenFileLock::Acquire(path));
  SPOTAUTH_CO_TRY_ASSIGN(Token token, ReadTokenFile(path));
  FreshToken out{std::move(token), false};
  if (!out.token.IsExpiring(clock.Now())) co_return out;
  if (out.token.refresh_token.empty()) {
    co_return MakeError(ErrorCode::kInvalidArgument,
                        path + " has no refresh token to renew its expiring access token");
  }
  SPOTAUTH_CO_TRY_ASSIGN(Token fresh, co_await accounts.Refresh(out.token.refresh_token));
  // Spotify's refresh answer may leave the scope out; the grant's scope has not changed then.
  if (fresh.scope.Empty()) fresh.scope = out.token.scope;
  SPOTAUTH_CO_TRY(WriteTokenFile(path, fresh));
  out.token = std::move(fresh);
  out.refreshed = true;
  co_return out;
}

}  // namespace spotauth::spotify
