// Typed JSON field reads (token responses, Web API bodies, the stand-in's control requests).
#include <cstdint>
#include <string_view>

#include "core/json_fields.h"

namespace json_fields = spotauth::json_fields;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto object = json_fields::ParseObject(text);
  if (!object) {
    // A failure of the text as a whole names no field.
    if (!object.error().key.empty()) __builtin_trap();
    return 0;
  }
  for (const auto& field : *object) {
    const std::string_view key = field.key();
    // Every read either gives a value or names the key it could not read.
    const auto string = json_fields::OptionalString(*object, key);
    const auto number = json_fields::OptionalInt(*object, key);
    const auto flag = json_fields::OptionalBool(*object, key);
    const auto inner = json_fields::OptionalObject(*object, key);
    if (!string && string.error().key != key) __builtin_trap();
    if (!number && number.error().key != key) __builtin_trap();
    if (!flag && flag.error().key != key) __builtin_trap();
    if (!inner && inner.error().key != key) __builtin_trap();
    // At most one kind reads a present, non-null value.
    if (!field.value().is_null() && (!!string + !!number + !!flag + !!inner) > 1) __builtin_trap();
  }
  return 0;
}
