// /__control/...: the JSON interface tests and demos in another process use to steer the
// stand-in (docs/fake-spotify.md). Loopback-only by configuration, never in production.
#include <utility>

#include "core/json_fields.h"
#include "core/result.h"
#include "fake_spotify/routes.h"

namespace spotauth::fake_spotify::internal {
namespace {

namespace json = boost::json;

// A control request the stand-in cannot act on; `what` is shown to the caller.
struct Refusal {
  std::string what;
};

template <class T>
using Parsed = tl::expected<T, Refusal>;

tl::unexpected<Refusal> Refuse(std::string what) {
  return tl::unexpected<Refusal>(Refusal{std::move(what)});
}

http::Response Ok() { return JsonResponse(beast_http::status::ok, json::object{{"ok", true}}); }

http::Response BadRequest(std::string_view what) {
  return JsonResponse(beast_http::status::bad_request, json::object{{"error", what}});
}

// The stand-in's wording for json_fields' failures: the caller sees which field to fix.
Refusal Complain(const json_fields::ReadError& error) {
  switch (error.problem) {
    case json_fields::Problem::kNotJson:
    case json_fields::Problem::kNotJsonObject:
      return Refusal{"the body must be a JSON object"};
    case json_fields::Problem::kMissing:
      return Refusal{error.key + " is required"};
    case json_fields::Problem::kNotString:
      return Refusal{error.key + " must be a string"};
    case json_fields::Problem::kNotNumber:
    case json_fields::Problem::kNotInteger:
      return Refusal{error.key + " must be an integer"};
    case json_fields::Problem::kNotBoolean:
      return Refusal{error.key + " must be a boolean"};
    case json_fields::Problem::kNotObject:
      return Refusal{error.key + " must be an object"};
  }
  return Refusal{error.key + " " + std::string(json_fields::Describe(error.problem))};
}

// Ids, types and paths: an empty one is as good as none.
Parsed<std::string> NonEmptyString(const json::object& object, std::string_view key) {
  SPOTAUTH_TRY_ASSIGN(std::string value, json_fields::RequiredString(object, key, Complain));
  if (value.empty()) return Refuse(std::string(key) + " is required");
  return value;
}

// An empty body is an empty object: most control requests need nothing.
Parsed<json::object> BodyObject(const http::Request& request) {
  if (request.body().empty()) return json::object{};
  return json_fields::ParseObject(request.body(), Complain);
}

Parsed<FakePlayback> ParsePlayback(const json::object& object) {
  SPOTAUTH_TRY_ASSIGN(const std::string type, NonEmptyString(object, "type"));
  SPOTAUTH_TRY_ASSIGN(const auto name, json_fields::OptionalString(object, "name", Complain));
  SPOTAUTH_TRY_ASSIGN(const auto is_playing,
                      json_fields::OptionalBool(object, "is_playing", Complain));
  SPOTAUTH_TRY_ASSIGN(const auto progress,
                      json_fields::OptionalInt(object, "progress_ms", Complain));
  SPOTAUTH_TRY_ASSIGN(const auto duration,
                      json_fields::OptionalInt(object, "duration_ms", Complain));
  FakePlayback playback;
  playback.is_playing = is_playing.value_or(true);
  playback.progress = std::chrono::milliseconds{progress.value_or(0)};
  const std::chrono::milliseconds length{duration.value_or(200'000)};
  if (type == "track") {
    FakeTrack track;
    track.name = name.value_or("Untitled");
    track.duration = length;
    if (const json::value* artists = object.if_contains("artists")) {
      const json::array* list = artists->if_array();
      if (!list) return Refuse("artists must be an array of strings");
      for (const json::value& artist : *list) {
        if (!artist.is_string()) return Refuse("artists must be an array of strings");
        track.artists.emplace_back(artist.get_string());
      }
    }
    SPOTAUTH_TRY_ASSIGN(const auto album, json_fields::OptionalString(object, "album", Complain));
    SPOTAUTH_TRY_ASSIGN(const auto image,
                        json_fields::OptionalString(object, "image_url", Complain));
    track.album = album.value_or("");
    track.image_url = image.value_or("");
    // An explicit null id is a local file, as on Spotify; an absent id makes one up.
    const json::value* id = object.if_contains("id");
    if (id && id->is_string()) {
      track.id = std::string(id->get_string());
    } else if (id && !id->is_null()) {
      return Refuse("id must be a string or null");
    } else if (!id) {
      track.id = "0000000000000000000000";
    }
    playback.item = std::move(track);
  } else if (type == "episode") {
    SPOTAUTH_TRY_ASSIGN(const auto show, json_fields::OptionalString(object, "show", Complain));
    SPOTAUTH_TRY_ASSIGN(const auto id, json_fields::OptionalString(object, "id", Complain));
    playback.item = FakeEpisode{name.value_or("Untitled"), show.value_or(""), length,
                                id.value_or("0000000000000000000000")};
  } else if (type == "ad") {
    playback.item = FakeAd{};
  } else if (type == "unknown") {
    playback.item = FakeUnknownItem{};
  } else {
    return Refuse("playing.type must be track, episode, ad or unknown");
  }
  return playback;
}

Parsed<FakeFault> ParseFault(const json::object& object) {
  SPOTAUTH_TRY_ASSIGN(const auto status, json_fields::OptionalInt(object, "status", Complain));
  SPOTAUTH_TRY_ASSIGN(const auto count, json_fields::OptionalInt(object, "count", Complain));
  SPOTAUTH_TRY_ASSIGN(const auto retry_after,
                      json_fields::OptionalInt(object, "retry_after", Complain));
  SPOTAUTH_TRY_ASSIGN(const auto delay, json_fields::OptionalInt(object, "delay_ms", Complain));
  SPOTAUTH_TRY_ASSIGN(const auto kind, json_fields::OptionalString(object, "kind", Complain));
  FakeFault fault;
  const std::string kind_name = kind.value_or("status");
  if (kind_name == "status") {
    fault.kind = FakeFaultKind::kStatus;
  } else if (kind_name == "delay") {
    fault.kind = FakeFaultKind::kDelay;
  } else if (kind_name == "malformed") {
    fault.kind = FakeFaultKind::kMalformed;
  } else if (kind_name == "reset") {
    fault.kind = FakeFaultKind::kReset;
  } else {
    return Refuse("kind must be status, delay, malformed or reset");
  }
  fault.status = static_cast<unsigned>(status.value_or(500));
  if (fault.kind == FakeFaultKind::kStatus && (fault.status < 400 || fault.status > 599)) {
    return Refuse("status must be 400-599");
  }
  fault.count = static_cast<int>(count.value_or(1));
  if (fault.count < 1) return Refuse("count must be at least 1");
  fault.retry_after = std::chrono::seconds{retry_after.value_or(0)};
  fault.delay = std::chrono::milliseconds{delay.value_or(0)};
  if (fault.retry_after.count() < 0 || fault.delay.count() < 0) {
    return Refuse("retry_after and delay_ms must not be negative");
  }
  return fault;
}

http::Response PostFault(FakeSpotifyState& state, const json::object& body) {
  auto path = NonEmptyString(body, "path");
  if (!path) return BadRequest(path.error().what);
  auto fault = ParseFault(body);
  if (!fault) return BadRequest(fault.error().what);
  state.AddFault(std::move(*path), *fault);
  return Ok();
}

http::Response PostUser(FakeSpotifyState& state, const json::object& body) {
  auto id = NonEmptyString(body, "id");
  if (!id) return BadRequest(id.error().what);
  FakeUser user = state.FindUser(*id).value_or(FakeUser{*id, std::nullopt, std::nullopt});
  // Absent fields keep what the user had; null clears.
  if (const json::value* name = body.if_contains("display_name")) {
    if (name->is_null()) {
      user.display_name.reset();
    } else if (name->is_string()) {
      user.display_name = std::string(name->get_string());
    } else {
      return BadRequest("display_name must be a string or null");
    }
  }
  if (const json::value* playing = body.if_contains("playing")) {
    if (playing->is_null()) {
      user.playback.reset();
    } else if (const json::object* object = playing->if_object()) {
      auto playback = ParsePlayback(*object);
      if (!playback) return BadRequest(playback.error().what);
      user.playback = std::move(*playback);
    } else {
      return BadRequest("playing must be an object or null");
    }
  }
  state.PutUser(std::move(user));
  return Ok();
}

http::Response PostClient(FakeSpotifyState& state, const json::object& body) {
  auto id = NonEmptyString(body, "id");
  auto secret = json_fields::OptionalString(body, "secret", Complain);
  if (!id) return BadRequest(id.error().what);
  if (!secret) return BadRequest(secret.error().what);
  FakeClient client{std::move(*id), secret->value_or(""), {}};
  const json::value* uris = body.if_contains("redirect_uris");
  const json::array* list = uris ? uris->if_array() : nullptr;
  if (!list) return BadRequest("redirect_uris must be an array of strings");
  for (const json::value& uri : *list) {
    if (!uri.is_string()) return BadRequest("redirect_uris must be an array of strings");
    client.redirect_uris.emplace_back(uri.get_string());
  }
  state.AddClient(std::move(client));
  return Ok();
}

http::Response PostAutoApprove(FakeSpotifyState& state, const json::object& body) {
  auto enabled = json_fields::OptionalBool(body, "enabled", Complain);
  auto user = json_fields::OptionalString(body, "user", Complain);
  if (!enabled || !*enabled) return BadRequest("enabled (boolean) is required");
  if (!user) return BadRequest(user.error().what);
  state.SetAutoApprove(**enabled, user->value_or(""));
  return Ok();
}

http::Response PostSettings(FakeSpotifyState& state, const json::object& body) {
  auto expires_in = json_fields::OptionalInt(body, "expires_in", Complain);
  auto rotate = json_fields::OptionalBool(body, "rotate_refresh_tokens", Complain);
  if (!expires_in) return BadRequest(expires_in.error().what);
  if (!rotate) return BadRequest(rotate.error().what);
  if (*expires_in && **expires_in < 0) return BadRequest("expires_in must not be negative");
  if (*expires_in) state.SetAccessTokenLifetime(std::chrono::seconds{**expires_in});
  if (*rotate) state.SetRotateConfidentialRefreshTokens(**rotate);
  return Ok();
}

http::Response Stats(const FakeSpotifyState& state) {
  json::object requests;
  for (const auto& [path, count] : state.RequestCounts()) requests[path] = count;
  return JsonResponse(beast_http::status::ok, json::object{{"requests", std::move(requests)}});
}

}  // namespace

http::Response HandleControl(FakeSpotifyState& state, const http::Request& request,
                             std::string_view path) {
  const auto method = request.method();
  if (path == "/__control/stats" && method == beast_http::verb::get) return Stats(state);
  if (path == "/__control/fault" && method == beast_http::verb::delete_) {
    state.ClearFaults();
    return Ok();
  }
  if (method != beast_http::verb::post) {
    return JsonResponse(beast_http::status::not_found,
                        json::object{{"error", "unknown control endpoint"}});
  }
  auto body = BodyObject(request);
  if (!body) return BadRequest(body.error().what);
  if (path == "/__control/fault") return PostFault(state, *body);
  if (path == "/__control/user") return PostUser(state, *body);
  if (path == "/__control/client") return PostClient(state, *body);
  if (path == "/__control/auto-approve") return PostAutoApprove(state, *body);
  if (path == "/__control/settings") return PostSettings(state, *body);
  if (path == "/__control/expire-access-tokens") {
    state.ExpireAccessTokens();
    return Ok();
  }
  if (path == "/__control/revoke") {
    auto user = NonEmptyString(*body, "user");
    if (!user) return BadRequest(user.error().what);
    state.RevokeRefreshTokens(*user);
    return Ok();
  }
  return JsonResponse(beast_http::status::not_found,
                      json::object{{"error", "unknown control endpoint"}});
}

}  // namespace spotauth::fake_spotify::internal
