// Signed cookie values: an opaque id, an expiry, and an HMAC bound to the cookie's name.
//   value = base64url(id) "." expiry "." base64url(HMAC(key, name "\n" base64url(id) "\n" expiry))
// expiry is Unix seconds in decimal digits. The MAC covers the id in its base64url form, which
// holds no "\n", so the fields cannot be re-split into a different (name, id, expiry).
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "core/clock.h"

namespace spotauth {

enum class CookieRejection { kEmpty, kMalformed, kBadSignature, kExpired };
std::string_view ToString(CookieRejection reason);

// Raw id bytes in, cookie value out.
std::string SignCookie(std::string_view name, std::string_view id, TimePoint expires,
                       std::string_view key);

// The one check of a cookie: returns the raw id bytes or why it was refused.
// Compares MACs in constant time; the signature is checked before the expiry is trusted.
// Empty -> kEmpty; not three '.'-separated parts, bad base64url, non-digit or over-long expiry,
// or a value over 512 bytes -> kMalformed; wrong MAC (other name or key) -> kBadSignature;
// now >= expiry -> kExpired.
tl::expected<std::string, CookieRejection> VerifyCookie(std::string_view name,
                                                        std::string_view raw_value,
                                                        std::string_view key, TimePoint now);

// VerifyCookie's check, also giving the expiry the value carries.
struct VerifiedCookie {
  std::string id;
  TimePoint expires;
};
tl::expected<VerifiedCookie, CookieRejection> OpenCookie(std::string_view name,
                                                         std::string_view raw_value,
                                                         std::string_view key, TimePoint now);

}  // namespace spotauth
