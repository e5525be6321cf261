// Outgoing https through a forward proxy (HTTP CONNECT, RFC 9110 §9.3.6), for networks where
// nothing reaches the internet directly. Configured the way curl and most tools are:
// HTTPS_PROXY (or https_proxy) and NO_PROXY (or no_proxy).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace spotauth::http {

struct ForwardProxy {
  std::string host;  // a name or an IP literal (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string authorization;          // "Basic ..." from the URL's user info; empty: none
  std::vector<std::string> no_proxy;  // host names (and their subdomains) and IPs to reach directly
  bool no_proxy_all = false;          // NO_PROXY=*

  // Whether a connection to `host` goes through the proxy. Loopback hosts never do.
  bool AppliesTo(std::string_view target_host) const;
};

// From HTTPS_PROXY / https_proxy (http://[user:password@]host[:port], port default 80) and
// NO_PROXY / no_proxy (comma-separated; ".example.org" and "example.org" both cover
// subdomains; "*" covers everything). nullopt when no proxy is set.
// Errors: kInvalidArgument for a proxy URL that is not http://host[:port] (the message does
// not echo the URL: it may hold a password).
[[nodiscard]] Result<std::optional<ForwardProxy>> ForwardProxyFromEnvironment();
// The same from given values (tests).
[[nodiscard]] Result<std::optional<ForwardProxy>> ParseForwardProxy(std::string_view proxy_url,
                                                                    std::string_view no_proxy);

}  // namespace spotauth::http
