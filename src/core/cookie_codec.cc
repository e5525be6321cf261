#include "core/cookie_codec.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "core/crypto.h"
#include "core/encoding.h"

namespace spotauth {
namespace {

// Browsers keep about 4 KiB per cookie; ours are far shorter, and bounding the input bounds the
// work an attacker can make us do before the MAC check.
constexpr std::size_t kMaxValueLength = 512;
// 19 digits is the longest decimal that can still fit in int64; from_chars rejects the rest.
constexpr std::size_t kMaxExpiryDigits = 19;
constexpr std::size_t kMacSize = 32;

// The MAC covers the name so a value minted for one cookie cannot be replayed as another, and
// covers the wire form of the id: base64url has no '\n', so the fields cannot be re-split.
std::string CookieMac(std::string_view key, std::string_view name, std::string_view encoded_id,
                      std::string_view expiry) {
  std::string message;
  message.reserve(name.size() + encoded_id.size() + expiry.size() + 2);
  message.append(name).append("\n").append(encoded_id).append("\n").append(expiry);
  return HmacSha256(key, message);
}

bool IsDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string_view ToString(CookieRejection reason) {
  switch (reason) {
    case CookieRejection::kEmpty:
      return "empty";
    case CookieRejection::kMalformed:
      return "malformed";
    case CookieRejection::kBadSignature:
      return "bad_signature";
    case CookieRejection::kExpired:
      return "expired";
  }
  return "unknown";
}

std::string SignCookie(std::string_view name, std::string_view id, TimePoint expires,
                       std::string_view key) {
  // Times before the epoch cannot be written with digits only; they are expired anyway.
  const std::int64_t seconds = std::max<std::int64_t>(
      0, std::chrono::floor<std::chrono::seconds>(expires.time_since_epoch()).count());
  const std::string encoded_id = Base64UrlEncode(id);
  const std::string expiry = std::to_string(seconds);
  std::string value = encoded_id;
  value.append(".").append(expiry).append(".").append(
      Base64UrlEncode(CookieMac(key, name, encoded_id, expiry)));
  return value;
}

tl::expected<std::string, CookieRejection> VerifyCookie(std::string_view name,
                                                        std::string_view raw_value,
                                                        std::string_view key, TimePoint now) {
  return OpenCookie(name, raw_value, key, now).map([](VerifiedCookie&& cookie) {
    return std::move(cookie.id);
  });
}

tl::expected<VerifiedCookie, CookieRejection> OpenCookie(std::string_view name,
                                                         std::string_view raw_value,
                                                         std::string_view key, TimePoint now) {
  if (raw_value.empty()) {
    return tl::unexpected(CookieRejection::kEmpty);
  }
  if (raw_value.size() > kMaxValueLength) {
    return tl::unexpected(CookieRejection::kMalformed);
  }
  const std::size_t first_dot = raw_value.find('.');
  if (first_dot == std::string_view::npos) {
    return tl::unexpected(CookieRejection::kMalformed);
  }
  const std::size_t second_dot = raw_value.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      raw_value.find('.', second_dot + 1) != std::string_view::npos) {
    return tl::unexpected(CookieRejection::kMalformed);
  }
  const std::string_view encoded_id = raw_value.substr(0, first_dot);
  const std::string_view expiry = raw_value.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view encoded_mac = raw_value.substr(second_dot + 1);

  std::int64_t expiry_seconds = 0;
  if (expiry.empty() || expiry.size() > kMaxExpiryDigits || !IsDigits(expiry) ||
      std::from_chars(expiry.data(), expiry.data() + expiry.size(), expiry_seconds).ec !=
          std::errc{}) {
    return tl::unexpected(CookieRejection::kMalformed);
  }
  std::optional<std::string> id = Base64UrlDecode(encoded_id);
  std::optional<std::string> mac = Base64UrlDecode(encoded_mac);
  if (!id || !mac || mac->size() != kMacSize) {
    return tl::unexpected(CookieRejection::kMalformed);
  }

  // Constant-time so response timing does not reveal how much of a forged MAC was right.
  if (!ConstantTimeEqual(*mac, CookieMac(key, name, encoded_id, expiry))) {
    return tl::unexpected(CookieRejection::kBadSignature);
  }
  // Whole seconds on both sides: floor(now) >= expiry exactly when now >= expiry.
  if (std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count() >= expiry_seconds) {
    return tl::unexpected(CookieRejection::kExpired);
  }
  return VerifiedCookie{std::move(*id), TimePoint{std::chrono::seconds{expiry_seconds}}};
}

}  // namespace spotauth
