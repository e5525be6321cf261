#include "cli/fake_spotify_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <memory>

#include "core/clock.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "http/listener.h"

namespace spotauth::cli {

int RunFakeSpotify(const FakeSpotifyCommandOptions& options) {
  SystemClock clock;
  OpenSslRandom random;
  fake_spotify::FakeSpotifyState state(clock, random);
  fake_spotify::AddDemoDefaults(state, options.client_id, options.client_secret,
                                options.redirect_uris);
  state.SetAutoApprove(options.auto_approve, "demo-user");

  const fake_spotify::FakeSpotifyHandlerOptions handler_options{options.control};
  http::ListenerOptions listener_options;
  listener_options.host = options.host;
  listener_options.port = options.port;
  listener_options.threads = options.threads;
  http::Listener listener(listener_options, [&state, handler_options](boost::asio::io_context&) {
    return std::make_unique<fake_spotify::FakeSpotifyHandler>(state, handler_options);
  });
  // Installed before Start: a signal during start-up is queued and ends the run cleanly
  // instead of killing the process with the default action.
  boost::asio::io_context signals_loop;
  boost::asio::signal_set signals(signals_loop, SIGINT, SIGTERM);
  if (auto started = listener.Start(); !started) {
    std::cerr << "fake-spotify: cannot listen on " << options.host << ":" << options.port << ": "
              << started.error().message << "\n";
    return 1;
  }
  const bool ipv6 = options.host.find(':') != std::string::npos;
  std::cout << "fake-spotify listening on http://" << (ipv6 ? "[" : "") << options.host
            << (ipv6 ? "]" : "") << ":" << listener.Port() << std::endl;
  signals.async_wait([](const boost::system::error_code&, int) {});
  signals_loop.run();
  listener.Stop();
  return 0;
}

}  // namespace spotauth::cli
