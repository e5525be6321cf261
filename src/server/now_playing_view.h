// What the main page says about the user's playback: a value made from Spotify's answer.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace spotauth::server {

struct NowPlayingView {
  enum class Kind {
    kTrack,        // title = track, subtitle = artists (and album)
    kEpisode,      // title = episode, subtitle = show
    kAd,           // an advertisement is playing
    kUnknown,      // something Spotify does not describe (private session, other types)
    kNothing,      // nothing is playing or no device is active
    kRateLimited,  // Spotify asked the app to slow down; retry_in says for how long
    kUnavailable,  // Spotify failed or timed out
    kNotAllowed,   // Spotify refused (missing scope, token revoked)
  };
  Kind kind = Kind::kNothing;
  std::string title;
  std::string subtitle;
  std::optional<std::string> image_url;  // https only
  bool is_playing = false;
  std::chrono::seconds retry_in{0};
};

}  // namespace spotauth::server
