#include "server/config.h"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>

#include "core/encoding.h"
#include "http/loopback.h"

namespace spotauth::server {
namespace {

namespace urls = boost::urls;

const std::vector<SettingInfo> kSettings = {
    {"SPOTIFY_CLIENT_ID", "Spotify app client id (required)"},
    {"SPOTIFY_CLIENT_SECRET",
     "Spotify app client secret; without it the server is a PKCE public client"},
    {"SPOTIFY_REDIRECT_URI",
     "redirect URI registered with Spotify (default http://HOST:PORT/callback from "
     "SPOTAUTH_HOST and SPOTAUTH_PORT; 127.0.0.1 for a wildcard host)"},
    {"SPOTAUTH_SECRET", "master secret: >= 64 hex or >= 43 base64url characters (required)"},
    {"SPOTAUTH_HOST", "address to listen on (default 127.0.0.1)"},
    {"SPOTAUTH_PORT", "port to listen on (default 5000)"},
    {"SPOTAUTH_STORE",
     "memory | sqlite:///absolute/path.db (default ./spotauth.db) | "
     "redis://[:password@]host:port/db | redis+unix:///path/redis.sock[?db=N&password=P]"},
    {"SPOTAUTH_REDIS_PREFIX", "prefix of every Redis key (default spotauth:)"},
    {"SPOTAUTH_THREADS", "event loops (default: one per core)"},
    {"SPOTAUTH_ACCOUNTS_URL", "Spotify accounts service (default https://accounts.spotify.com)"},
    {"SPOTAUTH_API_URL", "Spotify Web API (default https://api.spotify.com)"},
    {"SPOTAUTH_CA_FILE", "PEM file of trusted roots for upstream TLS (default: system store)"},
    {"SPOTAUTH_SCOPE", "space-separated scopes (default user-read-currently-playing)"},
    {"SPOTAUTH_SPOTIFY_TIMEOUT_MS", "deadline of one call to Spotify in ms (default 1400)"},
    {"SPOTAUTH_UPSTREAM_TIMEOUT_MS",
     "old name of SPOTAUTH_SPOTIFY_TIMEOUT_MS (still read, with a warning)"},
    {"SPOTAUTH_UPSTREAM",
     "gateway mode: the app's origin (http://host:port, https verified like Spotify calls); "
     "spotauth's own routes move under /spotauth/ and signed-in requests are proxied to it"},
    {"SPOTAUTH_APP_TIMEOUT_MS",
     "gateway mode: how long the app may take to start answering, in ms; then 504 (default "
     "30000)"},
    {"SPOTAUTH_PUBLIC_PATHS",
     "gateway mode: comma-separated path prefixes proxied without sign-in, e.g. "
     "/static/,/favicon.ico"},
    {"SPOTAUTH_PASS_ACCESS_TOKEN",
     "gateway mode: 1 to send the user's fresh access token to the app as X-Spotify-Access-Token "
     "(default 0)"},
    {"SPOTAUTH_SESSION_IDLE", "seconds a session lives without use (default 1209600 = 14 days)"},
    {"SPOTAUTH_SESSION_LIFETIME", "seconds a session lives at most (default 2592000 = 30 days)"},
    {"SPOTAUTH_LOGIN_TTL", "seconds a started login stays valid (default 600)"},
    {"SPOTAUTH_MAX_SESSIONS_PER_USER",
     "signed-in sessions one Spotify user may have; past it the oldest ends (default 10)"},
    {"SPOTAUTH_PKCE",
     "1 or 0: PKCE on every login (default 1); 0 only for a confidential client, as an escape "
     "hatch"},
    {"SPOTAUTH_NOW_PLAYING_CACHE",
     "seconds to reuse a user's now-playing answer; 0 = off (default 5)"},
    {"SPOTAUTH_MAX_RETRY_AFTER", "longest app-wide pause after a 429, in seconds (default 300)"},
    {"SPOTAUTH_ACCESS_LOG", "1 or 0: one log line per request (default 1)"},
    {"SPOTAUTH_LOG_LEVEL", "trace | debug | info | warn | error | off (default info)"},
    {"SPOTAUTH_LOG_FORMAT", "text | json: json writes one JSON object per log line (default text)"},
    {"SPOTAUTH_TRUSTED_PROXIES",
     "comma-separated addresses and CIDR blocks of proxies whose X-Forwarded-For names the client "
     "in the access log (default: none; the peer is the client)"},
    {"SPOTAUTH_METRICS_ADDRESS",
     "IP:port of a separate listener serving Prometheus metrics at /metrics, e.g. "
     "127.0.0.1:9100 or [::1]:9100 (default: none; the public port never serves them)"},
};

bool IsKnown(std::string_view name) {
  return std::any_of(kSettings.begin(), kSettings.end(),
                     [&](const SettingInfo& s) { return name == s.name; });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

template <class Int>
std::optional<Int> ParseNumber(std::string_view text, Int min, Int max) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

// Collects problems so that every one is reported in a single run.
class Checker {
 public:
  explicit Checker(const Settings& settings) : settings_(settings) {}

  std::string Get(const char* name, const std::string& fallback = "") const {
    auto it = settings_.find(name);
    return it == settings_.end() ? fallback : it->second;
  }
  bool Has(const char* name) const { return settings_.count(name) > 0; }

  template <class Int>
  void Number(const char* name, Int min, Int max, Int& out) {
    if (!Has(name)) return;
    if (auto v = ParseNumber<Int>(Get(name), min, max)) {
      out = *v;
    } else {
      Problem(std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
              std::to_string(max) + ".");
    }
  }
  void Seconds(const char* name, std::int64_t min, std::int64_t max, std::chrono::seconds& out) {
    std::int64_t v = out.count();
    Number<std::int64_t>(name, min, max, v);
    out = std::chrono::seconds(v);
  }
  void Problem(std::string text) { problems_.push_back(std::move(text)); }

  // A 1/0 (or true/false, on/off) setting, left as it is when absent.
  void Flag(const char* name, bool& out) {
    if (!Has(name)) return;
    const std::string v = Get(name);
    if (v == "1" || v == "true" || v == "on") {
      out = true;
    } else if (v == "0" || v == "false" || v == "off") {
      out = false;
    } else {
      Problem(std::string(name) + " must be 1 or 0.");
    }
  }
  std::vector<std::string>& Problems() { return problems_; }

 private:
  const Settings& settings_;
  std::vector<std::string> problems_;
};

std::string DefaultRedirectUri(const Config& config, bool gateway) {
  std::string host = config.host;
  if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  const auto port = config.port == 0 ? std::uint16_t{5000} : config.port;
  return "http://" + host + ":" + std::to_string(port) + (gateway ? "/spotauth" : "") + "/callback";
}

void CheckRedirectUri(Checker& check, Config& config) {
  auto parsed = urls::parse_uri(config.redirect_uri);  // with a fragment, to name it below
  if (!parsed) {
    check.Problem("SPOTIFY_REDIRECT_URI is not an absolute URI.");
    return;
  }
  const urls::url_view url = *parsed;
  const bool https = url.scheme_id() == urls::scheme::https;
  const bool http = url.scheme_id() == urls::scheme::http;
  if (url.host() == "localhost" && !https) {
    check.Problem(
        "SPOTIFY_REDIRECT_URI uses 'localhost', which Spotify refuses for redirect URIs since "
        "2025; use the loopback address instead, e.g. http://127.0.0.1:" +
        std::string(url.has_port() ? url.port() : "5000") + "/callback.");
    return;
  }
  if (!https && !(http && http::IsLoopbackLiteral(url))) {
    check.Problem(
        "SPOTIFY_REDIRECT_URI must be https, or http on a loopback address (127.0.0.1 or [::1]), "
        "as Spotify requires.");
    return;
  }
  if (url.has_fragment()) {
    check.Problem("SPOTIFY_REDIRECT_URI must not have a fragment ('#" +
                  std::string(url.encoded_fragment()) +
                  "'): Spotify adds the code to the redirect URI's query, and a fragment never "
                  "reaches the server.");
    return;
  }
  if (url.has_query() || url.has_userinfo()) {
    check.Problem("SPOTIFY_REDIRECT_URI must not have a query, fragment or user info.");
    return;
  }
  std::string path = url.encoded_path().empty() ? "/" : std::string(url.encoded_path());
  if (path == "/") {
    check.Problem("SPOTIFY_REDIRECT_URI needs a path for the callback, e.g. /callback.");
    return;
  }
  config.callback_path = path;
  config.secure_cookies = https;
  // The canonical origin (RFC 6454 section 4): lower-case host, no default port. Browsers send
  // Host and Origin that way, so anything else would redirect every request to itself.
  std::string host(url.encoded_host());
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool default_port = !url.has_port() || url.port().empty() ||
                            (https && url.port() == "443") || (http && url.port() == "80");
  config.public_host = default_port ? host : host + ":" + std::string(url.port());
  config.public_origin = std::string(https ? "https" : "http") + "://" + config.public_host;
  config.redirect_uri = config.public_origin + path;
}

void CheckUpstream(Checker& check, const char* name, const std::string& value, bool& plain) {
  auto parsed = urls::parse_absolute_uri(value);
  if (!parsed || parsed->host().empty()) {
    check.Problem(std::string(name) + " is not an absolute http(s) URL.");
    return;
  }
  if (parsed->has_query() || parsed->has_fragment() ||
      (!parsed->encoded_path().empty() && parsed->encoded_path() != "/")) {
    check.Problem(std::string(name) + " must be an origin without a path, e.g. https://host:port.");
    return;
  }
  if (parsed->scheme_id() == urls::scheme::http && http::IsLoopbackLiteral(*parsed)) {
    plain = true;  // the stand-in Spotify on loopback
  } else if (parsed->scheme_id() != urls::scheme::https) {
    check.Problem(std::string(name) +
                  " must be https (http is allowed only on a loopback address).");
  }
}

// Gateway mode's settings; they are refused without SPOTAUTH_UPSTREAM rather than ignored.
void CheckGateway(Checker& check, Config& config) {
  config.upstream = check.Get("SPOTAUTH_UPSTREAM");
  if (config.upstream.empty()) {
    for (const char* name :
         {"SPOTAUTH_APP_TIMEOUT_MS", "SPOTAUTH_PUBLIC_PATHS", "SPOTAUTH_PASS_ACCESS_TOKEN"}) {
      if (check.Has(name))
        check.Problem(std::string(name) + " needs SPOTAUTH_UPSTREAM (gateway mode).");
    }
    return;
  }
  auto parsed = urls::parse_absolute_uri(config.upstream);
  const bool http = parsed && parsed->scheme_id() == urls::scheme::http;
  if (!parsed || parsed->host().empty() || (!http && parsed->scheme_id() != urls::scheme::https)) {
    check.Problem(
        "SPOTAUTH_UPSTREAM must be an http:// or https:// URL, e.g. http://127.0.0.1:8080.");
    return;
  }
  if (parsed->has_query() || parsed->has_fragment() || parsed->has_userinfo() ||
      (!parsed->encoded_path().empty() && parsed->encoded_path() != "/")) {
    check.Problem(
        "SPOTAUTH_UPSTREAM must be an origin without a path, e.g. http://127.0.0.1:8080: "
        "requests keep their own paths.");
    return;
  }
  config.allow_plain_http_app = http;
  while (config.upstream.back() == '/') config.upstream.pop_back();
  config.base_path = "/spotauth";
  std::int64_t ms = config.app_timeout.count();
  check.Number<std::int64_t>("SPOTAUTH_APP_TIMEOUT_MS", 50, 3'600'000, ms);
  config.app_timeout = std::chrono::milliseconds(ms);
  check.Flag("SPOTAUTH_PASS_ACCESS_TOKEN", config.pass_access_token);
  const std::string paths = check.Get("SPOTAUTH_PUBLIC_PATHS");
  for (std::size_t at = 0; at <= paths.size();) {
    std::size_t comma = paths.find(',', at);
    if (comma == std::string::npos) comma = paths.size();
    const std::string_view prefix = Trim(std::string_view(paths).substr(at, comma - at));
    at = comma + 1;
    if (prefix.empty()) continue;
    if (prefix.front() != '/' || prefix.rfind("/spotauth/", 0) == 0) {
      check.Problem("SPOTAUTH_PUBLIC_PATHS: '" + std::string(prefix) +
                    "' must be a path prefix starting with / and outside /spotauth/.");
      continue;
    }
    config.public_paths.emplace_back(prefix);
  }
}

// host:port with an address literal (the listener binds without DNS), on another port than the
// public listener's, so the metrics are never reachable where browsers are.
void CheckMetricsAddress(Checker& check, Config& config) {
  const std::string value = check.Get("SPOTAUTH_METRICS_ADDRESS");
  if (value.empty()) return;
  auto parsed = urls::parse_authority(value);
  const bool literal = parsed && (parsed->host_type() == urls::host_type::ipv4 ||
                                  parsed->host_type() == urls::host_type::ipv6);
  const auto port = parsed ? ParseNumber<std::uint16_t>(parsed->port(), 1, 65535) : std::nullopt;
  if (!literal || parsed->has_userinfo() || !port) {
    check.Problem(
        "SPOTAUTH_METRICS_ADDRESS must be an IP address and a port, e.g. 127.0.0.1:9100 "
        "or [::1]:9100.");
    return;
  }
  if (*port == config.port) {
    check.Problem(
        "SPOTAUTH_METRICS_ADDRESS must use another port than SPOTAUTH_PORT: metrics "
        "stay off the public listener.");
    return;
  }
  config.metrics_host = parsed->host_type() == urls::host_type::ipv6
                            ? parsed->host_ipv6_address().to_string()
                            : std::string(parsed->host_address());
  config.metrics_port = *port;
}

void CheckStore(Checker& check, Config& config, const std::string& value,
                const std::string& working_dir) {
  auto where = store::ParseStoreLocation(value, working_dir + "/spotauth.db");
  if (!where) {
    check.Problem("SPOTAUTH_STORE: " + where.error().message);
    return;
  }
  where->redis_prefix = check.Get("SPOTAUTH_REDIS_PREFIX", where->redis_prefix);
  if (where->redis_prefix.find_first_of("{}") != std::string::npos) {
    check.Problem("SPOTAUTH_REDIS_PREFIX must not contain { or } (they mark Redis hash tags).");
  }
  config.store = std::move(*where);
}

}  // namespace

const std::vector<SettingInfo>& KnownSettings() { return kSettings; }

Settings SettingsFromEnvironment() {
  Settings out;
  for (const auto& s : kSettings) {
    if (const char* v = std::getenv(s.name)) out[s.name] = v;
  }
  return out;
}

namespace {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean X?)" for the closest known setting within a few edits, else "".
std::string Suggestion(std::string_view name) {
  const SettingInfo* best = nullptr;
  std::size_t best_distance = 4;
  for (const auto& known : kSettings) {
    const std::size_t d = EditDistance(name, known.name);
    if (d < best_distance) {
      best = &known;
      best_distance = d;
    }
  }
  return best ? std::string(" (did you mean ") + best->name + "?)" : std::string();
}

}  // namespace

std::vector<std::string> UnknownEnvironmentSettings(const char* const* environment) {
  std::vector<std::string> warnings;
  for (; environment && *environment; ++environment) {
    const std::string_view entry(*environment);
    const std::string_view name = entry.substr(0, entry.find('='));
    const bool ours = name.rfind("SPOTAUTH_", 0) == 0 || name.rfind("SPOTIFY_", 0) == 0;
    if (!ours || IsKnown(name) || name == "SPOTAUTH_CONFIG") continue;
    warnings.push_back("environment variable " + std::string(name) + " is not a setting" +
                       Suggestion(name) + "; it is ignored.");
  }
  return warnings;
}

tl::expected<Settings, std::vector<std::string>> SettingsFromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return tl::unexpected(std::vector<std::string>{"cannot read config file " + path});
  Settings out;
  std::vector<std::string> problems;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    if (text.rfind("export ", 0) == 0) text = Trim(text.substr(7));
    const auto eq = text.find('=');
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (eq == std::string_view::npos) {
      problems.push_back(where + "expected KEY=VALUE");
      continue;
    }
    std::string key(Trim(text.substr(0, eq)));
    std::string_view value = Trim(text.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (!IsKnown(key)) {
      problems.push_back(where);
      problems.back().append("unknown setting ").append(key).append(Suggestion(key));
      continue;
    }
    out[key] = std::string(value);
  }
  if (!problems.empty()) return tl::unexpected(std::move(problems));
  return out;
}

