#include <chrono>

#include "testing/fake_spotify_harness.h"

namespace spotauth::fake_spotify::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using WebApiTest = FakeSpotifyTest;
using CurrentlyPlayingTest = FakeSpotifyTest;

TEST_F(WebApiTest, MeDescribesTheSignedInUser) {
  auto response = Get("/v1/me", "Bearer " + Login().first);
  ASSERT_EQ(response.result(), beast_http::status::ok) << response.body();
  auto me = Json(response);
  EXPECT_EQ(me.at("id").as_string(), "demo-user");
  EXPECT_EQ(me.at("display_name").as_string(), "Demo User");
  EXPECT_EQ(me.at("type").as_string(), "user");
  EXPECT_EQ(me.at("uri").as_string(), "spotify:user:demo-user");
  EXPECT_TRUE(me.at("images").as_array().empty());
  EXPECT_EQ(me.at("external_urls").at("spotify").as_string(),
            "https://open.spotify.com/user/demo-user");
}

TEST_F(WebApiTest, MeReportsAMissingDisplayNameAsNull) {
  state_.PutUser(FakeUser{"demo-user", std::nullopt, std::nullopt});
  auto me = Json(Get("/v1/me", "Bearer " + Login().first));
  EXPECT_TRUE(me.at("display_name").is_null());
}

TEST_F(WebApiTest, MissingOrUnknownTokenIsInvalid) {
  ExpectApiError(Get("/v1/me"), 401, "No token provided");
  ExpectApiError(Get("/v1/me", "Bearer made-up"), 401, "Invalid access token");
  ExpectApiError(Get("/v1/me", "Basic abc"), 401, "Invalid access token");
}

TEST_F(WebApiTest, AccessTokenExpiresByTheClock) {
  const std::string access = Login().first;
  clock_.Advance(seconds{3599});
  EXPECT_EQ(Get("/v1/me", "Bearer " + access).result(), beast_http::status::ok);
  clock_.Advance(seconds{1});
  ExpectApiError(Get("/v1/me", "Bearer " + access), 401, "The access token expired");
}

TEST_F(WebApiTest, ExpireAccessTokensExpiresEveryIssuedToken) {
  const std::string access = Login().first;
  state_.ExpireAccessTokens();
  ExpectApiError(Get("/v1/me", "Bearer " + access), 401, "The access token expired");
  EXPECT_EQ(Get("/v1/me", "Bearer " + Login().first).result(), beast_http::status::ok);
}

TEST_F(WebApiTest, CurrentlyPlayingNeedsAPlaybackScope) {
  ExpectApiError(Get(std::string(kCurrentlyPlaying), "Bearer " + Login("user-read-email").first), 401,
                 "Permissions missing");
  EXPECT_EQ(
      Get(std::string(kCurrentlyPlaying), "Bearer " + Login("user-read-playback-state").first).result(),
      beast_http::status::ok);
}

TEST_F(WebApiTest, UnknownPathUnderV1IsANotFoundJsonError) {
  ExpectApiError(Get("/v1/me/playlists", "Bearer " + Login().first), 404, "Service not found");
  EXPECT_EQ(Get("/elsewhere").result(), beast_http::status::not_found);
}

TEST_F(CurrentlyPlayingTest, TrackHasTheFullShape) {
  FakeTrack track{"Windowlicker",
                  {"Aphex Twin"},
                  "Windowlicker",
                  "https://i.scdn.co/image/cover",
                  std::chrono::milliseconds{366'000},
                  "6Hmj7SrLRbreLVfVS7mV1S"};
  state_.SetPlayback("demo-user", FakePlayback{track, true, std::chrono::milliseconds{83'000}});
  auto response = GetPlaying();
  ASSERT_EQ(response.result(), beast_http::status::ok) << response.body();
  auto body = Json(response);
  EXPECT_EQ(body.at("currently_playing_type").as_string(), "track");
  EXPECT_TRUE(body.at("is_playing").as_bool());
  EXPECT_EQ(body.at("progress_ms").as_int64(), 83'000);
  EXPECT_EQ(body.at("timestamp").as_int64(), 1'700'000'000'000);
  EXPECT_TRUE(body.at("context").is_null());
  EXPECT_TRUE(body.at("actions").is_object());
  const auto& item = body.at("item");
  EXPECT_EQ(item.at("name").as_string(), "Windowlicker");
  EXPECT_EQ(item.at("artists").at(0).at("name").as_string(), "Aphex Twin");
  EXPECT_EQ(item.at("album").at("name").as_string(), "Windowlicker");
  EXPECT_EQ(item.at("album").at("images").at(0).at("url").as_string(),
            "https://i.scdn.co/image/cover");
  EXPECT_EQ(item.at("duration_ms").as_int64(), 366'000);
  EXPECT_EQ(item.at("id").as_string(), "6Hmj7SrLRbreLVfVS7mV1S");
  EXPECT_EQ(item.at("uri").as_string(), "spotify:track:6Hmj7SrLRbreLVfVS7mV1S");
}

TEST_F(CurrentlyPlayingTest, LocalTrackHasANullId) {
  state_.SetPlayback("demo-user", FakePlayback{FakeTrack{"Demo", {"Me"}, "Tape", "", {}, {}}});
  auto item = Json(GetPlaying()).at("item");
  EXPECT_TRUE(item.at("id").is_null());
  EXPECT_TRUE(item.at("is_local").as_bool());
}

TEST_F(CurrentlyPlayingTest, EpisodeItemNeedsAdditionalTypes) {
  state_.SetPlayback("demo-user",
                     FakePlayback{FakeEpisode{"Pilot", "The Show", milliseconds{1000}, "ep1"}});
  auto without = Json(GetPlaying());
  EXPECT_EQ(without.at("currently_playing_type").as_string(), "episode");
  EXPECT_TRUE(without.at("item").is_null());
  auto with = Json(GetPlaying("?additional_types=track,episode"));
  EXPECT_EQ(with.at("currently_playing_type").as_string(), "episode");
  EXPECT_EQ(with.at("item").at("name").as_string(), "Pilot");
  EXPECT_EQ(with.at("item").at("show").at("name").as_string(), "The Show");
}

TEST_F(CurrentlyPlayingTest, AdAndUnknownHaveANullItem) {
  state_.SetPlayback("demo-user", FakePlayback{FakeAd{}});
  auto ad = Json(GetPlaying());
  EXPECT_EQ(ad.at("currently_playing_type").as_string(), "ad");
  EXPECT_TRUE(ad.at("item").is_null());
  state_.SetPlayback("demo-user", FakePlayback{FakeUnknownItem{}});
  auto unknown = Json(GetPlaying("?additional_types=episode"));
  EXPECT_EQ(unknown.at("currently_playing_type").as_string(), "unknown");
  EXPECT_TRUE(unknown.at("item").is_null());
}

TEST_F(CurrentlyPlayingTest, NothingPlayingIs204WithAnEmptyBody) {
  state_.SetPlayback("demo-user", std::nullopt);
  auto response = GetPlaying();
  EXPECT_EQ(response.result(), beast_http::status::no_content);
  EXPECT_TRUE(response.body().empty());
}

}  // namespace
}  // namespace spotauth::fake_spotify::testing
