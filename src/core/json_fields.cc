#include "core/json_fields.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "core/result.h"

namespace spotauth::json_fields {
namespace {

tl::unexpected<ReadError> Fail(Problem problem, std::string_view key, std::string detail = {}) {
  return tl::unexpected<ReadError>(ReadError{problem, std::string(key), std::move(detail)});
}

// The value under `key`; nullptr when absent or null, which every read takes alike.
const boost::json::value* Find(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

// A Required read is the Optional one with nothing there refused.
template <class T>
Read<T> Require(Read<std::optional<T>> read, std::string_view key) {
  SPOTAUTH_TRY_ASSIGN(std::optional<T> value, std::move(read));
  if (!value.has_value()) {
    return Fail(Problem::kMissing, key);
  }
  return std::move(*value);
}

}  // namespace

std::string_view Describe(Problem problem) {
  switch (problem) {
    case Problem::kNotJson:
      return "is not valid JSON";
    case Problem::kNotJsonObject:
      return "is not a JSON object";
    case Problem::kMissing:
      return "is missing";
    case Problem::kNotString:
      return "is not a string";
    case Problem::kNotNumber:
      return "is not a number";
    case Problem::kNotInteger:
      return "is not an integer";
    case Problem::kNotBoolean:
      return "is not a boolean";
    case Problem::kNotObject:
      return "is not an object";
  }
  return "is unreadable";
}

Read<boost::json::object> ParseObject(std::string_view text, boost::json::storage_ptr storage) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec, std::move(storage));
  if (ec) {
    return Fail(Problem::kNotJson, {}, ec.message());
  }
  boost::json::object* object = value.if_object();
  if (object == nullptr) {
    return Fail(Problem::kNotJsonObject, {});
  }
  return std::move(*object);
}

Read<std::optional<std::string>> OptionalString(const boost::json::object& object,
                                                std::string_view key) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return std::optional<std::string>();
  }
  const boost::json::string* text = value->if_string();
  if (text == nullptr) {
    return Fail(Problem::kNotString, key);
  }
  return std::optional<std::string>(std::string(text->data(), text->size()));
}

Read<std::string> RequiredString(const boost::json::object& object, std::string_view key) {
  return Require(OptionalString(object, key), key);
}

Read<std::optional<std::int64_t>> OptionalInt(const boost::json::object& object,
                                              std::string_view key) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  if (!value->is_number()) {
    return Fail(Problem::kNotNumber, key);
  }
  // to_number refuses a double that is not exactly an int64, including those that round to 2^63.
  boost::system::error_code ec;
  const auto number = value->to_number<std::int64_t>(ec);
  if (ec) {
    return Fail(Problem::kNotInteger, key);
  }
  return std::optional<std::int64_t>(number);
}

Read<std::int64_t> RequiredInt(const boost::json::object& object, std::string_view key) {
  return Require(OptionalInt(object, key), key);
}

Read<std::optional<bool>> OptionalBool(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return std::optional<bool>();
  }
  const bool* flag = value->if_bool();
  if (flag == nullptr) {
    return Fail(Problem::kNotBoolean, key);
  }
  return std::optional<bool>(*flag);
}

Read<bool> RequiredBool(const boost::json::object& object, std::string_view key) {
  return Require(OptionalBool(object, key), key);
}

Read<const boost::json::object*> OptionalObject(const boost::json::object& object,
                                                std::string_view key) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return static_cast<const boost::json::object*>(nullptr);
  }
  const boost::json::object* inner = value->if_object();
  if (inner == nullptr) {
    return Fail(Problem::kNotObject, key);
  }
  return inner;
}

}  // namespace spotauth::json_fields
