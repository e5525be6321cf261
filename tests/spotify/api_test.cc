#include "spotify/api.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/recording_http_client.h"

namespace spotauth::spotify {
namespace {

using beast_http::field;
using beast_http::verb;
using spotauth::testing::Header;
using spotauth::testing::RecordingHttpClient;
using spotauth::testing::RunSync;
using namespace std::chrono_literals;
using Playing = std::optional<spotify::CurrentlyPlaying>;

constexpr std::string_view kPlayingUrl =
    "https://api.spotify.com/v1/me/player/currently-playing?additional_types=episode";

// clang-format off
constexpr std::string_view kTrackBody = R"json({
  "timestamp": 1700000000000, "context": null, "progress_ms": 61000, "is_playing": true,
  "currently_playing_type": "track", "actions": {"disallows": {}},
  "item": {
    "type": "track", "name": "Hey Jude", "id": "0aym2LBJBk9DAYuHHutrIl", "duration_ms": 431333,
    "uri": "spotify:track:0aym2LBJBk9DAYuHHutrIl",
    "artists": [{"name": "The Beatles", "id": "3WrFJ7ztbogyGnTHbHJFl2"}, {"name": "Guest"}],
    "album": {"name": "Hey Jude (Single)", "images": [
      {"url": "https://i.scdn.co/image/large", "height": 640, "width": 640},
      {"url": "https://i.scdn.co/image/small", "height": 64, "width": 64}]}
  }
})json";
// clang-format on

class ApiTest : public ::testing::Test {
 protected:
  Result<User> Me() { return RunSync(api_.CurrentUser("access-1")); }
  Result<Playing> Now() { return RunSync(api_.CurrentlyPlaying("access-1")); }
  // The item of the next currently-playing answer, which must parse and hold a T.
  template <class T>
  T NowItem() {
    auto playing = Now();
    if (!playing) {
      ADD_FAILURE() << playing.error().message;
      return T{};
    }
    if (!playing->has_value() || !std::holds_alternative<T>((*playing)->item)) {
      ADD_FAILURE() << "no item of the expected kind";
      return T{};
    }
    return std::get<T>((*playing)->item);
  }

  RecordingHttpClient http_;
  SpotifyApi api_{http_};
};

template <class T>
Error ErrorOf(const Result<T>& result) {
  EXPECT_FALSE(result);
  return result ? Error{ErrorCode::kInternal, "unexpectedly succeeded", {}} : result.error();
}

// --- /v1/me ---

TEST_F(ApiTest, CurrentUserGetsMeWithBearerToken) {
  http_.Respond(200, R"({"id":"wizzler","display_name":"Wiz","type":"user","images":[]})");
  auto user = Me();
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->id, "wizzler");
  EXPECT_EQ(user->display_name, "Wiz");

  ASSERT_EQ(http_.requests().size(), 1u);
  EXPECT_EQ(http_.last().method, verb::get);
  EXPECT_EQ(http_.last().url, "https://api.spotify.com/v1/me");
  EXPECT_EQ(Header(http_.last(), field::authorization), "Bearer access-1");
  EXPECT_EQ(http_.last().body, "");
}

TEST_F(ApiTest, NullDisplayNameIsEmptyOptional) {
  http_.Respond(200, R"({"id":"wizzler","display_name":null})");
  auto user = Me();
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->display_name, std::nullopt);
}

TEST_F(ApiTest, ApiUrlIsConfigurable) {
  SpotifyApi local(http_, "http://127.0.0.1:9000/");
  http_.Respond(200, R"({"id":"u"})");
  ASSERT_TRUE(RunSync(local.CurrentUser("t")));
  EXPECT_EQ(http_.last().url, "http://127.0.0.1:9000/v1/me");
}

TEST_F(ApiTest, UserWithoutIdOrWithBadJsonIsAProtocolError) {
  http_.Respond(200, R"({"display_name":"Wiz"})");
  http_.Respond(200, R"({"id":42})");
  http_.Respond(200, R"({"id":"wiz")");
  http_.Respond(204, "");
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kUpstreamProtocol);
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kUpstreamProtocol);
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kUpstreamProtocol);
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kUpstreamProtocol);
}

// --- status mapping (shared by every call) ---

