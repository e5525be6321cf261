// Reading application/x-www-form-urlencoded data: request queries and form bodies, for the
// login app and the stand-in Spotify alike.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace spotauth::http {

using FormParams = std::map<std::string, std::string, std::less<>>;

// Decodes a query or a form body ("+" is a space). Empty on invalid percent-encoding, on a
// fragment, or on a repeated name: a repeated parameter makes a request ambiguous (RFC 6749
// section 3.1 forbids repeats), so it is refused rather than guessed at.
std::optional<FormParams> ParseForm(std::string_view encoded);

// The value of `name`, if present.
std::optional<std::string_view> FindParam(const FormParams& params, std::string_view name);

// Content-Type is application/x-www-form-urlencoded (with or without parameters).
bool HasFormContentType(const Request& request);

}  // namespace spotauth::http
