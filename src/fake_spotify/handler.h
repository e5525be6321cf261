// FakeSpotifyHandler: the stand-in Spotify as an http::RequestHandler. One origin serves both
// the accounts service (/authorize, /api/token) and the Web API (/v1/...), so one port can be
// SPOTAUTH_ACCOUNTS_URL and SPOTAUTH_API_URL at once. Behaviour: docs/spotify-protocol.md.
//
// Create one handler per event loop, all sharing one FakeSpotifyState (which is thread-safe).
// Every request except /__control/... is counted per path and may meet an injected fault first
// (FakeSpotifyState::AddFault); a delay fault waits on the coroutine's own executor.
// With control enabled, /__control/... steers the state over HTTP (docs/fake-spotify.md);
// enable it only on a loopback listener. Handle never throws.
#pragma once

#include "http/request_handler.h"
#include "fake_spotify/state.h"

namespace spotauth::fake_spotify {

struct FakeSpotifyHandlerOptions {
  bool control_enabled = false;
};

class FakeSpotifyHandler final : public http::RequestHandler {
 public:
  explicit FakeSpotifyHandler(FakeSpotifyState& state, FakeSpotifyHandlerOptions options = {})
      : state_(state), options_(options) {}

  boost::asio::awaitable<http::Response> Handle(http::Request request) override;

 private:
  FakeSpotifyState& state_;
  FakeSpotifyHandlerOptions options_;
};

}  // namespace spotauth::fake_spotify
