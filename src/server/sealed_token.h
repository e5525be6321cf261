// Tokens at rest: serialized and sealed with AES-256-GCM, bound to the record they belong to.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/token.h"

namespace spotauth::server {

inline constexpr std::uint8_t kTokenKeyId = 1;

// `record_key` (the store key) is the AEAD's associated data: a sealed token copied into
// another session's row does not open.
std::string SealToken(const Token& token, std::string_view key32, std::string_view record_key,
                      Random& random);
// Empty when tampered, sealed under another key or record, or not a token.
std::optional<Token> OpenToken(std::string_view sealed, std::string_view key32,
                               std::string_view record_key);

}  // namespace spotauth::server