TEST_F(ApiTest, ExpiredTokenIsUnauthorizedWithSpotifysMessage) {
  http_.Respond(401, R"({"error":{"status":401,"message":"The access token expired"}})");
  const Error error = ErrorOf(Me());
  EXPECT_EQ(error.code, ErrorCode::kUnauthorized);
  EXPECT_NE(error.message.find("The access token expired"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("access-1"), std::string::npos) << error.message;
}

TEST_F(ApiTest, ForbiddenKeepsTheReason) {
  http_.Respond(403, R"({"error":{"status":403,"message":"Player command failed",)"
                     R"("reason":"PREMIUM_REQUIRED"}})");
  const Error error = ErrorOf(Now());
  EXPECT_EQ(error.code, ErrorCode::kForbidden);
  EXPECT_NE(error.message.find("PREMIUM_REQUIRED"), std::string::npos) << error.message;
}

TEST_F(ApiTest, NotFoundIsNotFound) {
  http_.Respond(404, R"({"error":{"status":404,"message":"Service not found"}})");
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kNotFound);
}

TEST_F(ApiTest, ServerErrorsAreUnavailableWhateverTheBody) {
  http_.Respond(500, R"({"error":{"status":500,"message":"Server error"}})");
  http_.Respond(502, "<html>Bad gateway</html>");
  http_.Respond(503, "");
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorOf(Now()).code, ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kUnavailable);
}

TEST_F(ApiTest, OtherClientErrorsAreInvalidArgumentAndOddStatusesProtocolErrors) {
  http_.Respond(400, R"({"error":{"status":400,"message":"Bad request"}})");
  http_.Respond(302, "");
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kUpstreamProtocol);
}

TEST_F(ApiTest, RateLimitReadsLowerCaseRetryAfter) {
  http_.Respond(429, "", {{"retry-after", "7"}});
  const Error error = ErrorOf(Now());
  EXPECT_EQ(error.code, ErrorCode::kRateLimited);
  EXPECT_EQ(error.retry_after, 7s);
}

TEST_F(ApiTest, RateLimitCapsRetryAfter) {
  SpotifyApi capped(http_, "https://api.spotify.com", ApiOptions{.max_retry_after = 120s});
  http_.Respond(429, "", {{"Retry-After", "3600"}});
  http_.Respond(429, "", {{"Retry-After", "99999999999999999999999"}});
  EXPECT_EQ(ErrorOf(RunSync(capped.CurrentUser("t"))).retry_after, 120s);
  EXPECT_EQ(ErrorOf(RunSync(capped.CurrentUser("t"))).retry_after, 120s);
}

TEST_F(ApiTest, DefaultCapIsAnHour) {
  http_.Respond(429, "", {{"Retry-After", "7200"}});
  EXPECT_EQ(ErrorOf(Me()).retry_after, 3600s);
}

TEST_F(ApiTest, MissingOrUnreadableRetryAfterFallsBackToFiveSeconds) {
  http_.Respond(429, "");
  http_.Respond(429, "", {{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}});
  http_.Respond(429, "", {{"Retry-After", "-3"}});
  http_.Respond(429, "", {{"Retry-After", " 12 "}});
  EXPECT_EQ(ErrorOf(Me()).retry_after, 5s);
  EXPECT_EQ(ErrorOf(Me()).retry_after, 5s);
  EXPECT_EQ(ErrorOf(Me()).retry_after, 5s);
  EXPECT_EQ(ErrorOf(Me()).retry_after, 12s);
}

TEST_F(ApiTest, TransportErrorsPassThrough) {
  http_.Fail(ErrorCode::kTimeout, "deadline passed");
  http_.Fail(ErrorCode::kTooLarge, "body over cap");
  EXPECT_EQ(ErrorOf(Me()).code, ErrorCode::kTimeout);
  EXPECT_EQ(ErrorOf(Now()).code, ErrorCode::kTooLarge);
}

// --- currently playing ---

TEST_F(ApiTest, NothingPlayingIs204OrEmpty200) {
  http_.Respond(204, "");
  http_.Respond(200, "");
  auto first = Now();
  auto second = Now();
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*first, std::nullopt);
  EXPECT_EQ(*second, std::nullopt);
  EXPECT_EQ(http_.last().method, verb::get);
  EXPECT_EQ(http_.last().url, kPlayingUrl);
  EXPECT_EQ(Header(http_.last(), field::authorization), "Bearer access-1");
}

