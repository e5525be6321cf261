// The server's configuration: where each setting comes from, and checking it all at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "core/result.h"
#include "core/scope.h"
#include "http/client_address.h"
#include "http/forward_proxy.h"
#include "store/store_location.h"

namespace spotauth::server {

// Settings by their environment-variable names (SPOTIFY_CLIENT_ID, SPOTAUTH_PORT, ...). Flags,
// the environment and the config file all produce these; flags win over env over file.
using Settings = std::map<std::string, std::string>;

// Every setting the server reads, with a one-line description for --help and the README.
struct SettingInfo {
  const char* name;
  const char* description;
};
const std::vector<SettingInfo>& KnownSettings();

// The known settings present in the process environment.
Settings SettingsFromEnvironment();
// Warnings for SPOTAUTH_* and SPOTIFY_* variables in `environment` (NAME=VALUE entries, as in
// environ) that are not settings, naming the closest known one: a typo would otherwise be
// silently ignored.
std::vector<std::string> UnknownEnvironmentSettings(const char* const* environment);
// A config file of KEY=VALUE lines (the same names as the environment); '#' starts a comment,
// blank lines are ignored, values may be quoted, `export KEY=VALUE` (the dotenv habit) is
// accepted. Unknown keys are problems (with the closest known name), so typos show; every
// problem of the file is listed, not only the first.
tl::expected<Settings, std::vector<std::string>> SettingsFromFile(const std::string& path);
// Later layers override earlier ones.
Settings Merge(std::initializer_list<const Settings*> layers);

struct Config {
  // Things worth saying at start-up that do not stop it (an unknown scope).
  std::vector<std::string> warnings;
  // Listening.
  std::string host = "127.0.0.1";
  std::uint16_t port = 5000;
  unsigned threads = 0;  // event loops; 0 = one per core
  bool access_log = true;
  std::string log_level = "info";  // trace | debug | info | warn | error | off
  bool log_json = false;           // SPOTAUTH_LOG_FORMAT=json: one JSON object per line
  // Whose X-Forwarded-For names the client in the access log (SPOTAUTH_TRUSTED_PROXIES).
  http::TrustedProxies trusted_proxies;
  // The metrics listener (SPOTAUTH_METRICS_ADDRESS), apart from the public one; empty: none.
  std::string metrics_host;  // an address literal, without brackets
  std::uint16_t metrics_port = 0;

  // The app registered with Spotify (tekore's names).
  std::string client_id;
  std::string client_secret;  // empty: public client (PKCE only)
  std::string redirect_uri;   // default: http://host:port/callback (127.0.0.1 for a wildcard)
  Scope scope{"user-read-currently-playing"};

  // Derived from redirect_uri: where browsers must be, and the callback route.
  std::string public_origin;    // e.g. http://127.0.0.1:5000
  std::string public_host;      // the Host header value browsers send, e.g. 127.0.0.1:5000
  std::string callback_path;    // e.g. /callback
  bool secure_cookies = false;  // https public origin: Secure + __Host- cookies

  std::string master_secret;  // raw bytes, >= 32

  store::StoreLocation store;

  // Upstream Spotify.
  std::string accounts_url = "https://accounts.spotify.com";
  std::string api_url = "https://api.spotify.com";
  bool allow_plain_http_upstream = false;  // only for loopback http:// upstreams
  std::string ca_file;
  // HTTPS_PROXY / NO_PROXY from the environment (cli sets it; not a spotauth setting).
  std::optional<http::ForwardProxy> https_proxy;
  std::chrono::milliseconds spotify_timeout{1400};  // per call; a page makes at most two

  // Gateway mode (SPOTAUTH_UPSTREAM set): spotauth in front of an app. Empty: the seed's pages.
  std::string upstream;               // the app's origin, e.g. http://127.0.0.1:8080
  bool allow_plain_http_app = false;  // http:// upstream (https is verified like Spotify)
  std::chrono::milliseconds app_timeout{30'000};  // for the app to start answering
  std::vector<std::string> public_paths;          // path prefixes proxied without sign-in
  bool pass_access_token = false;                 // X-Spotify-Access-Token to the app
  // Where spotauth's own routes live: "" normally, "/spotauth" in gateway mode.
  std::string base_path;
  bool Gateway() const { return !upstream.empty(); }

  // Lifetimes and limits.
  std::chrono::seconds session_idle{14 * 24 * 3600};
  std::chrono::seconds session_lifetime{30 * 24 * 3600};
  std::chrono::seconds login_ttl{600};
  std::size_t max_sessions_per_user = 10;  // past it a user's oldest session ends
  // PKCE (S256) on every login, confidential clients included (RFC 9700 section 2.1.1). Off
  // only as an escape hatch for a confidential client; a public client always uses it.
  bool pkce = true;
  std::chrono::seconds now_playing_cache{5};  // 0 = off
  std::chrono::seconds max_retry_after{300};  // the longest app-wide pause a 429 may impose
};

// Every problem found, each a full sentence saying what to do; empty when the config is usable.
tl::expected<Config, std::vector<std::string>> BuildConfig(const Settings& settings,
                                                           const std::string& working_dir);

// Accepts >= 64 hex characters or >= 43 base64url characters that decode to >= 32 bytes with
// some variety (a secret of one repeated byte is refused). Empty on failure.
std::optional<std::string> DecodeMasterSecret(std::string_view text);

// What `serve` prints when the secret is missing or weak.
std::string HowToMakeASecret();

}  // namespace spotauth::server
