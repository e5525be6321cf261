// Wire helpers shared by SpotifyAccounts and SpotifyApi: form encoding, wording of JSON read
// failures, Retry-After. Internal to the spotify layer; not part of the library's API.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "core/json_fields.h"
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
// The same, appended to `out` (a URL's query after its prefix, without a second string).
void AppendFormEncoded(std::initializer_list<FormField> fields, std::string& out);

// How the Spotify clients word a JSON read that failed (json_fields' `complain`):
// kUpstreamProtocol naming `what` (e.g. "token response") and the field, never quoting the body,
// which may hold a token.
struct UpstreamJson {
  std::string_view what;
  Error operator()(const json_fields::ReadError& error) const;
};

// Retry-After as delta-seconds (RFC 9110 section 10.2.3), at most `cap`. A missing header, an
// HTTP-date (Spotify sends seconds) or anything unparseable gives `fallback` (also capped).
std::chrono::seconds RetryAfter(const beast_http::fields& headers, std::chrono::seconds fallback,
                                std::chrono::seconds cap);

// `text` cut to kMaxUpstreamText characters, for upstream descriptions put into messages.
std::string Clip(std::string_view text);

// An awaitable that yields `value` at once: for failures found before any I/O.
template <class T>
boost::asio::awaitable<T> Ready(T value) {
  co_return value;
}

}  // namespace spotauth::spotify::wire
