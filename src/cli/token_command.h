// `spotauth token`: a user token from a terminal, for scripts (as tekore's
// prompt_for_user_token and spotipy's token cache give them). docs/token-cli.md.
#pragma once

#include "cli/token_settings.h"

namespace CLI {
class App;
}  // namespace CLI

namespace spotauth::cli {

// Exit codes, listed in `spotauth token --help` and docs/token-cli.md.
inline constexpr int kTokenExitOk = 0;
// A network failure, Spotify unavailable, the sign-in declined or not finished in time, a
// callback address already in use.
inline constexpr int kTokenExitFailed = 1;
// Configuration (SPOTIFY_CLIENT_ID missing, a bad redirect or accounts URL, an unreadable CA
// file) or the token file (missing, malformed, not writable).
inline constexpr int kTokenExitUsage = 2;
// Spotify refused the grant: the refresh token was revoked, has expired or was already used
// (invalid_grant), or the client id or secret is wrong (invalid_client). Sign in again.
inline constexpr int kTokenExitRefused = 3;

// Registers `token` and its flags on `app`, writing into `options`.
CLI::App* AddTokenCommand(CLI::App& app, TokenOptions& options);

// Sign-in (no --refresh): prints the authorize URL on stderr and opens it with xdg-open unless
// options.no_browser, waits on the loopback redirect URI for the one callback, exchanges the
// code (PKCE S256 always; the client secret too when set) and writes the token to options.out
// (0600, atomically) or prints its JSON on stdout.
// --refresh FILE: prints the access token and a newline on stdout, refreshing and rewriting the
// file first when it expires within a minute.
// Messages go to stderr and never hold a secret, code, verifier or token. Returns an exit code
// above.
int RunToken(const TokenOptions& options, const EnvironmentLookup& environment);

}  // namespace spotauth::cli