Settings Merge(std::initializer_list<const Settings*> layers) {
  Settings out;
  for (const Settings* layer : layers) {
    for (const auto& [k, v] : *layer) out[k] = v;
  }
  return out;
}

std::optional<std::string> DecodeMasterSecret(std::string_view text) {
  std::optional<std::string> raw;
  if (text.size() >= 64) raw = HexDecode(text);
  if (!raw && text.size() >= 43) raw = Base64UrlDecode(text);
  if (!raw || raw->size() < 32) return std::nullopt;
  // A secret of one or two repeated bytes (zeros, "aaaa…") is a placeholder, not a key.
  const std::set<char> distinct(raw->begin(), raw->end());
  if (distinct.size() < 8) return std::nullopt;
  return raw;
}

std::string HowToMakeASecret() {
  return "Make one with:  export SPOTAUTH_SECRET=$(openssl rand -hex 32)\n"
         "(or `spotauth gen-secret`). Keep it stable: changing it logs everyone out.";
}

tl::expected<Config, std::vector<std::string>> BuildConfig(const Settings& settings,
                                                           const std::string& working_dir) {
  Config config;
  Checker check(settings);

  config.client_id = check.Get("SPOTIFY_CLIENT_ID");
  if (config.client_id.empty())
    check.Problem("SPOTIFY_CLIENT_ID is required (your Spotify app's client id).");
  config.client_secret = check.Get("SPOTIFY_CLIENT_SECRET");

  const std::string secret = check.Get("SPOTAUTH_SECRET");
  if (secret.empty()) {
    check.Problem("SPOTAUTH_SECRET is required. " + HowToMakeASecret());
  } else if (auto raw = DecodeMasterSecret(secret)) {
    config.master_secret = *raw;
  } else {
    check.Problem(
        "SPOTAUTH_SECRET is too weak: it must be at least 32 random bytes, given as "
        "64+ hex or 43+ base64url characters. " +
        HowToMakeASecret());
  }

  config.host = check.Get("SPOTAUTH_HOST", config.host);
  if (config.host.empty()) check.Problem("SPOTAUTH_HOST must not be empty.");
  check.Number<std::uint16_t>("SPOTAUTH_PORT", 0, 65535, config.port);
  check.Number<unsigned>("SPOTAUTH_THREADS", 0, 256, config.threads);
  CheckGateway(check, config);
  // Unset, the redirect URI follows where the server listens, so `--port 5003` alone works.
  config.redirect_uri =
      check.Get("SPOTIFY_REDIRECT_URI", DefaultRedirectUri(config, config.Gateway()));
  CheckRedirectUri(check, config);
  CheckStore(check, config, check.Get("SPOTAUTH_STORE"), working_dir);

  config.accounts_url = check.Get("SPOTAUTH_ACCOUNTS_URL", config.accounts_url);
  config.api_url = check.Get("SPOTAUTH_API_URL", config.api_url);
  bool plain_accounts = false, plain_api = false;
  CheckUpstream(check, "SPOTAUTH_ACCOUNTS_URL", config.accounts_url, plain_accounts);
  CheckUpstream(check, "SPOTAUTH_API_URL", config.api_url, plain_api);
  config.allow_plain_http_upstream = plain_accounts || plain_api;
  while (!config.accounts_url.empty() && config.accounts_url.back() == '/')
    config.accounts_url.pop_back();
  while (!config.api_url.empty() && config.api_url.back() == '/') config.api_url.pop_back();
  config.ca_file = check.Get("SPOTAUTH_CA_FILE");

  if (check.Has("SPOTAUTH_SCOPE")) {
    config.scope = Scope::Parse(check.Get("SPOTAUTH_SCOPE"));
    for (const auto& name : config.scope.Names()) {
      // Spotify adds scopes now and then; an unknown one is most likely new, possibly a typo.
      if (!Scope::IsKnown(name)) {
        config.warnings.push_back("SPOTAUTH_SCOPE: '" + name +
                                  "' is not a scope spotauth knows; it is passed to Spotify as "
                                  "written.");
      }
    }
  }
  if (!config.scope.Contains("user-read-currently-playing") &&
      !config.scope.Contains("user-read-playback-state")) {
    check.Problem(
        "SPOTAUTH_SCOPE must include user-read-currently-playing or "
        "user-read-playback-state: the main page shows what is playing.");
  }

  std::int64_t timeout_ms = config.spotify_timeout.count();
  // The old name, from before gateway mode gave "upstream" a second meaning.
  if (check.Has("SPOTAUTH_UPSTREAM_TIMEOUT_MS")) {
    config.warnings.push_back(
        "SPOTAUTH_UPSTREAM_TIMEOUT_MS is now SPOTAUTH_SPOTIFY_TIMEOUT_MS; the old name still "
        "works for now.");
    check.Number<std::int64_t>("SPOTAUTH_UPSTREAM_TIMEOUT_MS", 50, 60'000, timeout_ms);
  }
  check.Number<std::int64_t>("SPOTAUTH_SPOTIFY_TIMEOUT_MS", 50, 60'000, timeout_ms);
  config.spotify_timeout = std::chrono::milliseconds(timeout_ms);
  check.Seconds("SPOTAUTH_SESSION_IDLE", 60, 365LL * 24 * 3600, config.session_idle);
  check.Seconds("SPOTAUTH_SESSION_LIFETIME", 60, 365LL * 24 * 3600, config.session_lifetime);
  check.Seconds("SPOTAUTH_LOGIN_TTL", 10, 3600, config.login_ttl);
  check.Number<std::size_t>("SPOTAUTH_MAX_SESSIONS_PER_USER", 1, 1000,
                            config.max_sessions_per_user);
  check.Flag("SPOTAUTH_PKCE", config.pkce);
  if (!config.pkce && config.client_secret.empty()) {
    check.Problem("SPOTAUTH_PKCE=0 needs SPOTIFY_CLIENT_SECRET: a public client must use PKCE.");
  }
  check.Seconds("SPOTAUTH_NOW_PLAYING_CACHE", 0, 3600, config.now_playing_cache);
  check.Seconds("SPOTAUTH_MAX_RETRY_AFTER", 1, 24 * 3600, config.max_retry_after);
  check.Flag("SPOTAUTH_ACCESS_LOG", config.access_log);
  CheckMetricsAddress(check, config);
  config.log_level = check.Get("SPOTAUTH_LOG_LEVEL", config.log_level);
  static constexpr std::array<std::string_view, 6> kLevels = {"trace", "debug", "info",
                                                              "warn",  "error", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), config.log_level) == kLevels.end()) {
    check.Problem("SPOTAUTH_LOG_LEVEL must be one of trace, debug, info, warn, error, off.");
  }
  const std::string log_format = check.Get("SPOTAUTH_LOG_FORMAT", "text");
  if (log_format != "text" && log_format != "json") {
    check.Problem("SPOTAUTH_LOG_FORMAT must be text or json.");
  }
  config.log_json = log_format == "json";
  if (auto trusted = http::TrustedProxies::Parse(check.Get("SPOTAUTH_TRUSTED_PROXIES"))) {
    config.trusted_proxies = std::move(*trusted);
  } else {
    check.Problem("SPOTAUTH_TRUSTED_PROXIES: " + trusted.error().message + ".");
  }

  if (!check.Problems().empty()) return tl::unexpected(std::move(check.Problems()));
  return config;
}

}  // namespace spotauth::server
