#include "core/pkce.h"

#include <algorithm>

#include "core/crypto.h"
#include "core/encoding.h"

namespace spotauth {
namespace {

constexpr std::size_t kRandomBytes = 32;
constexpr std::size_t kMinVerifierLength = 43;
constexpr std::size_t kMaxVerifierLength = 128;

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string GenerateState(Random& random) { return Base64UrlEncode(random.Bytes(kRandomBytes)); }

std::string GenerateCodeVerifier(Random& random) {
  return Base64UrlEncode(random.Bytes(kRandomBytes));
}

std::string S256Challenge(std::string_view verifier) { return Base64UrlEncode(Sha256(verifier)); }

bool IsValidCodeVerifier(std::string_view verifier) {
  return verifier.size() >= kMinVerifierLength && verifier.size() <= kMaxVerifierLength &&
         std::all_of(verifier.begin(), verifier.end(), IsUnreserved);
}

}  // namespace spotauth
