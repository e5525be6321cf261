// The stand-in's Web API objects are complete, as Spotify's Web API reference describes them.
#include <chrono>
#include <string>

#include "testing/fake_spotify_harness.h"

namespace spotauth::fake_spotify::testing {
namespace {

using ObjectsTest = FakeSpotifyTest;

void ExpectFields(const boost::json::value& object, std::initializer_list<std::string_view> names) {
  ASSERT_TRUE(object.is_object()) << object;
  for (std::string_view name : names) {
    EXPECT_TRUE(object.as_object().contains(name)) << "missing " << name << " in " << object;
  }
}

class PlayingObjectsTest : public FakeSpotifyTest {
 protected:
  boost::json::value Playing(std::string_view query = "") {
    auto response = GetPlaying(query);
    EXPECT_EQ(response.result(), beast_http::status::ok) << response.body();
    return Json(response);
  }
};

TEST_F(ObjectsTest, TrailingSlashIsServed) {
  const std::string bearer = "Bearer " + Login().first;
  EXPECT_EQ(Get("/v1/me/", bearer).result(), beast_http::status::ok);
  EXPECT_EQ(Get(std::string(kCurrentlyPlaying) + "/", bearer).result(), beast_http::status::ok);
  ExpectApiError(Get("/v1/me//", bearer), 404, "Service not found");
}

TEST_F(ObjectsTest, MeWithoutProfileScopesHasOnlyThePublicFields) {
  auto me = Json(Get("/v1/me", "Bearer " + Login().first));
  ExpectFields(me, {"id", "display_name", "type", "uri", "href", "images", "followers",
                    "external_urls"});
  EXPECT_EQ(me.at("href").as_string(), "https://api.spotify.com/v1/users/demo-user");
  EXPECT_TRUE(me.at("followers").at("href").is_null());
  EXPECT_EQ(me.at("followers").at("total").as_int64(), 0);
  for (std::string_view name : {"email", "country", "product", "explicit_content"}) {
    EXPECT_FALSE(me.as_object().contains(name)) << name;
  }
}

TEST_F(ObjectsTest, MeFollowsTheGrantedScopes) {
  auto email = Json(Get("/v1/me", "Bearer " + Login("user-read-email").first));
  EXPECT_EQ(email.at("email").as_string(), "demo-user@example.com");
  EXPECT_FALSE(email.as_object().contains("country"));
  auto both = Json(Get("/v1/me", "Bearer " + Login("user-read-email user-read-private").first));
  ExpectFields(both, {"email", "country", "product", "explicit_content"});
  EXPECT_EQ(both.at("product").as_string(), "premium");
  EXPECT_FALSE(both.at("explicit_content").at("filter_enabled").as_bool());
  auto private_only = Json(Get("/v1/me", "Bearer " + Login("user-read-private").first));
  EXPECT_FALSE(private_only.as_object().contains("email"));
  EXPECT_EQ(private_only.at("country").as_string(), "SE");
}

TEST_F(ObjectsTest, ClientCredentialsTokenOnAUserEndpointIsPermissionsMissing) {
  auto response = PostForm("/api/token", {{"grant_type", "client_credentials"}},
                           BasicAuth(kClientId, kClientSecret));
  const std::string bearer = "Bearer " + std::string(Json(response).at("access_token").as_string());
  ExpectApiError(Get("/v1/me", bearer), 401, "Permissions missing");
  ExpectApiError(Get(std::string(kCurrentlyPlaying), bearer), 401, "Permissions missing");
}

TEST_F(PlayingObjectsTest, TrackIsComplete) {
  auto body = Playing();
  ExpectFields(body, {"device", "repeat_state", "shuffle_state", "timestamp", "context",
                      "progress_ms", "item", "currently_playing_type", "actions", "is_playing"});
  ExpectFields(body.at("device"), {"id", "is_active", "is_private_session", "is_restricted",
                                   "name", "type", "volume_percent", "supports_volume"});
  EXPECT_EQ(body.at("repeat_state").as_string(), "off");
  EXPECT_FALSE(body.at("shuffle_state").as_bool());
  const auto& item = body.at("item");
  ExpectFields(item, {"album", "artists", "available_markets", "disc_number", "duration_ms",
                      "explicit", "external_ids", "external_urls", "href", "id", "is_local",
                      "name", "popularity", "preview_url", "track_number", "type", "uri"});
  EXPECT_EQ(item.at("href").as_string(),
            "https://api.spotify.com/v1/tracks/6Hmj7SrLRbreLVfVS7mV1S");
  EXPECT_TRUE(item.at("preview_url").is_null());
  ExpectFields(item.at("album"), {"album_type", "total_tracks", "available_markets",
                                  "external_urls", "href", "id", "images", "name",
                                  "release_date", "release_date_precision", "type", "uri",
                                  "artists"});
  ExpectFields(item.at("artists").at(0),
               {"external_urls", "href", "id", "name", "type", "uri"});
}

TEST_F(PlayingObjectsTest, LocalFileHasSpotifysLocalShape) {
  state_.SetPlayback("demo-user", FakePlayback{FakeTrack{"My Demo", {"Me Myself"}, "Old Tape",
                                                         "", std::chrono::milliseconds{185'400}, {}}});
  const auto item = Playing().at("item");
  EXPECT_TRUE(item.at("id").is_null());
  EXPECT_TRUE(item.at("href").is_null());
  EXPECT_TRUE(item.at("is_local").as_bool());
  EXPECT_EQ(item.at("uri").as_string(), "spotify:local:Me+Myself:Old+Tape:My+Demo:185");
  EXPECT_TRUE(item.at("external_urls").as_object().empty());
  EXPECT_TRUE(item.at("available_markets").as_array().empty());
  const auto& album = item.at("album");
  EXPECT_TRUE(album.at("album_type").is_null());
  EXPECT_TRUE(album.at("id").is_null());
  EXPECT_TRUE(album.at("uri").is_null());
  EXPECT_TRUE(album.at("release_date").is_null());
  EXPECT_TRUE(item.at("artists").at(0).at("uri").is_null());
}

TEST_F(PlayingObjectsTest, EpisodeAndShowAreComplete) {
  state_.SetPlayback("demo-user",
                     FakePlayback{FakeEpisode{"Pilot", "The Show", std::chrono::milliseconds{1000}, "ep1"}});
  const auto item = Playing("?additional_types=episode").at("item");
  ExpectFields(item, {"audio_preview_url", "description", "html_description", "duration_ms",
                      "explicit", "external_urls", "href", "id", "images",
                      "is_externally_hosted", "is_playable", "languages", "name",
                      "release_date", "release_date_precision", "type", "uri", "show"});
  ExpectFields(item.at("show"), {"available_markets", "copyrights", "description",
                                 "html_description", "explicit", "external_urls", "href", "id",
                                 "images", "is_externally_hosted", "languages", "media_type",
                                 "name", "publisher", "type", "uri", "total_episodes"});
}

TEST_F(PlayingObjectsTest, TimestampIsWhenPlaybackLastChanged) {
  const std::int64_t start = Playing().at("timestamp").as_int64();
  clock_.Advance(std::chrono::seconds{10});
  EXPECT_EQ(Playing().at("timestamp").as_int64(), start);
  // Putting the same user again with the same playback is no change.
  state_.PutUser(*state_.FindUser("demo-user"));
  EXPECT_EQ(Playing().at("timestamp").as_int64(), start);
  state_.SetPlayback("demo-user", FakePlayback{FakeAd{}});
  EXPECT_EQ(Playing().at("timestamp").as_int64(), start + 10'000);
}

}  // namespace
}  // namespace spotauth::fake_spotify::testing
