#include "http/request_id.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
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
  return fmt::format("{:08x}-{:x}", ProcessPrefix(), counter.fetch_add(1) + 1);
}

}  // namespace spotauth::http
