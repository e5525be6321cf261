// Base64 (standard, padded: HTTP Basic auth) and base64url (unpadded: state, PKCE, cookies), hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spotauth {

std::string Base64Encode(std::string_view bytes);
std::string Base64UrlEncode(std::string_view bytes);
// Rejects padding, characters outside the alphabet, and impossible lengths.
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::string HexEncode(std::string_view bytes);
// Accepts upper and lower case; rejects odd lengths and non-hex characters.
std::optional<std::string> HexDecode(std::string_view text);

}  // namespace spotauth
