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

#include "http/message.h"
#include "spotify/fake_spotify_state.h"

namespace spotauth::spotify::fake_internal {

using Params = std::map<std::string, std::string, std::less<>>;

// Decodes a query or an application/x-www-form-urlencoded body ("+" is a space). Empty on
// invalid percent-encoding or a repeated name (RFC 6749 section 3.1 forbids repeats).
std::optional<Params> ParseForm(std::string_view encoded);
std::optional<std::string_view> Find(const Params& params, std::string_view name);
bool HasFormContentType(const http::Request& request);
// The credentials of "Authorization: <scheme> <credentials>" when the scheme matches
// (case-insensitively); empty otherwise.
std::optional<std::string_view> AuthorizationCredentials(const http::Request& request,
                                                         std::string_view scheme);

http::Response MakeResponse(boost::beast::http::status status, std::string_view content_type,
                            std::string body);
http::Response JsonResponse(boost::beast::http::status status, const boost::json::value& body);
// Spotify's Web API error shape: {"error":{"status":N,"message":"..."}}.
http::Response ApiError(unsigned status, std::string_view message);

// GET /authorize (query) and POST /authorize (the page's form).
http::Response HandleAuthorize(FakeSpotifyState& state, const http::Request& request,
                               const Params& query);
// POST /api/token.
http::Response HandleToken(FakeSpotifyState& state, const http::Request& request);
// /v1/...
http::Response HandleWebApi(FakeSpotifyState& state, const http::Request& request,
                            std::string_view path, const Params& query);
// /__control/...
http::Response HandleControl(FakeSpotifyState& state, const http::Request& request,
                             std::string_view path);

}  // namespace spotauth::spotify::fake_internal
