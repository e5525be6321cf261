// /v1/...: the two Web API endpoints spotauth uses, with Spotify's shapes and errors.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <utility>

#include "core/crypto.h"
#include "core/encoding.h"
#include "fake_spotify/routes.h"

namespace spotauth::fake_spotify::internal {
namespace {

namespace json = boost::json;

constexpr std::string_view kMe = "/v1/me";
constexpr std::string_view kCurrentlyPlaying = "/v1/me/player/currently-playing";

http::Response Unauthorized(std::string_view message) {
  http::Response response = ApiError(401, message);
  response.set(beast_http::field::www_authenticate,
               "Bearer realm=\"spotify\", error=\"invalid_token\", error_description=\"" +
                   std::string(message) + "\"");
  return response;
}

// Stable made-up ids for artists and albums, in Spotify's 22-character shape.
std::string DerivedId(std::string_view kind, std::string_view name) {
  return HexEncode(Sha256(std::string(kind) + ":" + std::string(name))).substr(0, 22);
}

json::object ExternalUrls(std::string_view kind, const std::optional<std::string>& id) {
  if (!id) return {};
  return {{"spotify", "https://open.spotify.com/" + std::string(kind) + "/" + *id}};
}

json::value SpotifyUri(std::string_view kind, const std::optional<std::string>& id) {
  if (!id) return nullptr;
  return json::value("spotify:" + std::string(kind) + ":" + *id);
}

json::object TrackJson(const FakeTrack& track) {
  const bool local = !track.id.has_value();
  json::array artists;
  for (const std::string& name : track.artists) {
    std::optional<std::string> id;
    if (!local) id = DerivedId("artist", name);
    artists.push_back(json::object{{"name", name},
                                   {"type", "artist"},
                                   {"id", id ? json::value(*id) : json::value(nullptr)},
                                   {"uri", SpotifyUri("artist", id)},
                                   {"external_urls", ExternalUrls("artist", id)}});
  }
  std::optional<std::string> album_id;
  if (!local) album_id = DerivedId("album", track.album);
  json::array images;
  if (!track.image_url.empty()) {
    images.push_back(json::object{{"url", track.image_url}, {"height", 640}, {"width", 640}});
  }
  json::object album{{"name", track.album},
                     {"album_type", "album"},
                     {"type", "album"},
                     {"id", album_id ? json::value(*album_id) : json::value(nullptr)},
                     {"uri", SpotifyUri("album", album_id)},
                     {"images", std::move(images)},
                     {"artists", artists},
                     {"external_urls", ExternalUrls("album", album_id)}};
  // Local files have no id; Spotify gives them a spotify:local: URI instead.
  json::value uri = local ? json::value("spotify:local:" + track.album + ":" + track.name)
                          : SpotifyUri("track", track.id);
  return {{"name", track.name},
          {"type", "track"},
          {"id", local ? json::value(nullptr) : json::value(*track.id)},
          {"uri", std::move(uri)},
          {"is_local", local},
          {"explicit", false},
          {"duration_ms", track.duration.count()},
          {"artists", std::move(artists)},
          {"album", std::move(album)},
          {"external_urls", ExternalUrls("track", track.id)}};
}

json::object EpisodeJson(const FakeEpisode& episode) {
  const std::optional<std::string> id = episode.id;
  const std::optional<std::string> show_id = DerivedId("show", episode.show);
  return {{"name", episode.name},
          {"type", "episode"},
          {"id", episode.id},
          {"uri", SpotifyUri("episode", id)},
          {"duration_ms", episode.duration.count()},
          {"show", json::object{{"name", episode.show},
                                {"type", "show"},
                                {"id", *show_id},
                                {"uri", SpotifyUri("show", show_id)},
                                {"external_urls", ExternalUrls("show", show_id)}}},
          {"external_urls", ExternalUrls("episode", id)}};
}

http::Response CurrentlyPlaying(const FakeSpotifyState& state, const FakeUser& user,
                                const FormParams& query) {
  if (!user.playback) return MakeResponse(beast_http::status::no_content, "", "");
  const FakePlayback& playback = *user.playback;
  bool episodes = false;
  if (auto types = FindParam(query, "additional_types")) {
    std::string_view rest = *types;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (rest.substr(0, comma) == "episode") episodes = true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  std::string_view type = "unknown";
  json::value item = nullptr;
  if (const auto* track = std::get_if<FakeTrack>(&playback.item)) {
    type = "track";
    item = TrackJson(*track);
  } else if (const auto* episode = std::get_if<FakeEpisode>(&playback.item)) {
    // Without additional_types=episode Spotify names the type but withholds the item.
    type = "episode";
    if (episodes) item = EpisodeJson(*episode);
  } else if (std::holds_alternative<FakeAd>(playback.item)) {
    type = "ad";
  }
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(state.Now().time_since_epoch()).count();
  json::object disallows;
  disallows[playback.is_playing ? "resuming" : "pausing"] = true;
  return JsonResponse(beast_http::status::ok,
                      json::object{{"timestamp", now_ms},
                                   {"context", nullptr},
                                   {"progress_ms", playback.progress.count()},
                                   {"item", std::move(item)},
                                   {"currently_playing_type", type},
                                   {"actions", json::object{{"disallows", std::move(disallows)}}},
                                   {"is_playing", playback.is_playing}});
}

http::Response Me(const FakeUser& user) {
  return JsonResponse(
      beast_http::status::ok,
      json::object{{"id", user.id},
                   {"display_name",
                    user.display_name ? json::value(*user.display_name) : json::value(nullptr)},
                   {"type", "user"},
                   {"uri", "spotify:user:" + user.id},
                   {"href", "https://api.spotify.com/v1/users/" + user.id},
                   {"images", json::array{}},
                   {"external_urls",
                    json::object{{"spotify", "https://open.spotify.com/user/" + user.id}}}});
}

}  // namespace

http::Response HandleWebApi(FakeSpotifyState& state, const http::Request& request,
                            std::string_view path, const FormParams& query) {
  if (path != kMe && path != kCurrentlyPlaying) return ApiError(404, "Service not found");
  if (request.method() != beast_http::verb::get) return ApiError(405, "Method not allowed");
  const auto token = AuthorizationCredentials(request, "Bearer");
  if (!token) return Unauthorized("Invalid access token");
  const auto grant = state.CheckAccessToken(*token);
  if (!grant) {
    return Unauthorized(grant.error() == AccessTokenProblem::kExpired ? "The access token expired"
                                                                      : "Invalid access token");
  }
  // A client-credentials token has no user; signing in again is what fixes that, not a refresh.
  if (grant->user_id.empty()) return ApiError(403, "Permissions missing");
  const auto user = state.FindUser(grant->user_id);
  if (!user) return ApiError(404, "User not found");
  if (path == kMe) return Me(*user);
  if (!grant->scope.Contains("user-read-currently-playing") &&
      !grant->scope.Contains("user-read-playback-state")) {
    return ApiError(403, "Permissions missing");
  }
  return CurrentlyPlaying(state, *user, query);
}

}  // namespace spotauth::fake_spotify::internal
