// A user token kept in a file between runs (what `spotauth token` writes, and what scripts and
// programs read), as spotipy's cache file does it. See docs/token-cli.md for the format.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/token.h"

namespace spotauth::spotify {

// The file's content: one JSON object
//   {"access_token":"…","refresh_token":"…","expires_at":1767225600,"scope":"a b",
//    "token_type":"Bearer"}
// expires_at in unix seconds (sub-second expiry is truncated), scope space separated and
// sorted. Ends with a newline.
std::string TokenFileJson(const Token& token);

// Reads a token from TokenFileJson's format. access_token and expires_at are required;
// refresh_token, scope and token_type may be absent (an app token has no refresh token; the
// type defaults to Bearer); other fields are ignored.
// Errors: kInvalidArgument with a message naming the field and its problem, never a value.
[[nodiscard]] Result<Token> ParseTokenFile(std::string_view text);

// ParseTokenFile of the file at `path`.
// Errors: kInvalidArgument when the file cannot be read or is not a token file; the message
// starts with the path.
[[nodiscard]] Result<Token> ReadTokenFile(const std::string& path);

// Writes the token to `path` readable by the owner only (0600), atomically: a new file in the
// same directory is written, flushed to disk and renamed over `path`, so a reader sees the old
// token or the new one, never a part, and a crash leaves the old file intact. The file's mode is
// 0600 whatever the umask, also when it replaces a file with wider permissions.
// Errors: kInvalidArgument when the file cannot be written (the message names the path and the
// system's reason); nothing is left behind in that case.
[[nodiscard]] Result<void> WriteTokenFile(const std::string& path, const Token& token);

// An exclusive advisory lock (flock) on the token file at `path`, for a read-refresh-write that
// must not interleave with another process doing the same (a second refresh with a refresh token
// that the first one just used up is refused by Spotify). Because WriteTokenFile replaces the
// file, the lock is taken on whatever `path` names once the lock is held: Acquire re-checks and
// retries if the file was replaced while it waited. Released by the destructor. Blocks while
// another process holds it.
class TokenFileLock {
 public:
  // Errors: kInvalidArgument when the file cannot be opened or locked.
  [[nodiscard]] static Result<TokenFileLock> Acquire(const std::string& path);

  TokenFileLock(TokenFileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  TokenFileLock& operator=(TokenFileLock&& other) noexcept;
  TokenFileLock(const TokenFileLock&) = delete;
  TokenFileLock& operator=(const TokenFileLock&) = delete;
  ~TokenFileLock();

 private:
  explicit TokenFileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace spotauth::spotify
