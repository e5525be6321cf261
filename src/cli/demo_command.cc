#include "cli/demo_command.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "cli/server_runner.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "http/listener.h"

namespace spotauth::cli {

int RunDemo(const DemoOptions& options) {
  SystemClock clock;
  OpenSslRandom random;
  const std::string redirect_uri = "http://127.0.0.1:" + std::to_string(options.port) +
                                   (options.upstream.empty() ? "" : "/spotauth") + "/callback";
  const std::string client_id = "spotauth-demo";
  const std::string client_secret = options.pkce ? "" : HexEncode(random.Bytes(16));

  // The stand-in Spotify, on a port the kernel chooses.
  fake_spotify::FakeSpotifyState state(clock, random);
  fake_spotify::AddDemoDefaults(state, client_id, client_secret, {redirect_uri});
  state.SetAutoApprove(options.auto_approve, "demo-user");
  http::ListenerOptions fake_options;
  fake_options.access_log = false;
  http::Listener fake(fake_options, [&state](boost::asio::io_context&) {
    return std::make_unique<fake_spotify::FakeSpotifyHandler>(
        state, fake_spotify::FakeSpotifyHandlerOptions{true});
  });
  if (auto started = fake.Start(); !started) {
    std::cerr << "demo: cannot start the stand-in Spotify: " << started.error().message << "\n";
    return 1;
  }
  const std::string spotify_url = "http://127.0.0.1:" + std::to_string(fake.Port());

  server::Settings settings = {
      {"SPOTIFY_CLIENT_ID", client_id},
      {"SPOTIFY_CLIENT_SECRET", client_secret},
      {"SPOTIFY_REDIRECT_URI", redirect_uri},
      {"SPOTAUTH_SECRET", HexEncode(random.Bytes(32))},
      {"SPOTAUTH_PORT", std::to_string(options.port)},
      {"SPOTAUTH_STORE", options.store},
      {"SPOTAUTH_ACCOUNTS_URL", spotify_url},
      {"SPOTAUTH_API_URL", spotify_url},
  };
  if (!options.upstream.empty()) settings["SPOTAUTH_UPSTREAM"] = options.upstream;
  auto config = server::BuildConfig(settings, std::filesystem::current_path().string());
  if (!config) {
    for (const auto& p : config.error()) std::cerr << "demo: " << p << "\n";
    return 2;
  }
  return RunServer(*config, [&] {
    std::cout << "\nspotauth demo is running.\n"
              << "  Open " << config->public_origin << "/ in a browser and log in"
              << (config->Gateway() ? " (then it shows " + config->upstream + ")" : "") << ".\n"
              << "  The stand-in Spotify is at " << spotify_url << " ("
              << (options.pkce ? "PKCE public client" : "confidential client")
              << "; users demo-user and second-user).\n"
              << "  Press Ctrl-C to stop.\n"
              << std::endl;
  });
}

}  // namespace spotauth::cli
