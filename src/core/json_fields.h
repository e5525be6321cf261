// Typed reads of the fields of a JSON object, for JSON that comes from outside. Each caller words
// a failed read in its own error type: the Spotify clients as kUpstreamProtocol naming the
// response, the stand-in Spotify as a 400 naming the field.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <type_traits>
#include <utility>

namespace spotauth::json_fields {

enum class Problem {
  kNotJson,        // the text does not parse as JSON
  kNotJsonObject,  // the text is JSON, but not an object
  kMissing,        // a required field is absent or null
  kNotString,
  kNotNumber,
  kNotInteger,  // a number, but not exactly an int64
  kNotBoolean,
  kNotObject,
};

// "is missing", "is not a string", ...: the problem as words, to follow the field's name.
std::string_view Describe(Problem problem);

// What went wrong, for the caller to word. `key` is the field, empty when the text as a whole
// failed; `detail` is the JSON parser's message for kNotJson, empty otherwise. Never holds the
// value read, which may be a secret.
struct ReadError {
  Problem problem;
  std::string key;
  std::string detail;
};

template <class T>
using Read = tl::expected<T, ReadError>;

// `storage` holds the values; a caller whose object does not outlive it may pass a
// monotonic_resource over a stack buffer, so that a small document costs no heap allocation
// per key and string (see ScratchJson).
Read<boost::json::object> ParseObject(std::string_view text, boost::json::storage_ptr storage = {});

// Memory for a small document read and dropped within one function: its keys, strings and
// tables come from a stack buffer (larger documents spill to the heap).
struct ScratchJson {
  unsigned char buffer[4096];
  boost::json::monotonic_resource memory{buffer, sizeof buffer};
};

// An absent key and JSON null both read as nullopt (kMissing for the Required reads); a present
// value of the wrong type is an error. Integers accept any JSON number that is exactly an int64,
// so 3600.0 is 3600 and 1.5 is kNotInteger.
Read<std::optional<std::string>> OptionalString(const boost::json::object& object,
                                                std::string_view key);
Read<std::string> RequiredString(const boost::json::object& object, std::string_view key);
Read<std::optional<std::int64_t>> OptionalInt(const boost::json::object& object,
                                              std::string_view key);
Read<std::int64_t> RequiredInt(const boost::json::object& object, std::string_view key);
Read<std::optional<bool>> OptionalBool(const boost::json::object& object, std::string_view key);
Read<bool> RequiredBool(const boost::json::object& object, std::string_view key);
// An object-valued field, pointing into `object`; nullptr when absent or null.
Read<const boost::json::object*> OptionalObject(const boost::json::object& object,
                                                std::string_view key);

// The same reads with the error in the caller's type: `complain(const ReadError&)` makes it.
template <class T, class Complain>
using ReadAs = tl::expected<T, std::invoke_result_t<const Complain&, const ReadError&>>;

template <class Complain>
ReadAs<boost::json::object, Complain> ParseObject(std::string_view text, const Complain& complain,
                                                  boost::json::storage_ptr storage = {}) {
  return ParseObject(text, std::move(storage)).map_error(complain);
}
template <class Complain>
ReadAs<std::optional<std::string>, Complain> OptionalString(const boost::json::object& object,
                                                            std::string_view key,
                                                            const Complain& complain) {
  return OptionalString(object, key).map_error(complain);
}
template <class Complain>
ReadAs<std::string, Complain> RequiredString(const boost::json::object& object,
                                             std::string_view key, const Complain& complain) {
  return RequiredString(object, key).map_error(complain);
}
template <class Complain>
ReadAs<std::optional<std::int64_t>, Complain> OptionalInt(const boost::json::object& object,
                                                          std::string_view key,
                                                          const Complain& complain) {
  return OptionalInt(object, key).map_error(complain);
}
template <class Complain>
ReadAs<std::int64_t, Complain> RequiredInt(const boost::json::object& object, std::string_view key,
                                           const Complain& complain) {
  return RequiredInt(object, key).map_error(complain);
}
template <class Complain>
ReadAs<std::optional<bool>, Complain> OptionalBool(const boost::json::object& object,
                                                   std::string_view key, const Complain& complain) {
  return OptionalBool(object, key).map_error(complain);
}
template <class Complain>
ReadAs<bool, Complain> RequiredBool(const boost::json::object& object, std::string_view key,
                                    const Complain& complain) {
  return RequiredBool(object, key).map_error(complain);
}
template <class Complain>
ReadAs<const boost::json::object*, Complain> OptionalObject(const boost::json::object& object,
                                                            std::string_view key,
                                                            const Complain& complain) {
  return OptionalObject(object, key).map_error(complain);
}

}  // namespace spotauth::json_fields
