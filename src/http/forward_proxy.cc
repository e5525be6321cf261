#include "http/forward_proxy.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cstdlib>

#include "core/encoding.h"

namespace spotauth::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const char* Env(const char* upper, const char* lower) {
  const char* value = std::getenv(upper);
  return value != nullptr && *value != '\0' ? value : std::getenv(lower);
}

}  // namespace

bool ForwardProxy::AppliesTo(std::string_view target_host) const {
  const std::string target = Lower(target_host);
  // The stand-in Spotify and local apps are never behind the proxy.
  if (no_proxy_all || target == "localhost" || target == "::1" || target.rfind("127.", 0) == 0) {
    return false;
  }
  return std::none_of(no_proxy.begin(), no_proxy.end(), [&](const std::string& entry) {
    if (target == entry) return true;
    // "example.org" and ".example.org" both cover a.example.org.
    const std::string suffix = entry.front() == '.' ? entry : "." + entry;
    return target.size() > suffix.size() &&
           target.compare(target.size() - suffix.size(), suffix.size(), suffix) == 0;
  });
}

Result<std::optional<ForwardProxy>> ParseForwardProxy(std::string_view proxy_url,
                                                      std::string_view no_proxy) {
  if (Trim(proxy_url).empty()) return std::optional<ForwardProxy>();
  auto url = boost::urls::parse_uri(Trim(proxy_url));
  if (!url || url->scheme_id() != boost::urls::scheme::http || url->host().empty() ||
      (!url->encoded_path().empty() && url->encoded_path() != "/")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "HTTPS_PROXY must be an http://host[:port] URL (a CONNECT proxy)");
  }
  ForwardProxy proxy;
  proxy.host = url->host_type() == boost::urls::host_type::ipv6 ? std::string(url->host_address())
                                                                : Lower(url->host_address());
  proxy.port = 80;
  if (url->has_port()) {
    const auto port = url->port_number();
    if (port == 0) return MakeError(ErrorCode::kInvalidArgument, "HTTPS_PROXY has a bad port");
    proxy.port = port;
  }
  if (url->has_userinfo()) {
    proxy.authorization =
        "Basic " + Base64Encode(std::string(url->user()) + ":" + std::string(url->password()));
  }
  for (std::size_t at = 0; at <= no_proxy.size();) {
    std::size_t comma = no_proxy.find(',', at);
    if (comma == std::string_view::npos) comma = no_proxy.size();
    const std::string entry = Lower(Trim(no_proxy.substr(at, comma - at)));
    at = comma + 1;
    if (entry == "*") proxy.no_proxy_all = true;
    if (!entry.empty() && entry != "*") proxy.no_proxy.push_back(entry);
  }
  return std::optional<ForwardProxy>(std::move(proxy));
}

Result<std::optional<ForwardProxy>> ForwardProxyFromEnvironment() {
  const char* proxy = Env("HTTPS_PROXY", "https_proxy");
  const char* no_proxy = Env("NO_PROXY", "no_proxy");
  return ParseForwardProxy(proxy != nullptr ? proxy : "", no_proxy != nullptr ? no_proxy : "");
}

}  // namespace spotauth::http
