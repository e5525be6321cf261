// The Web API objects of the stand-in: fields, types and nullability from Spotify's Web API
// reference (Get Track, Get Episode, Get Currently Playing Track, Get Current User's Profile).
// Values Spotify has and the stand-in's users do not (release dates, markets, popularity) are
// fixed, plausible placeholders.
#include "fake_spotify/objects.h"

#include <array>
#include <boost/json/array.hpp>
#include <cctype>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/crypto.h"
#include "core/encoding.h"

namespace spotauth::fake_spotify::internal {
namespace {

namespace json = boost::json;

constexpr std::string_view kApiOrigin = "https://api.spotify.com/v1/";
// Where the stand-in's catalogue is "available"; Spotify lists ISO 3166-1 alpha-2 codes.
constexpr std::array<std::string_view, 4> kMarkets = {"DE", "GB", "SE", "US"};
constexpr std::string_view kReleaseDate = "1999-10-18";
constexpr std::string_view kCountry = "SE";

// Stable made-up ids for artists, albums and shows, in Spotify's 22-character shape.
std::string DerivedId(std::string_view kind, std::string_view name) {
  return HexEncode(Sha256(std::string(kind) + ":" + std::string(name))).substr(0, 22);
}

json::value OrNull(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

json::array Markets(bool local) {
  json::array markets;
  if (!local) {
    for (std::string_view market : kMarkets) markets.emplace_back(market);
  }
  return markets;
}

json::array Images(std::string_view url) {
  json::array images;
  if (!url.empty()) {
    images.push_back(json::object{{"url", url}, {"height", 640}, {"width", 640}});
  }
  return images;
}

// id, uri, href and external_urls of a catalogue object; nulls and {} for local files, which
// Spotify serves without any of them.
void Identify(json::object& object, std::string_view kind, const std::optional<std::string>& id) {
  object["type"] = kind;
  object["id"] = OrNull(id);
  if (!id) {
    object["uri"] = nullptr;
    object["href"] = nullptr;
    object["external_urls"] = json::object{};
    return;
  }
  object["uri"] = "spotify:" + std::string(kind) + ":" + *id;
  object["href"] = std::string(kApiOrigin) + std::string(kind) + "s/" + *id;
  object["external_urls"] =
      json::object{{"spotify", "https://open.spotify.com/" + std::string(kind) + "/" + *id}};
}

// One part of a spotify:local: URI: form-encoded, so a space is "+".
std::string LocalUriPart(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// spotify:local:{artist}:{album}:{title}:{seconds}, as Spotify names local files.
std::string LocalUri(const FakeTrack& track) {
  const std::string artist = track.artists.empty() ? std::string() : track.artists.front();
  return "spotify:local:" + LocalUriPart(artist) + ":" + LocalUriPart(track.album) + ":" +
         LocalUriPart(track.name) + ":" +
         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(track.duration).count());
}

json::object AlbumObject(const FakeTrack& track, const json::array& artists, bool local) {
  std::optional<std::string> id;
  if (!local) id = DerivedId("album", track.album);
  json::object album{{"name", track.album},
                     {"album_type", local ? json::value(nullptr) : json::value("album")},
                     {"total_tracks", local ? 0 : 1},
                     {"available_markets", Markets(local)},
                     {"images", Images(track.image_url)},
                     {"release_date", local ? json::value(nullptr) : json::value(kReleaseDate)},
                     {"release_date_precision", local ? json::value(nullptr) : json::value("day")},
                     {"artists", artists}};
  Identify(album, "album", id);
  return album;
}

json::array Languages() { return json::array{"en"}; }

}  // namespace

json::object TrackObject(const FakeTrack& track) {
  const bool local = !track.id.has_value();
  json::array artists;
  for (const std::string& name : track.artists) {
    std::optional<std::string> id;
    if (!local) id = DerivedId("artist", name);
    json::object artist{{"name", name}};
    Identify(artist, "artist", id);
    artists.push_back(std::move(artist));
  }
  json::object object{
      {"name", track.name},
      {"album", AlbumObject(track, artists, local)},
      {"artists", std::move(artists)},
      {"available_markets", Markets(local)},
      {"disc_number", local ? 0 : 1},
      {"track_number", local ? 0 : 1},
      {"duration_ms", track.duration.count()},
      {"explicit", false},
      {"external_ids", local ? json::object{} : json::object{{"isrc", "GBBPW9900001"}}},
      {"popularity", local ? 0 : 42},
      {"preview_url", nullptr},
      {"is_local", local}};
  Identify(object, "track", track.id);
  // Local files have no id, yet a URI of their own.
  if (local) object["uri"] = LocalUri(track);
  return object;
}

json::object EpisodeObject(const FakeEpisode& episode) {
  const std::string show_id = DerivedId("show", episode.show);
  const std::string description = "An episode of " + episode.show + ".";
  json::object show{{"name", episode.show},
                    {"publisher", episode.show},
                    {"media_type", "audio"},
                    {"description", description},
                    {"html_description", "<p>" + description + "</p>"},
                    {"explicit", false},
                    {"is_externally_hosted", false},
                    {"languages", Languages()},
                    {"available_markets", Markets(false)},
                    {"copyrights", json::array{}},
                    {"images", json::array{}},
                    {"total_episodes", 1}};
  Identify(show, "show", show_id);
  json::object object{{"name", episode.name},
                      {"description", description},
                      {"html_description", "<p>" + description + "</p>"},
                      {"duration_ms", episode.duration.count()},
                      {"explicit", false},
                      {"is_externally_hosted", false},
                      {"is_playable", true},
                      {"audio_preview_url", nullptr},
                      {"images", json::array{}},
                      // "language" is deprecated in the reference, yet still sent.
                      {"language", "en"},
                      {"languages", Languages()},
                      {"release_date", kReleaseDate},
                      {"release_date_precision", "day"},
                      {"show", std::move(show)}};
  Identify(object, "episode", episode.id);
  return object;
}

json::object CurrentlyPlayingObject(const FakeUser& user, const FakePlayback& playback,
                                    bool with_episodes) {
  std::string_view type = "unknown";
  json::value item = nullptr;
  if (const auto* track = std::get_if<FakeTrack>(&playback.item)) {
    type = "track";
    item = TrackObject(*track);
  } else if (const auto* episode = std::get_if<FakeEpisode>(&playback.item)) {
    // Without additional_types=episode Spotify names the type but withholds the item.
    type = "episode";
    if (with_episodes) item = EpisodeObject(*episode);
  } else if (std::holds_alternative<FakeAd>(playback.item)) {
    type = "ad";
  }
  json::object disallows;
  disallows[playback.is_playing ? "resuming" : "pausing"] = true;
  json::object device{{"id", DerivedId("device", user.id)},
                      {"is_active", true},
                      {"is_private_session", false},
                      {"is_restricted", false},
                      {"name", "Stand-in Player"},
                      {"type", "Computer"},
                      {"volume_percent", 70},
                      {"supports_volume", true}};
  // "timestamp" is when the playback state last changed, not the time of the request.
  const auto changed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              user.playback_changed_at.time_since_epoch())
                              .count();
  return {{"device", std::move(device)},
          {"repeat_state", "off"},
          {"shuffle_state", false},
          {"timestamp", changed_ms},
          {"context", nullptr},
          {"progress_ms", playback.progress.count()},
          {"item", std::move(item)},
          {"currently_playing_type", type},
          {"actions", json::object{{"disallows", std::move(disallows)}}},
          {"is_playing", playback.is_playing}};
}

json::object UserObject(const FakeUser& user, const Scope& scope) {
  json::object object{{"display_name", OrNull(user.display_name)},
                      {"followers", json::object{{"href", nullptr}, {"total", 0}}},
                      {"images", json::array{}}};
  Identify(object, "user", user.id);
  if (scope.Contains("user-read-email")) object["email"] = user.id + "@example.com";
  if (scope.Contains("user-read-private")) {
    object["country"] = kCountry;
    object["product"] = "premium";
    object["explicit_content"] = json::object{{"filter_enabled", false}, {"filter_locked", false}};
  }
  return object;
}

}  // namespace spotauth::fake_spotify::internal
