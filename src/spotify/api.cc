#include "spotify/api.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <utility>

#include "core/json_fields.h"
#include "spotify/spotify_wire.h"

namespace spotauth::spotify {
namespace {

namespace json = boost::json;

// What each JSON read is of, as failures name it.
constexpr wire::UpstreamJson kUserResponse{"/v1/me response"};
constexpr wire::UpstreamJson kPlayingResponse{"currently-playing response"};
constexpr wire::UpstreamJson kPlayingTrack{"currently-playing track"};
constexpr wire::UpstreamJson kPlayingEpisode{"currently-playing episode"};
constexpr wire::UpstreamJson kPlayingArtist{"currently-playing artist"};
constexpr wire::UpstreamJson kPlayingAlbum{"currently-playing album"};
constexpr wire::UpstreamJson kPlayingShow{"currently-playing show"};
constexpr wire::UpstreamJson kApiError{"Web API error"};

// Web API errors are {"error": {"status": n, "message": "...", "reason": "..."}}; the body may
// also be empty or something else entirely, which only costs us the detail.
Error ApiError(const http::ClientResponse& response, std::chrono::seconds max_retry_after) {
  std::string message = "Web API " + std::to_string(response.status);
  if (auto object = json_fields::ParseObject(response.body, kApiError)) {
    if (auto error = json_fields::OptionalObject(*object, "error", kApiError); error && *error) {
      if (auto text = json_fields::OptionalString(**error, "message", kApiError); text && *text) {
        message += ": " + wire::Clip(**text);
      }
      if (auto text = json_fields::OptionalString(**error, "reason", kApiError); text && *text) {
        message += " (" + wire::Clip(**text) + ")";
      }
    }
  }
  const unsigned status = response.status;
  ErrorCode code = ErrorCode::kUpstreamProtocol;
  if (status == 401) {
    code = ErrorCode::kUnauthorized;
  } else if (status == 403) {
    code = ErrorCode::kForbidden;
  } else if (status == 404) {
    code = ErrorCode::kNotFound;
  } else if (status == 429) {
    return Error{ErrorCode::kRateLimited, std::move(message),
                 wire::RetryAfter(response.headers, wire::kDefaultRetryAfter, max_retry_after)};
  } else if (status >= 500 && status <= 599) {
    code = ErrorCode::kUnavailable;
  } else if (status >= 400 && status <= 499) {
    code = ErrorCode::kInvalidArgument;
  } else {
    message += ": unexpected status";
  }
  return Error{code, std::move(message), {}};
}

bool IsBlank(std::string_view body) {
  return body.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The first entry of an "images" array that has a string url; Spotify lists the largest first.
std::optional<std::string> FirstImageUrl(const json::object* owner) {
  if (owner == nullptr) {
    return std::nullopt;
  }
  const json::value* images = owner->if_contains("images");
  if (images == nullptr || !images->is_array()) {
    return std::nullopt;
  }
  for (const json::value& image : images->get_array()) {
    if (const json::object* object = image.if_object()) {
      if (const json::value* url = object->if_contains("url"); url && url->is_string()) {
        return std::string(url->get_string());
      }
    }
  }
  return std::nullopt;
}

Result<TrackItem> ParseTrack(const json::object& item) {
  TrackItem track;
  SPOTAUTH_TRY_ASSIGN(track.name, json_fields::RequiredString(item, "name", kPlayingTrack));
  // Only what the page shows is required; the rest of Spotify's track object may be absent.
  SPOTAUTH_TRY_ASSIGN(track.duration_ms,
                      json_fields::OptionalInt(item, "duration_ms", kPlayingTrack));
  SPOTAUTH_TRY_ASSIGN(track.id, json_fields::OptionalString(item, "id", kPlayingTrack));
  if (const json::value* artists = item.if_contains("artists"); artists && !artists->is_null()) {
    if (!artists->is_array()) {
      return MakeError(ErrorCode::kUpstreamProtocol,
                       std::string(kPlayingTrack.what) + ": field \"artists\" is not an array");
    }
    for (const json::value& artist : artists->get_array()) {
      const json::object* object = artist.if_object();
      if (object == nullptr) {
        return MakeError(ErrorCode::kUpstreamProtocol,
                         std::string(kPlayingTrack.what) + ": an artist is not an object");
      }
      SPOTAUTH_TRY_ASSIGN(std::string artist_name,
                          json_fields::RequiredString(*object, "name", kPlayingArtist));
      track.artists.push_back(std::move(artist_name));
    }
  }
  SPOTAUTH_TRY_ASSIGN(const json::object* const album,
                      json_fields::OptionalObject(item, "album", kPlayingTrack));
  if (album != nullptr) {
    SPOTAUTH_TRY_ASSIGN(std::optional<std::string> album_name,
                        json_fields::OptionalString(*album, "name", kPlayingAlbum));
    track.album = std::move(album_name).value_or("");
    track.image_url = FirstImageUrl(album);
  }
  return track;
}

Result<EpisodeItem> ParseEpisode(const json::object& item) {
  EpisodeItem episode;
  SPOTAUTH_TRY_ASSIGN(episode.name, json_fields::RequiredString(item, "name", kPlayingEpisode));
  SPOTAUTH_TRY_ASSIGN(const json::object* const show,
                      json_fields::OptionalObject(item, "show", kPlayingEpisode));
  if (show != nullptr) {
    SPOTAUTH_TRY_ASSIGN(std::optional<std::string> show_name,
                        json_fields::OptionalString(*show, "name", kPlayingShow));
    episode.show = std::move(show_name).value_or("");
  }
  episode.image_url = FirstImageUrl(&item);
  if (!episode.image_url) {
    episode.image_url = FirstImageUrl(show);
  }
  return episode;
}

CurrentlyPlaying::Type ParseType(const std::optional<std::string>& text) {
  if (text == "track") return CurrentlyPlaying::Type::kTrack;
  if (text == "episode") return CurrentlyPlaying::Type::kEpisode;
  if (text == "ad") return CurrentlyPlaying::Type::kAd;
  return CurrentlyPlaying::Type::kUnknown;
}

Result<std::optional<CurrentlyPlaying>> ParseCurrentlyPlaying(std::string_view body) {
  json_fields::ScratchJson scratch;
  SPOTAUTH_TRY_ASSIGN(const json::object object,
                      json_fields::ParseObject(body, kPlayingResponse, &scratch.memory));
  CurrentlyPlaying playing;
  SPOTAUTH_TRY_ASSIGN(playing.is_playing,
                      json_fields::RequiredBool(object, "is_playing", kPlayingResponse));
  SPOTAUTH_TRY_ASSIGN(playing.progress_ms,
                      json_fields::OptionalInt(object, "progress_ms", kPlayingResponse));
  SPOTAUTH_TRY_ASSIGN(
      const std::optional<std::string> type,
      json_fields::OptionalString(object, "currently_playing_type", kPlayingResponse));
  playing.type = ParseType(type);
  SPOTAUTH_TRY_ASSIGN(const json::object* const item,
                      json_fields::OptionalObject(object, "item", kPlayingResponse));
  if (item != nullptr) {
    SPOTAUTH_TRY_ASSIGN(const std::optional<std::string> item_type,
                        json_fields::OptionalString(*item, "type", kPlayingResponse));
    // An item that says it is something else than the response says is not guessed at.
    if (item_type && item_type != type) playing.type = CurrentlyPlaying::Type::kUnknown;
  }
  // An ad or an unknown type may still come with an item; we cannot know its shape, so it is
  // not read rather than misread.
  if (item != nullptr && playing.type == CurrentlyPlaying::Type::kTrack) {
    SPOTAUTH_TRY_ASSIGN(playing.item, ParseTrack(*item));
  } else if (item != nullptr && playing.type == CurrentlyPlaying::Type::kEpisode) {
    SPOTAUTH_TRY_ASSIGN(playing.item, ParseEpisode(*item));
  }
  return std::optional<CurrentlyPlaying>(std::move(playing));
}

Result<User> ParseUser(std::string_view body) {
  json_fields::ScratchJson scratch;
  SPOTAUTH_TRY_ASSIGN(const json::object object,
                      json_fields::ParseObject(body, kUserResponse, &scratch.memory));
  SPOTAUTH_TRY_ASSIGN(std::string id, json_fields::RequiredString(object, "id", kUserResponse));
  if (id.empty()) {
    return MakeError(ErrorCode::kUpstreamProtocol,
                     std::string(kUserResponse.what) + ": id is empty");
  }
  SPOTAUTH_TRY_ASSIGN(std::optional<std::string> display_name,
                      json_fields::OptionalString(object, "display_name", kUserResponse));
  return User{std::move(id), std::move(display_name)};
}

}  // namespace

SpotifyApi::SpotifyApi(http::HttpClient& http, std::string api_url, ApiOptions options)
    : http_(http), api_url_(std::move(api_url)), options_(options) {
  while (!api_url_.empty() && api_url_.back() == '/') {
    api_url_.pop_back();
  }
}

http::ClientRequest SpotifyApi::Get(std::string_view path, std::string_view access_token) const {
  http::ClientRequest request;
  request.method = beast_http::verb::get;
  request.url = api_url_ + std::string(path);
  request.headers.insert(beast_http::field::authorization,
                         std::string("Bearer ").append(access_token));
  request.headers.insert(beast_http::field::accept, "application/json");
  return request;
}

boost::asio::awaitable<Result<http::ClientResponse>> SpotifyApi::Send(http::ClientRequest request) {
  Result<http::ClientResponse> response = co_await http_.Send(std::move(request));
  if (response && response->status != 200 && response->status != 204) {
    co_return tl::unexpected(ApiError(*response, options_.max_retry_after));
  }
  co_return response;
}

boost::asio::awaitable<Result<User>> SpotifyApi::CurrentUser(std::string_view access_token) {
  return FetchUser(Get("/v1/me", access_token));
}

boost::asio::awaitable<Result<std::optional<spotify::CurrentlyPlaying>>>
SpotifyApi::CurrentlyPlaying(std::string_view access_token) {
  return FetchCurrentlyPlaying(
      Get("/v1/me/player/currently-playing?additional_types=episode", access_token));
}

boost::asio::awaitable<Result<User>> SpotifyApi::FetchUser(http::ClientRequest request) {
  SPOTAUTH_CO_TRY_ASSIGN(const http::ClientResponse response, co_await Send(std::move(request)));
  if (response.status != 200) {
    co_return MakeError(ErrorCode::kUpstreamProtocol,
                        "/v1/me answered " + std::to_string(response.status));
  }
  co_return ParseUser(response.body);
}

boost::asio::awaitable<Result<std::optional<spotify::CurrentlyPlaying>>>
SpotifyApi::FetchCurrentlyPlaying(http::ClientRequest request) {
  SPOTAUTH_CO_TRY_ASSIGN(const http::ClientResponse response, co_await Send(std::move(request)));
  // Spotify answers 204 when no device is active, and has been seen to send 200 with no body.
  if (response.status == 204 || IsBlank(response.body)) {
    co_return std::optional<spotify::CurrentlyPlaying>();
  }
  co_return ParseCurrentlyPlaying(response.body);
}

}  // namespace spotauth::spotify
