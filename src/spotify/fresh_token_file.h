// A token file kept fresh: what a script or a program needs before each use of the token
// (`spotauth token --refresh FILE`, examples/now_playing).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "core/token.h"
#include "spotify/accounts.h"

namespace spotauth::spotify {

struct FreshToken {
  Token token;
  bool refreshed = false;  // the file was rewritten with a new token
};

// The token in the file at `path` (spotify/token_file.h), refreshed first when it is expiring
// (Token::IsExpiring: under a minute left). A refreshed token is written back to the file
// before it is returned; it keeps the old refresh token when Spotify sends none and stores a
// rotated one when it does (SpotifyAccounts::Refresh). The file is locked (TokenFileLock) from
// the read to the write, so processes refreshing one file at once refresh it once; the lock
// wait blocks the calling thread.
//
// Errors:
//   kInvalidArgument  the file cannot be read, locked or written, is not a token file, or
//                     holds no refresh token while it needs refreshing
//   others            SpotifyAccounts::Refresh's (kAuthentication: the refresh token was
//                     revoked or has expired, sign in again); the file is then left as it was
[[nodiscard]] boost::asio::awaitable<Result<FreshToken>> ReadFreshToken(SpotifyAccounts& accounts,
                                                                        const Clock& clock,
                                                                        std::string path);

}  // namespace spotauth::spotify