TEST_F(ApiTest, TrackIsParsed) {
  http_.Respond(200, std::string(kTrackBody));
  auto playing = Now();
  ASSERT_TRUE(playing) << playing.error().message;
  ASSERT_TRUE(playing->has_value());
  const auto& now = **playing;
  EXPECT_TRUE(now.is_playing);
  EXPECT_EQ(now.progress_ms, 61000);
  EXPECT_EQ(now.type, CurrentlyPlaying::Type::kTrack);
  ASSERT_TRUE(std::holds_alternative<TrackItem>(now.item));
  const auto& track = std::get<TrackItem>(now.item);
  EXPECT_EQ(track.name, "Hey Jude");
  EXPECT_EQ(track.artists, (std::vector<std::string>{"The Beatles", "Guest"}));
  EXPECT_EQ(track.album, "Hey Jude (Single)");
  EXPECT_EQ(track.image_url, "https://i.scdn.co/image/large");
  EXPECT_EQ(track.id, "0aym2LBJBk9DAYuHHutrIl");
  EXPECT_EQ(track.duration_ms, 431333);
}

TEST_F(ApiTest, LocalFileTrackHasNoIdAndNoImage) {
  http_.Respond(200, R"({"is_playing":false,"progress_ms":null,"currently_playing_type":"track",
    "item":{"type":"track","is_local":true,"id":null,"name":"demo.mp3","duration_ms":1000,
            "artists":[{"name":"Me"}],"album":{"name":"","images":[]}}})");
  auto playing = Now();
  ASSERT_TRUE(playing) << playing.error().message;
  ASSERT_TRUE(playing->has_value());
  EXPECT_FALSE((*playing)->is_playing);
  EXPECT_EQ((*playing)->progress_ms, std::nullopt);
  const auto& track = std::get<TrackItem>((*playing)->item);
  EXPECT_EQ(track.id, std::nullopt);
  EXPECT_EQ(track.image_url, std::nullopt);
  EXPECT_EQ(track.name, "demo.mp3");
}

TEST_F(ApiTest, EpisodeIsParsedWithShowImageAsFallback) {
  http_.Respond(200, R"({"is_playing":true,"progress_ms":5,"currently_playing_type":"episode",
    "item":{"type":"episode","name":"Ep 1","duration_ms":60000,
            "show":{"name":"The Show","images":[{"url":"https://i.scdn.co/show"}]}}})");
  auto playing = Now();
  ASSERT_TRUE(playing) << playing.error().message;
  ASSERT_TRUE(playing->has_value());
  EXPECT_EQ((*playing)->type, CurrentlyPlaying::Type::kEpisode);
  ASSERT_TRUE(std::holds_alternative<EpisodeItem>((*playing)->item));
  const auto& episode = std::get<EpisodeItem>((*playing)->item);
  EXPECT_EQ(episode.name, "Ep 1");
  EXPECT_EQ(episode.show, "The Show");
  EXPECT_EQ(episode.image_url, "https://i.scdn.co/show");
}

TEST_F(ApiTest, EpisodePrefersItsOwnImage) {
  http_.Respond(200, R"({"is_playing":true,"currently_playing_type":"episode",
    "item":{"name":"Ep","images":[{"url":"https://i.scdn.co/ep"}],
            "show":{"name":"S","images":[{"url":"https://i.scdn.co/show"}]}}})");
  auto playing = Now();
  ASSERT_TRUE(playing && playing->has_value());
  EXPECT_EQ(std::get<EpisodeItem>((*playing)->item).image_url, "https://i.scdn.co/ep");
}

TEST_F(ApiTest, AdHasNoItem) {
  http_.Respond(200, R"({"is_playing":true,"progress_ms":1000,"currently_playing_type":"ad",
    "item":null})");
  auto playing = Now();
  ASSERT_TRUE(playing) << playing.error().message;
  ASSERT_TRUE(playing->has_value());
  EXPECT_EQ((*playing)->type, CurrentlyPlaying::Type::kAd);
  EXPECT_TRUE(std::holds_alternative<std::monostate>((*playing)->item));
}

TEST_F(ApiTest, UnknownTypeStringIsUnknownAndItsItemIsNotGuessedAt) {
  http_.Respond(200, R"({"is_playing":true,"currently_playing_type":"audiobook",
    "item":{"name":"Chapter 1"}})");
  http_.Respond(200, R"({"is_playing":false,"currently_playing_type":"unknown","item":null})");
  auto first = Now();
  auto second = Now();
  ASSERT_TRUE(first && first->has_value());
  ASSERT_TRUE(second && second->has_value());
  EXPECT_EQ((*first)->type, CurrentlyPlaying::Type::kUnknown);
  EXPECT_TRUE(std::holds_alternative<std::monostate>((*first)->item));
  EXPECT_EQ((*second)->type, CurrentlyPlaying::Type::kUnknown);
}

