#include "core/encoding.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace spotauth {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

// Maps a base64url character to its 6-bit value, or -1 outside the alphabet.
constexpr std::array<std::int8_t, 256> MakeBase64UrlTable() {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kBase64UrlValue = MakeBase64UrlTable();

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 characters per started 3-byte group plus a terminating NUL.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  // By table, 3 bytes to 4 characters: OpenSSL's EVP_EncodeBlock and the translation after it
  // were a tenth of a /login's instructions (cookies, state and PKCE values are all base64url).
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::string out((n * 4 + 2) / 3, '\0');  // no padding
  char* p = out.data();
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *p++ = kAlphabet[v >> 18];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const std::uint32_t v = std::uint32_t{in[i]} << 16;
    *p++ = kAlphabet[v >> 18];
    *p = kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    *p++ = kAlphabet[v >> 18];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p = kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  // Strictness matters because signed values are compared as decoded bytes: if two encodings
  // decoded to the same bytes, a value could be altered without touching its signature.
  const std::size_t tail = text.size() % 4;
  if (tail == 1) {
    return std::nullopt;  // 6 bits cannot make a byte
  }
  for (char c : text) {
    if (kBase64UrlValue[static_cast<unsigned char>(c)] < 0) {
      return std::nullopt;
    }
  }
  if (tail != 0) {
    // The unused low bits of the last character must be zero (RFC 4648 section 3.5).
    const std::int8_t last = kBase64UrlValue[static_cast<unsigned char>(text.back())];
    const int unused_mask = tail == 2 ? 0x0f : 0x03;
    if ((last & unused_mask) != 0) {
      return std::nullopt;
    }
  }

  // By the same table, 4 characters to 3 bytes (the values are checked above): OpenSSL's
  // EVP_DecodeBlock needed a translated, padded copy first (2 % of a full login's instructions).
  const auto value = [&text](std::size_t i) {
    return static_cast<std::uint32_t>(kBase64UrlValue[static_cast<unsigned char>(text[i])]);
  };
  std::string out(text.size() * 3 / 4, '\0');
  char* p = out.data();
  std::size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    const std::uint32_t v =
        (value(i) << 18) | (value(i + 1) << 12) | (value(i + 2) << 6) | value(i + 3);
    *p++ = static_cast<char>(v >> 16);
    *p++ = static_cast<char>((v >> 8) & 0xff);
    *p++ = static_cast<char>(v & 0xff);
  }
  if (tail == 2) {
    *p = static_cast<char>((value(i) << 2) | (value(i + 1) >> 4));
  } else if (tail == 3) {
    const std::uint32_t v = (value(i) << 12) | (value(i + 1) << 6) | value(i + 2);
    *p++ = static_cast<char>(v >> 10);
    *p = static_cast<char>((v >> 2) & 0xff);
  }
  return out;
}

std::string HexEncode(std::string_view bytes) {
  std::string out(bytes.size() * 2, '\0');
  char* p = out.data();
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    *p++ = kHexDigits[byte >> 4];
    *p++ = kHexDigits[byte & 0x0f];
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = HexValue(text[i]);
    const int low = HexValue(text[i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>((high << 4) | low));
  }
  return out;
}

}  // namespace spotauth
