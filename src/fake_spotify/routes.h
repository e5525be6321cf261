// Internal to the stand-in Spotify: the routes FakeSpotifyHandler dispatches to, and the small
// HTTP helpers they share. Not part of the library's API.
#pragma once

#include <boost/beast/http/status.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/form.h"
#include "http/message.h"
#include "fake_spotify/state.h"

namespace spotauth::fake_spotify::internal {

using http::FormParams;
using http::ParseForm;
using http::FindParam;
using http::HasFormContentType;

// The credentials of "Authorization: <scheme> <credentials>" when the scheme matches
// (case-insensitively); empty otherwise.
std::optional<std::string_view> AuthorizationCredentials(const http::Request& request,
                                                         std::string_view scheme);

http::Response MakeResponse(beast_http::status status, std::string_view content_type,
                            std::string body);
http::Response JsonResponse(beast_http::status status, const boost::json::value& body);
// Spotify's Web API error shape: {"error":{"status":N,"message":"..."}}.
http::Response ApiError(unsigned status, std::string_view message);
// Marks a token endpoint response as not cacheable (RFC 6749 section 5.1).
http::Response NoStore(http::Response response);
// The accounts service's error shape: {"error":"...","error_description":"..."}, not cacheable.
http::Response AccountsError(unsigned status, std::string_view error,
                             std::string_view description);

// GET /authorize (query) and POST /authorize (the page's form).
http::Response HandleAuthorize(FakeSpotifyState& state, const http::Request& request,
                               const FormParams& query);
// POST /api/token.
http::Response HandleToken(FakeSpotifyState& state, const http::Request& request);
// /v1/...
http::Response HandleWebApi(FakeSpotifyState& state, const http::Request& request,
                            std::string_view path, const FormParams& query);
// /__control/...
http::Response HandleControl(FakeSpotifyState& state, const http::Request& request,
                             std::string_view path);

}  // namespace spotauth::fake_spotify::internal