TEST_F(ApiTest, TrimmedTrackNeedsOnlyItsName) {
  http_.Respond(200, R"({"is_playing":true,"currently_playing_type":"track",
    "item":{"name":"Only a name"}})");
  http_.Respond(200, R"({"is_playing":true,"progress_ms":null,"currently_playing_type":"track",
    "item":{"name":"Nulls","type":"track","id":null,"duration_ms":null,"artists":null,
            "album":null}})");
  for (const char* name : {"Only a name", "Nulls"}) {
    const TrackItem track = NowItem<TrackItem>();
    EXPECT_EQ(track.name, name);
    EXPECT_EQ(track.duration_ms, std::nullopt);
    EXPECT_TRUE(track.artists.empty());
    EXPECT_EQ(track.album, "");
    EXPECT_EQ(track.image_url, std::nullopt);
  }
}

// As Spotify's reference describes Get Currently Playing Track, every field present.
// clang-format off
constexpr std::string_view kCompleteTrackBody = R"json({
  "device": {"id": "d1", "is_active": true, "is_private_session": false, "is_restricted": false,
             "name": "Kitchen", "type": "Speaker", "volume_percent": 59, "supports_volume": true},
  "repeat_state": "off", "shuffle_state": false,
  "context": {"type": "album", "href": "https://api.spotify.com/v1/albums/a1",
              "external_urls": {"spotify": "https://open.spotify.com/album/a1"},
              "uri": "spotify:album:a1"},
  "timestamp": 1700000000000, "progress_ms": 1000, "is_playing": true,
  "item": {
    "album": {"album_type": "album", "total_tracks": 9, "available_markets": ["SE"],
              "external_urls": {"spotify": "https://open.spotify.com/album/a1"},
              "href": "https://api.spotify.com/v1/albums/a1", "id": "a1",
              "images": [{"url": "https://i.scdn.co/image/a1", "height": 300, "width": 300}],
              "name": "Album", "release_date": "1981-12", "release_date_precision": "month",
              "restrictions": {"reason": "market"}, "type": "album", "uri": "spotify:album:a1",
              "artists": [{"external_urls": {"spotify": "x"}, "href": "h", "id": "r1",
                           "name": "Artist", "type": "artist", "uri": "spotify:artist:r1"}]},
    "artists": [{"external_urls": {"spotify": "x"}, "href": "h", "id": "r1", "name": "Artist",
                 "type": "artist", "uri": "spotify:artist:r1"}],
    "available_markets": ["SE"], "disc_number": 1, "duration_ms": 200000, "explicit": false,
    "external_ids": {"isrc": "USUM71703861"}, "external_urls": {"spotify": "x"},
    "href": "https://api.spotify.com/v1/tracks/t1", "id": "t1", "is_playable": true,
    "linked_from": {}, "restrictions": {"reason": "explicit"}, "name": "Song", "popularity": 50,
    "preview_url": null, "track_number": 3, "type": "track", "uri": "spotify:track:t1",
    "is_local": false
  },
  "currently_playing_type": "track",
  "actions": {"interrupting_playback": false, "pausing": true, "disallows": {"resuming": true}}
})json";
// clang-format on

TEST_F(ApiTest, CompleteSpotifyShapedTrackIsParsed) {
  http_.Respond(200, std::string(kCompleteTrackBody));
  const TrackItem track = NowItem<TrackItem>();
  EXPECT_EQ(track.name, "Song");
  EXPECT_EQ(track.artists, std::vector<std::string>{"Artist"});
  EXPECT_EQ(track.album, "Album");
  EXPECT_EQ(track.image_url, "https://i.scdn.co/image/a1");
  EXPECT_EQ(track.duration_ms, 200000);
}

TEST_F(ApiTest, CompleteSpotifyShapedEpisodeIsParsed) {
  http_.Respond(200, R"json({"device": null, "repeat_state": "track", "shuffle_state": true,
    "timestamp": 1, "context": null, "progress_ms": 10, "is_playing": false,
    "currently_playing_type": "episode", "actions": {"disallows": {}},
    "item": {"audio_preview_url": null, "description": "d", "html_description": "<p>d</p>",
      "duration_ms": 1000, "explicit": false, "external_urls": {}, "href": "h", "id": "e1",
      "images": [], "is_externally_hosted": false, "is_playable": true, "language": "en",
      "languages": ["en"], "name": "Episode", "release_date": "2020", "release_date_precision":
      "year", "resume_point": {"fully_played": false, "resume_position_ms": 0}, "type": "episode",
      "uri": "spotify:episode:e1",
      "show": {"available_markets": [], "copyrights": [], "description": "", "html_description":
        "", "explicit": false, "external_urls": {}, "href": "h", "id": "s1",
        "images": [{"url": "https://i.scdn.co/show", "height": null, "width": null}],
        "is_externally_hosted": null, "languages": [], "media_type": "audio", "name": "Show",
        "publisher": "P", "type": "show", "uri": "spotify:show:s1", "total_episodes": 3}}})json");
  const EpisodeItem episode = NowItem<EpisodeItem>();
  EXPECT_EQ(episode.name, "Episode");
  EXPECT_EQ(episode.show, "Show");
  EXPECT_EQ(episode.image_url, "https://i.scdn.co/show");
}

