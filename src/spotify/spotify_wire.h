// Wire helpers shared by SpotifyAccounts and SpotifyApi: form encoding, typed reads of JSON
// fields, Retry-After. Internal to the spotify layer; not part of the library's API.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "http/message.h"

namespace spotauth::spotify::wire {

// What a 429 without a usable Retry-After is taken to mean.
inline constexpr std::chrono::seconds kDefaultRetryAfter{5};
// Upstream text is put into error messages only up to this length.
inline constexpr std::size_t kMaxUpstreamText = 200;

using FormField = std::pair<std::string_view, std::string_view>;

// application/x-www-form-urlencoded as browsers and tekore (urllib's urlencode) write it:
// names and values keep only ALPHA / DIGIT / "-" / "." / "_" / "~", spaces become '+',
// everything else is percent-encoded with upper-case hex. Order is kept.
std::string FormEncode(std::initializer_list<FormField> fields);

// Parses `body` as a JSON object. Errors are kUpstreamProtocol naming `what` (e.g. "token
// response"), never quoting the body, which may hold a token.
Result<boost::json::object> ParseObject(std::string_view body, std::string_view what);

// Typed field reads. An absent key and JSON null both read as nullopt; a present value of the
// wrong type is kUpstreamProtocol naming the key. Integers accept any JSON number that is
// exactly an int64 (so 3600.0 is 3600, 1.5 is an error).
Result<std::optional<std::string>> OptionalString(const boost::json::object& object,
                                                  std::string_view key, std::string_view what);
Result<std::string> RequiredString(const boost::json::object& object, std::string_view key,
                                   std::string_view what);
Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& object,
                                                std::string_view key, std::string_view what);
Result<std::int64_t> RequiredInt(const boost::json::object& object, std::string_view key,
                                 std::string_view what);
Result<bool> RequiredBool(const boost::json::object& object, std::string_view key,
                          std::string_view what);
// An object-valued field; nullptr when absent or null, an error when of another type.
Result<const boost::json::object*> OptionalObject(const boost::json::object& object,
                                                  std::string_view key, std::string_view what);

// Retry-After as delta-seconds (RFC 9110 section 10.2.3), at most `cap`. A missing header, an
// HTTP-date (Spotify sends seconds) or anything unparseable gives `fallback` (also capped).
std::chrono::seconds RetryAfter(const beast_http::fields& headers,
                                std::chrono::seconds fallback, std::chrono::seconds cap);

// `text` cut to kMaxUpstreamText characters, for upstream descriptions put into messages.
std::string Clip(std::string_view text);

// An awaitable that yields `value` at once: for failures found before any I/O.
template <class T>
boost::asio::awaitable<T> Ready(T value) {
  co_return value;
}

}  // namespace spotauth::spotify::wire
