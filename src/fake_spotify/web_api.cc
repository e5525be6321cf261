// /v1/...: the two Web API endpoints spotauth uses, with Spotify's statuses and errors.
#include <boost/json/object.hpp>
#include <utility>

#include "fake_spotify/objects.h"
#include "fake_spotify/routes.h"

namespace spotauth::fake_spotify::internal {
namespace {

constexpr std::string_view kMe = "/v1/me";
constexpr std::string_view kCurrentlyPlaying = "/v1/me/player/currently-playing";

http::Response Unauthorized(std::string_view message) {
  http::Response response = ApiError(401, message);
  response.set(beast_http::field::www_authenticate,
               R"(Bearer realm="spotify", error="invalid_token", error_description=")" +
                   std::string(message) + "\"");
  return response;
}

// Spotify answers a token that lacks the scope, or has no user at all, with 401 rather than
// RFC 6750's 403 (as users of Spotify client libraries report; docs/fake-spotify.md).
http::Response PermissionsMissing() { return ApiError(401, "Permissions missing"); }

bool AsksForEpisodes(const FormParams& query) {
  auto types = FindParam(query, "additional_types");
  std::string_view rest = types.value_or("");
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    if (rest.substr(0, comma) == "episode") return true;
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return false;
}

http::Response CurrentlyPlaying(const FakeUser& user, const FormParams& query) {
  if (!user.playback) return MakeResponse(beast_http::status::no_content, "", "");
  return JsonResponse(beast_http::status::ok,
                      CurrentlyPlayingObject(user, *user.playback, AsksForEpisodes(query)));
}

}  // namespace

http::Response HandleWebApi(FakeSpotifyState& state, const http::Request& request,
                            std::string_view path, const FormParams& query) {
  // Spotify serves its paths with a trailing slash too, and client libraries send one.
  if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  if (path != kMe && path != kCurrentlyPlaying) return ApiError(404, "Service not found");
  if (request.method() != beast_http::verb::get) return ApiError(405, "Method not allowed");
  if (request.find(beast_http::field::authorization) == request.end()) {
    return Unauthorized("No token provided");
  }
  const auto token = AuthorizationCredentials(request, "Bearer");
  if (!token) return Unauthorized("Invalid access token");
  const auto grant = state.CheckAccessToken(*token);
  if (!grant) {
    return Unauthorized(grant.error() == AccessTokenProblem::kExpired ? "The access token expired"
                                                                      : "Invalid access token");
  }
  // A client-credentials token has no user; signing in again is what fixes that, not a refresh.
  if (grant->user_id.empty()) return PermissionsMissing();
  const auto user = state.FindUser(grant->user_id);
  if (!user) return ApiError(404, "User not found");
  if (path == kMe) return JsonResponse(beast_http::status::ok, UserObject(*user, grant->scope));
  if (!grant->scope.Contains("user-read-currently-playing") &&
      !grant->scope.Contains("user-read-playback-state")) {
    return PermissionsMissing();
  }
  return CurrentlyPlaying(*user, query);
}

}  // namespace spotauth::fake_spotify::internal
