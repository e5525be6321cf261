// base64url and hex decoding take values from cookies and configuration.
#include <cstdint>
#include <string_view>

#include "core/encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto bytes = spotauth::Base64UrlDecode(text)) {
    // Decoding is strict, so whatever decodes re-encodes to the same text.
    if (spotauth::Base64UrlEncode(*bytes) != text) __builtin_trap();
  }
  if (auto bytes = spotauth::HexDecode(text)) {
    if (bytes->size() * 2 != text.size()) __builtin_trap();
  }
  (void)spotauth::Base64Encode(text);
  return 0;
}
