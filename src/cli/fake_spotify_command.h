// `spotauth fake-spotify`: the stand-in Spotify as its own process, for the browser test, the
// demo and trying spotauth without a Spotify account.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spotauth::cli {

struct FakeSpotifyCommandOptions {
  std::string host = "127.0.0.1";  // an address literal; keep it loopback while control is on
  std::uint16_t port = 5001;       // 0: the kernel chooses (printed on start)
  unsigned threads = 1;
  std::string client_id = "spotauth-demo";
  std::string client_secret;  // empty: a public client that must use PKCE
  std::vector<std::string> redirect_uris = {"http://127.0.0.1:5000/callback"};
  bool auto_approve = false;  // skip the consent page and sign in as "demo-user"
  bool control = true;        // serve /__control/ (docs/fake-spotify.md)
};

// Serves the stand-in with the demo users on a http::Listener, prints
// "fake-spotify listening on http://HOST:PORT" to stdout once it accepts connections, and runs
// until SIGINT or SIGTERM. Returns the process exit code: 0 after a signal, 1 when the listener
// cannot start (the reason goes to stderr).
int RunFakeSpotify(const FakeSpotifyCommandOptions& options);

}  // namespace spotauth::cli
