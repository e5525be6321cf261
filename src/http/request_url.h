// RequestUrl: the parts of an absolute http(s) URL that an outbound request needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace spotauth::http {

struct RequestUrl {
  bool tls = true;          // https
  std::string host;         // a name, dotted IPv4, or IPv6 without brackets; names lower-cased
  bool host_is_ip = false;  // IP literals get no SNI and are verified against IP SANs
  std::uint16_t port = 0;   // the explicit port, else 443 or 80
  std::string target;       // origin-form request target: path (at least "/") and query

  // The value of the Host header (RFC 9110 §7.2): brackets around IPv6, port only if not
  // the scheme's default.
  [[nodiscard]] std::string HostHeader() const;
  // A key for connection reuse: scheme, host and port. Two URLs share connections only if
  // their origins are equal.
  [[nodiscard]] std::string Origin() const;
};

// Longer URLs are refused: servers commonly cap the request line at 8 KiB anyway.
inline constexpr std::size_t kMaxRequestUrlBytes = 8192;

// Parses an absolute URI with Boost.URL. Accepts only http and https with a non-empty host
// no user-info and at most kMaxRequestUrlBytes; drops the fragment (never sent, RFC 9110 §4.2.4).
// Errors: kInvalidArgument with a message that names the problem (the URL itself is not
// echoed, since a query may carry a secret).
[[nodiscard]] Result<RequestUrl> ParseRequestUrl(std::string_view url);

}  // namespace spotauth::http
