#include "spotify/spotify_wire.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <system_error>

namespace spotauth::spotify::wire {
namespace {

std::string FieldError(std::string_view what, std::string_view key, std::string_view problem) {
  return std::string(what) + ": field \"" + std::string(key) + "\" " + std::string(problem);
}

const boost::json::value* Find(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

}  // namespace

std::string FormEncode(std::initializer_list<FormField> fields) {
  // unreserved_chars with space_as_plus is exactly the WHATWG urlencoded serializer's output
  // and urllib's quote_plus, so bodies and URLs match tekore's byte for byte.
  const boost::urls::encoding_opts form(/*space_as_plus=*/true);
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    out += boost::urls::encode(name, boost::urls::unreserved_chars, form);
    out += '=';
    out += boost::urls::encode(value, boost::urls::unreserved_chars, form);
  }
  return out;
}

Result<boost::json::object> ParseObject(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) {
    return MakeError(ErrorCode::kUpstreamProtocol,
                     std::string(what) + " is not valid JSON: " + ec.message());
  }
  boost::json::object* object = value.if_object();
  if (object == nullptr) {
    return MakeError(ErrorCode::kUpstreamProtocol, std::string(what) + " is not a JSON object");
  }
  return std::move(*object);
}

Result<std::optional<std::string>> OptionalString(const boost::json::object& object,
                                                  std::string_view key, std::string_view what) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return std::optional<std::string>();
  }
  const boost::json::string* text = value->if_string();
  if (text == nullptr) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is not a string"));
  }
  return std::optional<std::string>(std::string(text->data(), text->size()));
}

Result<std::string> RequiredString(const boost::json::object& object, std::string_view key,
                                   std::string_view what) {
  SPOTAUTH_TRY_ASSIGN(std::optional<std::string> text, OptionalString(object, key, what));
  if (!text.has_value()) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is missing"));
  }
  return std::move(*text);
}

Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& object,
                                                std::string_view key, std::string_view what) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  if (!value->is_number()) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is not a number"));
  }
  boost::system::error_code ec;
  const auto number = value->to_number<std::int64_t>(ec);
  if (ec) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is not an integer"));
  }
  return std::optional<std::int64_t>(number);
}

Result<std::int64_t> RequiredInt(const boost::json::object& object, std::string_view key,
                                 std::string_view what) {
  SPOTAUTH_TRY_ASSIGN(const std::optional<std::int64_t> number, OptionalInt(object, key, what));
  if (!number.has_value()) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is missing"));
  }
  return *number;
}

Result<bool> RequiredBool(const boost::json::object& object, std::string_view key,
                          std::string_view what) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is missing"));
  }
  const bool* flag = value->if_bool();
  if (flag == nullptr) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is not a boolean"));
  }
  return *flag;
}

Result<const boost::json::object*> OptionalObject(const boost::json::object& object,
                                                  std::string_view key, std::string_view what) {
  const boost::json::value* value = Find(object, key);
  if (value == nullptr) {
    return static_cast<const boost::json::object*>(nullptr);
  }
  const boost::json::object* inner = value->if_object();
  if (inner == nullptr) {
    return MakeError(ErrorCode::kUpstreamProtocol, FieldError(what, key, "is not an object"));
  }
  return inner;
}

std::chrono::seconds RetryAfter(const beast_http::fields& headers, std::chrono::seconds fallback,
                                std::chrono::seconds cap) {
  const auto it = headers.find(beast_http::field::retry_after);
  std::chrono::seconds wait = fallback;
  if (it != headers.end()) {
    std::string_view text(it->value().data(), it->value().size());
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    if (first != std::string_view::npos) {
      text = text.substr(first, last - first + 1);
      std::int64_t seconds = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      // Digits too many for int64 still mean "longer than any cap", not "unparseable".
      if (ec == std::errc::result_out_of_range && end == text.data() + text.size()) {
        wait = cap;
      } else if (ec == std::errc() && end == text.data() + text.size() && seconds >= 0) {
        wait = std::chrono::seconds(seconds);
      }
    }
  }
  return std::min(wait, cap);
}

std::string Clip(std::string_view text) { return std::string(text.substr(0, kMaxUpstreamText)); }

}  // namespace spotauth::spotify::wire
