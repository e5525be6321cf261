// VerifyCookie takes the raw Cookie value a browser (or an attacker) sends.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/cookie_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const std::string key(32, 'k');
  const spotauth::TimePoint now{std::chrono::seconds{1'700'000'000}};
  // The fuzzer cannot produce an HMAC-SHA256 under this key, so nothing it makes verifies.
  if (spotauth::VerifyCookie("spotauth", raw, key, now)) __builtin_trap();
  return 0;
}
