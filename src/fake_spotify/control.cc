// /__control/...: the JSON interface tests and demos in another process use to steer the
// stand-in (docs/fake-spotify.md). Loopback-only by configuration, never in production.
#include <boost/json/parse.hpp>
#include <utility>

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

Parsed<std::optional<std::string>> OptionalString(const json::object& object,
                                                  std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value) return std::optional<std::string>();
  if (!value->is_string()) return Refuse(std::string(key) + " must be a string");
  return std::optional<std::string>(std::string(value->get_string()));
}

Parsed<std::string> RequiredString(const json::object& object, std::string_view key) {
  auto value = OptionalString(object, key);
  if (!value) return tl::unexpected(value.error());
  if (!*value || (*value)->empty()) return Refuse(std::string(key) + " is required");
  return std::move(**value);
}

Parsed<std::optional<std::int64_t>> OptionalInt(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value) return std::optional<std::int64_t>();
  if (const auto* i = value->if_int64()) return std::optional<std::int64_t>(*i);
  if (const auto* u = value->if_uint64(); u && *u <= INT64_MAX) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(*u));
  }
  return Refuse(std::string(key) + " must be an integer");
}

Parsed<std::optional<bool>> OptionalBool(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value) return std::optional<bool>();
  if (!value->is_bool()) return Refuse(std::string(key) + " must be a boolean");
  return std::optional<bool>(value->get_bool());
}

Parsed<json::object> BodyObject(const http::Request& request) {
  if (request.body().empty()) return json::object{};
  boost::system::error_code ec;
  json::value value = json::parse(request.body(), ec);
  if (ec || !value.is_object()) return Refuse("the body must be a JSON object");
  return std::move(value.get_object());
}

Parsed<FakePlayback> ParsePlayback(const json::object& object) {
  auto type = RequiredString(object, "type");
  auto name = OptionalString(object, "name");
  auto is_playing = OptionalBool(object, "is_playing");
  auto progress = OptionalInt(object, "progress_ms");
  auto duration = OptionalInt(object, "duration_ms");
  if (!type) return tl::unexpected(type.error());
  if (!name) return tl::unexpected(name.error());
  if (!is_playing) return tl::unexpected(is_playing.error());
  if (!progress) return tl::unexpected(progress.error());
  if (!duration) return tl::unexpected(duration.error());
  FakePlayback playback;
  playback.is_playing = is_playing->value_or(true);
  playback.progress = std::chrono::milliseconds{progress->value_or(0)};
  const std::chrono::milliseconds length{duration->value_or(200'000)};
  if (*type == "track") {
    FakeTrack track;
    track.name = name->value_or("Untitled");
    track.duration = length;
    if (const json::value* artists = object.if_contains("artists")) {
      const json::array* list = artists->if_array();
      if (!list) return Refuse("artists must be an array of strings");
      for (const json::value& artist : *list) {
        if (!artist.is_string()) return Refuse("artists must be an array of strings");
        track.artists.emplace_back(artist.get_string());
      }
    }
    auto album = OptionalString(object, "album");
    auto image = OptionalString(object, "image_url");
    if (!album) return tl::unexpected(album.error());
    if (!image) return tl::unexpected(image.error());
    track.album = album->value_or("");
    track.image_url = image->value_or("");
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
  } else if (*type == "episode") {
    auto show = OptionalString(object, "show");
    auto id = OptionalString(object, "id");
    if (!show) return tl::unexpected(show.error());
    if (!id) return tl::unexpected(id.error());
    playback.item = FakeEpisode{name->value_or("Untitled"), show->value_or(""), length,
                                id->value_or("0000000000000000000000")};
  } else if (*type == "ad") {
    playback.item = FakeAd{};
  } else if (*type == "unknown") {
    playback.item = FakeUnknownItem{};
  } else {
    return Refuse("playing.type must be track, episode, ad or unknown");
  }
  return playback;
}

Parsed<FakeFault> ParseFault(const json::object& object) {
  auto kind = OptionalString(object, "kind");
  auto status = OptionalInt(object, "status");
  auto count = OptionalInt(object, "count");
  auto retry_after = OptionalInt(object, "retry_after");
  auto delay = OptionalInt(object, "delay_ms");
  for (const auto* failed : {&status, &count, &retry_after, &delay}) {
    if (!*failed) return tl::unexpected(failed->error());
  }
  if (!kind) return tl::unexpected(kind.error());
  FakeFault fault;
  const std::string kind_name = kind->value_or("status");
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
  fault.status = static_cast<unsigned>(status->value_or(500));
  if (fault.kind == FakeFaultKind::kStatus && (fault.status < 400 || fault.status > 599)) {
    return Refuse("status must be 400-599");
  }
  fault.count = static_cast<int>(count->value_or(1));
  if (fault.count < 1) return Refuse("count must be at least 1");
  fault.retry_after = std::chrono::seconds{retry_after->value_or(0)};
  fault.delay = std::chrono::milliseconds{delay->value_or(0)};
  if (fault.retry_after.count() < 0 || fault.delay.count() < 0) {
    return Refuse("retry_after and delay_ms must not be negative");
  }
  return fault;
}

http::Response PostFault(FakeSpotifyState& state, const json::object& body) {
  auto path = RequiredString(body, "path");
  if (!path) return BadRequest(path.error().what);
  auto fault = ParseFault(body);
  if (!fault) return BadRequest(fault.error().what);
  state.AddFault(std::move(*path), *fault);
  return Ok();
}

http::Response PostUser(FakeSpotifyState& state, const json::object& body) {
  auto id = RequiredString(body, "id");
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
  auto id = RequiredString(body, "id");
  auto secret = OptionalString(body, "secret");
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
  auto enabled = OptionalBool(body, "enabled");
  auto user = OptionalString(body, "user");
  if (!enabled || !*enabled) return BadRequest("enabled (boolean) is required");
  if (!user) return BadRequest(user.error().what);
  state.SetAutoApprove(**enabled, user->value_or(""));
  return Ok();
}

http::Response PostSettings(FakeSpotifyState& state, const json::object& body) {
  auto expires_in = OptionalInt(body, "expires_in");
  auto rotate = OptionalBool(body, "rotate_refresh_tokens");
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
    auto user = RequiredString(*body, "user");
    if (!user) return BadRequest(user.error().what);
    state.RevokeRefreshTokens(*user);
    return Ok();
  }
  return JsonResponse(beast_http::status::not_found,
                      json::object{{"error", "unknown control endpoint"}});
}

}  // namespace spotauth::fake_spotify::internal
