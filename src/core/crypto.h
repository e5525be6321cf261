// Hashes, MACs, key derivation and authenticated encryption (OpenSSL 3). Strings hold raw bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"

namespace spotauth {

std::string Sha256(std::string_view data);                            // 32 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 bytes
// Compares in time that depends only on the lengths.
bool ConstantTimeEqual(std::string_view a, std::string_view b);
// RFC 5869 HKDF with SHA-256.
std::string HkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info,
                       std::size_t length);

// AES-256-GCM with a version prefix so keys can rotate:
//   sealed = version(1) || key_id(1) || nonce(12) || ciphertext || tag(16)
// `aad` binds the ciphertext to its context (e.g. the session-key hash), so a sealed value
// moved to another record fails to open.
inline constexpr std::uint8_t kAeadVersion = 1;
std::string AeadSeal(std::string_view key32, std::uint8_t key_id, std::string_view plaintext,
                     std::string_view aad, Random& random);
// Empty on any tampering, wrong key, wrong aad, wrong version or truncation.
std::optional<std::string> AeadOpen(std::string_view key32, std::uint8_t key_id,
                                    std::string_view sealed, std::string_view aad);

// Independent keys derived from one master secret, so that no key serves two purposes.
struct DerivedKeys {
  std::string cookie_mac;  // HMAC key for signed cookies
  std::string token_enc;   // AES-256-GCM key for tokens at rest
  std::string id_hash;     // HMAC key for hashing session ids into store keys
  std::string login_enc;   // AES-256-GCM key for the sealed pending logins in the login cookie
  std::string logout_mac;  // HMAC key for the logout form's per-session token
  static DerivedKeys FromMaster(std::string_view master_secret);
  // Overwrites the keys (OPENSSL_cleanse), so they do not linger in freed memory.
  ~DerivedKeys();
};

}  // namespace spotauth
