// Internal to the stand-in Spotify: the Web API objects it serves, complete as Spotify's Web API
// reference describes them (docs/fake-spotify.md names the source of each field).
#pragma once

#include <boost/json/object.hpp>

#include "core/scope.h"
#include "fake_spotify/state.h"

namespace spotauth::fake_spotify::internal {

// TrackObject; a local file (no id) in the shape Spotify gives local files.
boost::json::object TrackObject(const FakeTrack& track);
// EpisodeObject with its SimplifiedShowObject.
boost::json::object EpisodeObject(const FakeEpisode& episode);
// The body of GET /v1/me/player/currently-playing for a user who is playing something.
// `with_episodes`: the request asked for additional_types=episode.
boost::json::object CurrentlyPlayingObject(const FakeUser& user, const FakePlayback& playback,
                                           bool with_episodes);
// The current user's profile; email and the private fields follow the granted scopes.
boost::json::object UserObject(const FakeUser& user, const Scope& scope);

}  // namespace spotauth::fake_spotify::internal
