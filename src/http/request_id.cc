#include "http/request_id.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <random>

namespace spotauth::http {
namespace {

bool IsPlainToken(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::uint32_t ProcessPrefix() {
  static const std::uint32_t kPrefix = [] {
    std::random_device device;
    return static_cast<std::uint32_t>(device());
  }();
  return kPrefix;
}

}  // namespace

std::string RequestId(std::string_view offered) {
  if (IsPlainToken(offered)) return std::string(offered);
  static std::atomic<std::uint64_t> counter{0};
  // "{:08x}-{:x}" by hand: fmt parsed the pattern on every request, 2 % of a page's
  // instructions.
  char text[8 + 1 + 16];
  const auto prefix = std::to_chars(text, text + 8, ProcessPrefix(), 16);
  const std::size_t digits = static_cast<std::size_t>(prefix.ptr - text);
  std::memmove(text + 8 - digits, text, digits);
  std::memset(text, '0', 8 - digits);
  text[8] = '-';
  const auto end = std::to_chars(text + 9, text + sizeof text, counter.fetch_add(1) + 1, 16);
  return std::string(text, end.ptr);
}

}  // namespace spotauth::http
