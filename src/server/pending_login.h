// Logins in progress, held by the browser: /login stores nothing on the server (so anonymous
// /login traffic costs CPU only and cannot fill anything), and the login cookie carries the
// state, the PKCE verifier, the expiry and where to return, sealed with AES-256-GCM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"

namespace spotauth::server {

struct PendingLogin {
  std::string state;     // what Spotify must send back; compared in constant time
  std::string verifier;  // PKCE code verifier; empty only when PKCE is turned off
  TimePoint expires_at;
  std::string return_to;  // a local path ("/..."), where the browser lands after the callback

  bool operator==(const PendingLogin&) const = default;
};

inline constexpr std::uint8_t kLoginKeyId = 1;
// Logins one browser may have in progress at once (tabs); past it the oldest is dropped.
inline constexpr std::size_t kMaxPendingLogins = 4;
// A login cookie longer than this is not opened (four logins need about 1 KiB).
inline constexpr std::size_t kMaxLoginCookieBytes = 3072;

// The login cookie's value: base64url of the sealed list. The cookie's name is the AEAD's
// associated data, so the value cannot be replayed as another cookie.
std::string SealPendingLogins(std::span<const PendingLogin> logins, std::string_view key32,
                              std::string_view cookie_name, Random& random);

// The logins in a login cookie's value; empty when it is malformed, tampered with, too long or
// sealed under another key or cookie name.
std::vector<PendingLogin> OpenPendingLogins(std::string_view value, std::string_view key32,
                                            std::string_view cookie_name);

}  // namespace spotauth::server
