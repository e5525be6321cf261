// SpotifyApi: the few Web API calls spotauth needs (current user, currently playing), as typed
// values. See docs/spotify-protocol.md for the wire protocol.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "http/client.h"

namespace spotauth::spotify {

struct User {
  std::string id;
  std::optional<std::string> display_name;  // Spotify sends null for some accounts
};

struct TrackItem {
  std::string name;
  std::vector<std::string> artists;      // names, in Spotify's order
  std::string album;                     // empty when Spotify sends no album
  std::optional<std::string> image_url;  // the album's first (largest) image
  std::optional<std::string> id;         // null for local files
  std::optional<std::int64_t> duration_ms;  // absent or null: not known
};

struct EpisodeItem {
  std::string name;
  std::string show;
  std::optional<std::string> image_url;  // the episode's first image, else the show's
};

struct CurrentlyPlaying {
  enum class Type { kTrack, kEpisode, kAd, kUnknown };

  bool is_playing = false;
  std::optional<std::int64_t> progress_ms;
  // currently_playing_type; strings we do not know are kUnknown, and so is an item whose own
  // "type" differs from it.
  Type type = Type::kUnknown;
  // Set for kTrack and kEpisode when Spotify sends the item; monostate otherwise (ads, private
  // sessions, unsupported types).
  std::variant<std::monostate, TrackItem, EpisodeItem> item;
};

struct ApiOptions {
  // The longest Retry-After passed on from a 429; a larger value is cut to this, so a page can
  // say "try later" without promising an hour.
  std::chrono::seconds max_retry_after{3600};
};

// Thread-safety: the calls use the HttpClient, which belongs to one event loop; await them on
// that loop. The HttpClient must outlive this object and every awaitable it returned. String
// arguments are copied before a call returns.
//
// Every call sends `Authorization: Bearer <token>`; keeping the token fresh is the caller's job.
// Errors:
//   kUnauthorized     401 (message: Spotify's, e.g. "The access token expired")
//   kForbidden        403 (message adds Spotify's reason when given)
//   kNotFound         404
//   kRateLimited      429; Error::retry_after from Retry-After (5 s when absent or unreadable),
//                     capped at ApiOptions::max_retry_after
//   kUnavailable      5xx, or the transport could not reach the service
//   kInvalidArgument  another 4xx: the request was wrong
//   kTimeout, kTls, kTooLarge  passed through from the HttpClient
//   kUpstreamProtocol a 200 we cannot read (not JSON, a required field missing or mistyped)
//                     or a status that makes no sense here
class SpotifyApi {
 public:
  explicit SpotifyApi(http::HttpClient& http, std::string api_url = "https://api.spotify.com",
                      ApiOptions options = {});

  // GET {api}/v1/me. `id` is required; display_name may be null.
  [[nodiscard]] boost::asio::awaitable<Result<User>> CurrentUser(std::string_view access_token);

  // GET {api}/v1/me/player/currently-playing?additional_types=episode. nullopt when nothing
  // plays (204, or a 200 with an empty body).
  [[nodiscard]] boost::asio::awaitable<Result<std::optional<spotify::CurrentlyPlaying>>>
  CurrentlyPlaying(std::string_view access_token);

 private:
  // The public calls build the request (copying their arguments) before the first suspension,
  // then hand it to these coroutines.
  http::ClientRequest Get(std::string_view path, std::string_view access_token) const;
  boost::asio::awaitable<Result<User>> FetchUser(http::ClientRequest request);
  boost::asio::awaitable<Result<std::optional<spotify::CurrentlyPlaying>>> FetchCurrentlyPlaying(
      http::ClientRequest request);
  boost::asio::awaitable<Result<http::ClientResponse>> Send(http::ClientRequest request);

  http::HttpClient& http_;
  std::string api_url_;
  ApiOptions options_;
};

}  // namespace spotauth::spotify