TEST_F(ApiTest, ItemOfAnotherTypeThanAnnouncedIsUnknown) {
  http_.Respond(200, R"({"is_playing":true,"currently_playing_type":"track",
    "item":{"type":"audiobook","name":"Chapter 1"}})");
  auto playing = Now();
  ASSERT_TRUE(playing && playing->has_value());
  EXPECT_EQ((*playing)->type, CurrentlyPlaying::Type::kUnknown);
  EXPECT_TRUE(std::holds_alternative<std::monostate>((*playing)->item));
}

TEST_F(ApiTest, CompleteSpotifyShapedUserIsParsed) {
  http_.Respond(200, R"json({"country": "SE", "display_name": null, "email": "a@b.c",
    "explicit_content": {"filter_enabled": false, "filter_locked": false},
    "external_urls": {"spotify": "https://open.spotify.com/user/u1"},
    "followers": {"href": null, "total": 3}, "href": "https://api.spotify.com/v1/users/u1",
    "id": "u1", "images": [{"url": "https://i.scdn.co/u", "height": 300, "width": 300}],
    "product": "premium", "type": "user", "uri": "spotify:user:u1"})json");
  auto me = Me();
  ASSERT_TRUE(me) << me.error().message;
  EXPECT_EQ(me->id, "u1");
  EXPECT_EQ(me->display_name, std::nullopt);
}

struct BadPlayingCase {
  const char* name;
  const char* body;
};

class MalformedPlayingTest : public ApiTest,
                             public ::testing::WithParamInterface<BadPlayingCase> {};

TEST_P(MalformedPlayingTest, IsAnUpstreamProtocolError) {
  http_.Respond(200, GetParam().body);
  EXPECT_EQ(ErrorOf(Now()).code, ErrorCode::kUpstreamProtocol);
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, MalformedPlayingTest,
    ::testing::Values(
        BadPlayingCase{"NotJson", R"({"is_playing":)"}, BadPlayingCase{"NotAnObject", "[]"},
        BadPlayingCase{"MissingIsPlaying", R"({"currently_playing_type":"ad","item":null})"},
        BadPlayingCase{"IsPlayingNotBool", R"({"is_playing":"yes"})"},
        BadPlayingCase{"ProgressNotNumber", R"({"is_playing":true,"progress_ms":"1"})"},
        BadPlayingCase{"ItemNotObject",
                       R"({"is_playing":true,"currently_playing_type":"track","item":[]})"},
        BadPlayingCase{"TrackWithoutName", R"({"is_playing":true,"currently_playing_type":"track",)"
                                           R"("item":{"duration_ms":1,"id":"x"}})"},
        BadPlayingCase{"DurationNotNumber",
                       R"({"is_playing":true,"currently_playing_type":"track",)"
                       R"("item":{"name":"n","duration_ms":"1"}})"},
        BadPlayingCase{"ArtistWithoutName",
                       R"({"is_playing":true,"currently_playing_type":"track",)"
                       R"("item":{"name":"n","artists":[{"id":"a"}]}})"},
        BadPlayingCase{"ItemTypeNotString",
                       R"({"is_playing":true,"currently_playing_type":"track",)"
                       R"("item":{"name":"n","type":1}})"},
        BadPlayingCase{"ArtistsNotArray", R"({"is_playing":true,"currently_playing_type":"track",)"
                                          R"("item":{"name":"n","duration_ms":1,"artists":"x"}})"},
        BadPlayingCase{"EpisodeWithoutName",
                       R"({"is_playing":true,"currently_playing_type":"episode",)"
                       R"("item":{"show":{"name":"s"}}})"}),
    [](const ::testing::TestParamInfo<BadPlayingCase>& param_info) {
      return param_info.param.name;
    });

}  // namespace
}  // namespace spotauth::spotify
