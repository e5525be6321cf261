// Scope parsing (token responses, configuration) and HTML escaping (everything Spotify names).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/html.h"
#include "core/scope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const spotauth::Scope scope = spotauth::Scope::Parse(text);
  // Printing and parsing again is stable.
  if (spotauth::Scope::Parse(scope.ToString()) != scope) __builtin_trap();
  const std::string escaped = spotauth::HtmlEscape(text);
  // Nothing that could open a tag or end an attribute survives.
  if (escaped.find_first_of("<>\"'") != std::string::npos) __builtin_trap();
  return 0;
}
