// OAuth state and PKCE (RFC 7636) values.
#pragma once

#include <string>
#include <string_view>

#include "core/random.h"

namespace spotauth {

// 32 random bytes, base64url without padding: 43 characters, 256 bits (as tekore).
std::string GenerateState(Random& random);
// 32 random bytes, base64url without padding: a 43-character verifier (as tekore).
std::string GenerateCodeVerifier(Random& random);
// base64url-without-padding(SHA-256(verifier)).
std::string S256Challenge(std::string_view verifier);
// 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 section 4.1).
bool IsValidCodeVerifier(std::string_view verifier);

}  // namespace spotauth
