// now_playing: what a user is listening to, from a token file that `spotauth token --out FILE`
// wrote, with libspotauth alone. It also gets an app token (client credentials) first, the
// token a program uses for data that belongs to no user.
//
//   SPOTIFY_CLIENT_ID=... SPOTIFY_CLIENT_SECRET=... now_playing token.json
//
// SPOTAUTH_ACCOUNTS_URL and SPOTAUTH_API_URL point it elsewhere (the stand-in Spotify on
// loopback may be http); SPOTAUTH_CA_FILE replaces the system's trusted roots.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <variant>

#include "core/clock.h"
#include "core/result.h"
#include "http/beast_http_client.h"
#include "http/loopback.h"
#include "spotify/accounts.h"
#include "spotify/api.h"
#include "spotify/fresh_token_file.h"

namespace {

using namespace spotauth;

std::string Env(const char* name, std::string fallback = "") {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : fallback;
}

// Plain http only for a service on this machine (the stand-in Spotify), by address literal.
bool IsLoopbackHttp(const std::string& url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  return parsed && parsed->scheme_id() == boost::urls::scheme::http &&
         http::IsLoopbackLiteral(*parsed);
}

int Fail(const std::string& what, const Error& error) {
  std::cerr << "now_playing: " << what << ": " << ToString(error.code) << ": " << error.message
            << "\n";
  return 1;
}

std::string Describe(const spotify::CurrentlyPlaying& playing) {
  std::string text;
  if (const auto* track = std::get_if<spotify::TrackItem>(&playing.item)) {
    text = "\"" + track->name + "\"";
    for (std::size_t i = 0; i < track->artists.size(); ++i) {
      text += (i == 0 ? " by " : ", ") + track->artists[i];
    }
  } else if (const auto* episode = std::get_if<spotify::EpisodeItem>(&playing.item)) {
    text = "\"" + episode->name + "\" from " + episode->show;
  } else {
    text = "something Spotify does not describe (an ad, or a private session)";
  }
  return text + (playing.is_playing ? "" : " (paused)");
}

// By value: a coroutine outlives the arguments of the call that made it.
boost::asio::awaitable<int> Run(http::HttpClient& http, std::string token_file) {
  SystemClock clock;
  const std::string accounts_url = Env("SPOTAUTH_ACCOUNTS_URL", "https://accounts.spotify.com");
  spotify::SpotifyAccounts accounts(
      http, clock, {Env("SPOTIFY_CLIENT_ID"), Env("SPOTIFY_CLIENT_SECRET"), ""}, accounts_url);

  // An app token: client credentials need the secret.
  if (!accounts.IsPkce()) {
    auto app = co_await accounts.ClientCredentials();
    if (!app) co_return Fail("client credentials", app.error());
    std::cout << "app token: " << app->token_type << ", valid for "
              << app->ExpiresIn(clock.Now()).count() << " s\n";
  } else {
    std::cout << "app token: skipped (SPOTIFY_CLIENT_SECRET is not set)\n";
  }

  // The user's token, refreshed (and the file rewritten) when it expires within a minute.
  auto user_token = co_await spotify::ReadFreshToken(accounts, clock, token_file);
  if (!user_token) co_return Fail(token_file, user_token.error());
  if (user_token->refreshed) std::cout << "refreshed the token in " << token_file << "\n";

  spotify::SpotifyApi api(http, Env("SPOTAUTH_API_URL", "https://api.spotify.com"));
  auto me = co_await api.CurrentUser(user_token->token.access_token);
  if (!me) co_return Fail("current user", me.error());
  auto playing = co_await api.CurrentlyPlaying(user_token->token.access_token);
  if (!playing) co_return Fail("currently playing", playing.error());

  const std::string who = me->display_name.value_or(me->id);
  if (!*playing) {
    std::cout << who << " is not listening to anything\n";
  } else {
    std::cout << who << " is listening to " << Describe(**playing) << "\n";
  }
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: SPOTIFY_CLIENT_ID=... [SPOTIFY_CLIENT_SECRET=...] now_playing TOKEN_FILE\n"
                 "  TOKEN_FILE as written by `spotauth token --out TOKEN_FILE`\n";
    return 2;
  }
  boost::asio::io_context io;
  http::BeastHttpClient::Options options;
  options.ca_file = Env("SPOTAUTH_CA_FILE");
  for (const char* name : {"SPOTAUTH_ACCOUNTS_URL", "SPOTAUTH_API_URL"}) {
    const std::string url = Env(name);
    if (IsLoopbackHttp(url)) {
      options.allow_plain_http = true;
    } else if (!url.empty() && !url.starts_with("https://")) {
      std::cerr << "now_playing: " << name << " must be https (http only on loopback)\n";
      return 2;
    }
  }
  auto http = http::BeastHttpClient::Create(io.get_executor(), options);
  if (!http) return Fail("HTTP client", http.error());

  int exit_code = 1;
  boost::asio::co_spawn(io, Run(**http, argv[1]), [&](std::exception_ptr error, int code) {
    if (!error) exit_code = code;
  });
  io.run();
  return exit_code;
}
