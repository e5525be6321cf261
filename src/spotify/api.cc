#include "spotify/api.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <utility>

#include "spotify/spotify_wire.h"

namespace spotauth::spotify {
namespace {

namespace json = boost::json;

constexpr std::string_view kUserResponse = "/v1/me response";
constexpr std::string_view kPlayingResponse = "currently-playing response";

// Web API errors are {"error": {"status": n, "message": "...", "reason": "..."}}; the body may
// also be empty or something else entirely, which only costs us the detail.
Error ApiError(const http::ClientResponse& response, std::chrono::seconds max_retry_after) {
  std::string message = "Web API " + std::to_string(response.status);
  if (auto object = wire::ParseObject(response.body, "Web API error")) {
    if (auto error = wire::OptionalObject(*object, "error", "Web API error"); error && *error) {
      if (auto text = wire::OptionalString(**error, "message", "Web API error"); text && *text) {
        message += ": " + wire::Clip(**text);
      }
      if (auto text = wire::OptionalString(**error, "reason", "Web API error"); text && *text) {
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
  constexpr std::string_view kWhat = "currently-playing track";
  TrackItem track;
  auto name = wire::RequiredString(item, "name", kWhat);
  if (!name) {
    return tl::unexpected(std::move(name.error()));
  }
  track.name = std::move(*name);
  auto duration = wire::RequiredInt(item, "duration_ms", kWhat);
  if (!duration) {
    return tl::unexpected(std::move(duration.error()));
  }
  track.duration_ms = *duration;
  auto id = wire::OptionalString(item, "id", kWhat);
  if (!id) {
    return tl::unexpected(std::move(id.error()));
  }
  track.id = std::move(*id);
  if (const json::value* artists = item.if_contains("artists")) {
    if (!artists->is_array()) {
      return MakeError(ErrorCode::kUpstreamProtocol,
                       std::string(kWhat) + ": field \"artists\" is not an array");
    }
    for (const json::value& artist : artists->get_array()) {
      const json::object* object = artist.if_object();
      if (object == nullptr) {
        return MakeError(ErrorCode::kUpstreamProtocol,
                         std::string(kWhat) + ": an artist is not an object");
      }
      auto artist_name = wire::RequiredString(*object, "name", "currently-playing artist");
      if (!artist_name) {
        return tl::unexpected(std::move(artist_name.error()));
      }
      track.artists.push_back(std::move(*artist_name));
    }
  }
  auto album = wire::OptionalObject(item, "album", kWhat);
  if (!album) {
    return tl::unexpected(std::move(album.error()));
  }
  if (*album != nullptr) {
    auto album_name = wire::OptionalString(**album, "name", "currently-playing album");
    if (!album_name) {
      return tl::unexpected(std::move(album_name.error()));
    }
    track.album = album_name->value_or("");
    track.image_url = FirstImageUrl(*album);
  }
  return track;
}

Result<EpisodeItem> ParseEpisode(const json::object& item) {
  constexpr std::string_view kWhat = "currently-playing episode";
  EpisodeItem episode;
  auto name = wire::RequiredString(item, "name", kWhat);
  if (!name) {
    return tl::unexpected(std::move(name.error()));
  }
  episode.name = std::move(*name);
  auto show = wire::OptionalObject(item, "show", kWhat);
  if (!show) {
    return tl::unexpected(std::move(show.error()));
  }
  if (*show != nullptr) {
    auto show_name = wire::OptionalString(**show, "name", "currently-playing show");
    if (!show_name) {
      return tl::unexpected(std::move(show_name.error()));
    }
    episode.show = show_name->value_or("");
  }
  episode.image_url = FirstImageUrl(&item);
  if (!episode.image_url) {
    episode.image_url = FirstImageUrl(*show);
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
  auto object = wire::ParseObject(body, kPlayingResponse);
  if (!object) {
    return tl::unexpected(std::move(object.error()));
  }
  CurrentlyPlaying playing;
  auto is_playing = wire::RequiredBool(*object, "is_playing", kPlayingResponse);
  if (!is_playing) {
    return tl::unexpected(std::move(is_playing.error()));
  }
  playing.is_playing = *is_playing;
  auto progress = wire::OptionalInt(*object, "progress_ms", kPlayingResponse);
  if (!progress) {
    return tl::unexpected(std::move(progress.error()));
  }
  playing.progress_ms = *progress;
  auto type = wire::OptionalString(*object, "currently_playing_type", kPlayingResponse);
  if (!type) {
    return tl::unexpected(std::move(type.error()));
  }
  playing.type = ParseType(*type);
  auto item = wire::OptionalObject(*object, "item", kPlayingResponse);
  if (!item) {
    return tl::unexpected(std::move(item.error()));
  }
  // An ad or an unknown type may still come with an item; we cannot know its shape, so it is
  // not read rather than misread.
  if (*item != nullptr && playing.type == CurrentlyPlaying::Type::kTrack) {
    auto track = ParseTrack(**item);
    if (!track) {
      return tl::unexpected(std::move(track.error()));
    }
    playing.item = std::move(*track);
  } else if (*item != nullptr && playing.type == CurrentlyPlaying::Type::kEpisode) {
    auto episode = ParseEpisode(**item);
    if (!episode) {
      return tl::unexpected(std::move(episode.error()));
    }
    playing.item = std::move(*episode);
  }
  return std::optional<CurrentlyPlaying>(std::move(playing));
}

Result<User> ParseUser(std::string_view body) {
  auto object = wire::ParseObject(body, kUserResponse);
  if (!object) {
    return tl::unexpected(std::move(object.error()));
  }
  auto id = wire::RequiredString(*object, "id", kUserResponse);
  if (!id) {
    return tl::unexpected(std::move(id.error()));
  }
  if (id->empty()) {
    return MakeError(ErrorCode::kUpstreamProtocol, std::string(kUserResponse) + ": id is empty");
  }
  auto display_name = wire::OptionalString(*object, "display_name", kUserResponse);
  if (!display_name) {
    return tl::unexpected(std::move(display_name.error()));
  }
  return User{std::move(*id), std::move(*display_name)};
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
  request.headers.set(beast_http::field::authorization, "Bearer " + std::string(access_token));
  request.headers.set(beast_http::field::accept, "application/json");
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
  Result<http::ClientResponse> response = co_await Send(std::move(request));
  if (!response) {
    co_return tl::unexpected(std::move(response.error()));
  }
  if (response->status != 200) {
    co_return MakeError(ErrorCode::kUpstreamProtocol,
                        "/v1/me answered " + std::to_string(response->status));
  }
  co_return ParseUser(response->body);
}

boost::asio::awaitable<Result<std::optional<spotify::CurrentlyPlaying>>>
SpotifyApi::FetchCurrentlyPlaying(http::ClientRequest request) {
  Result<http::ClientResponse> response = co_await Send(std::move(request));
  if (!response) {
    co_return tl::unexpected(std::move(response.error()));
  }
  // Spotify answers 204 when no device is active, and has been seen to send 200 with no body.
  if (response->status == 204 || IsBlank(response->body)) {
    co_return std::optional<spotify::CurrentlyPlaying>();
  }
  co_return ParseCurrentlyPlaying(response->body);
}

}  // namespace spotauth::spotify
