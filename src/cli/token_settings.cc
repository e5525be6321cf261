#include "cli/token_settings.h"

#include <boost/url/parse.hpp>
#include <cstdlib>
#include <utility>

#include "http/loopback.h"

namespace spotauth::cli {
namespace {

namespace urls = boost::urls;

// Problems as full sentences. (A helper, not push_back of literals: GCC 12 reports false
// array-bounds errors for a vector<string>::push_back of a string literal at -O3.)
class Problems {
 public:
  void Add(std::string_view text) { list_.emplace_back(text); }
  bool Empty() const { return list_.empty(); }
  std::vector<std::string> Take() { return std::move(list_); }

 private:
  std::vector<std::string> list_;
};

std::string Pick(const std::optional<std::string>& flag, const EnvironmentLookup& environment,
                 std::string_view name, std::string fallback) {
  if (flag) return *flag;
  if (auto value = environment(name)) return *value;
  return fallback;
}

void CheckRedirectUri(const std::string& uri, TokenSettings& settings, Problems& problems) {
  auto parsed = urls::parse_uri(uri);
  if (!parsed) {
    problems.Add(
        "The redirect URI (--redirect-uri or SPOTIFY_REDIRECT_URI) is not an "
        "absolute URI.");
    return;
  }
  const urls::url_view url = *parsed;
  if (url.scheme_id() != urls::scheme::http || !http::IsLoopbackLiteral(url)) {
    problems.Add("The redirect URI must be http on a loopback address, e.g. " +
                 std::string(kDefaultRedirectUri) +
                 ": spotauth token listens there itself (register that URI for your Spotify app).");
    return;
  }
  if (url.has_query() || url.has_fragment() || url.has_userinfo()) {
    problems.Add("The redirect URI must not have a query, fragment or user info.");
    return;
  }
  if (url.encoded_path().empty() || url.encoded_path() == "/") {
    problems.Add("The redirect URI needs a path for the callback, e.g. /callback.");
    return;
  }
  std::uint16_t port = 80;
  if (url.has_port()) {
    if (url.port().empty() || url.port_number() == 0) {
      problems.Add("The redirect URI's port must be 1-65535.");
      return;
    }
    port = url.port_number();
  }
  settings.listen_host = url.host_type() == urls::host_type::ipv6
                             ? url.host_ipv6_address().to_string()
                             : url.host_ipv4_address().to_string();
  settings.listen_port = port;
  settings.callback_path = std::string(url.encoded_path());
}

void CheckAccountsUrl(TokenSettings& settings, Problems& problems) {
  auto parsed = urls::parse_absolute_uri(settings.accounts_url);
  if (!parsed || parsed->host().empty()) {
    problems.Add(
        "The accounts URL (--accounts-url or SPOTAUTH_ACCOUNTS_URL) is not an "
        "absolute http(s) URL.");
    return;
  }
  if (parsed->has_query() || parsed->has_fragment() ||
      (!parsed->encoded_path().empty() && parsed->encoded_path() != "/")) {
    problems.Add("The accounts URL must be an origin without a path, e.g. https://host:port.");
    return;
  }
  if (parsed->scheme_id() == urls::scheme::http && http::IsLoopbackLiteral(*parsed)) {
    settings.allow_plain_http = true;  // the stand-in Spotify on loopback
  } else if (parsed->scheme_id() != urls::scheme::https) {
    problems.Add(
        "The accounts URL must be https (http is allowed only on a loopback "
        "address).");
  }
  while (settings.accounts_url.ends_with('/')) settings.accounts_url.pop_back();
}

}  // namespace

std::optional<std::string> ProcessEnvironment(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

tl::expected<TokenSettings, std::vector<std::string>> ResolveTokenSettings(
    const TokenOptions& options, const EnvironmentLookup& environment) {
  TokenSettings settings;
  Problems problems;

  settings.credentials.client_id = environment("SPOTIFY_CLIENT_ID").value_or("");
  if (settings.credentials.client_id.empty()) {
    problems.Add("SPOTIFY_CLIENT_ID is required: the client id of your Spotify app.");
  }
  settings.credentials.client_secret = environment("SPOTIFY_CLIENT_SECRET").value_or("");

  const bool sign_in = options.refresh.empty();
  if (sign_in) {
    settings.credentials.redirect_uri =
        Pick(options.redirect_uri, environment, "SPOTIFY_REDIRECT_URI",
             std::string(kDefaultRedirectUri));
    CheckRedirectUri(settings.credentials.redirect_uri, settings, problems);
    settings.scope = Scope::Parse(
        Pick(options.scope, environment, "SPOTAUTH_SCOPE", "user-read-currently-playing"));
    for (const auto& name : settings.scope.Names()) {
      if (!Scope::IsKnown(name)) {
        settings.warnings.push_back("'" + name +
                                    "' is not a scope spotauth knows; it is passed to Spotify "
                                    "as written.");
      }
    }
    if (options.timeout_seconds == 0) problems.Add("--timeout must be at least 1 second.");
    settings.timeout = std::chrono::seconds{options.timeout_seconds};
  }

  settings.accounts_url = Pick(options.accounts_url, environment, "SPOTAUTH_ACCOUNTS_URL",
                               "https://accounts.spotify.com");
  CheckAccountsUrl(settings, problems);
  settings.ca_file = Pick(options.ca_file, environment, "SPOTAUTH_CA_FILE", "");

  if (!problems.Empty()) return tl::unexpected(problems.Take());
  return settings;
}

}  // namespace spotauth::cli
