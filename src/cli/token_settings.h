// What `spotauth token` needs to know, from its flags and the environment, checked all at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "core/scope.h"
#include "spotify/accounts.h"

namespace spotauth::cli {

// The command line of `spotauth token`; unset flags fall back to the environment.
struct TokenOptions {
  std::optional<std::string> scope;         // else SPOTAUTH_SCOPE, else user-read-currently-playing
  std::optional<std::string> redirect_uri;  // else SPOTIFY_REDIRECT_URI, else kDefaultRedirectUri
  std::optional<std::string> accounts_url;  // else SPOTAUTH_ACCOUNTS_URL, else Spotify's
  std::optional<std::string> ca_file;       // else SPOTAUTH_CA_FILE, else the system store
  std::string out;                          // sign-in: the token file; empty: stdout
  std::string refresh;                      // --refresh FILE: print a fresh access token
  bool no_browser = false;                  // do not run xdg-open
  unsigned timeout_seconds = 300;           // how long to wait for the browser
};

inline constexpr std::string_view kDefaultRedirectUri = "http://127.0.0.1:5000/callback";

struct TokenSettings {
  // client_id from SPOTIFY_CLIENT_ID; client_secret from SPOTIFY_CLIENT_SECRET only (a flag
  // would show it to every user of the machine through ps); redirect_uri as given.
  spotify::Credentials credentials;
  Scope scope;
  std::string accounts_url;       // without a trailing slash
  bool allow_plain_http = false;  // the accounts URL is http:// on a loopback address
  std::string ca_file;
  // Where the one callback is awaited (from the redirect URI; sign-in only).
  std::string listen_host;  // an address literal, IPv6 without brackets
  std::uint16_t listen_port = 0;
  std::string callback_path;
  std::chrono::seconds timeout{300};
  // Things worth saying that do not stop the command (an unknown scope name).
  std::vector<std::string> warnings;
};

// Reads an environment variable; nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;
// The process environment.
std::optional<std::string> ProcessEnvironment(std::string_view name);

// Flags win over the environment. The redirect URI is checked only for a sign-in (not with
// --refresh): it must be http on a loopback address literal (127.0.0.1 or [::1]) with a path,
// no query, fragment or user info, since this process is the one listening there. The accounts
// URL must be https, or http on a loopback address (the stand-in Spotify), without a path.
// Every problem is listed, each a sentence saying what to do.
tl::expected<TokenSettings, std::vector<std::string>> ResolveTokenSettings(
    const TokenOptions& options, const EnvironmentLookup& environment);

}  // namespace spotauth::cli
