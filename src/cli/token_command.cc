#include "cli/token_command.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "cli/open_browser.h"
#include "cli/token_callback.h"
#include "core/clock.h"
#include "core/pkce.h"
#include "core/random.h"
#include "http/beast_http_client.h"
#include "http/listener.h"
#include "spotify/accounts.h"
#include "spotify/fresh_token_file.h"
#include "spotify/token_file.h"

namespace spotauth::cli {
namespace {

using namespace std::chrono_literals;

// One call to the token endpoint; a terminal user can wait longer than a page load.
constexpr std::chrono::milliseconds kUpstreamTimeout = 15s;
// After the redirect, how long the page to the browser may take to go out.
constexpr std::chrono::milliseconds kPageGrace = 2s;

constexpr const char* kFooter =
    "Environment:\n"
    "  SPOTIFY_CLIENT_ID      client id of your Spotify app (required)\n"
    "  SPOTIFY_CLIENT_SECRET  its secret (optional, and never a flag); without it spotauth is a\n"
    "                         public client and PKCE alone proves the code\n"
    "  SPOTIFY_REDIRECT_URI, SPOTAUTH_SCOPE, SPOTAUTH_ACCOUNTS_URL, SPOTAUTH_CA_FILE:\n"
    "                         as --redirect-uri, --scope, --accounts-url, --ca-file\n"
    "Exit codes:\n"
    "  0  done\n"
    "  1  failed: network, Spotify unavailable, sign-in declined or not finished in time,\n"
    "     redirect port in use\n"
    "  2  configuration or token file: SPOTIFY_CLIENT_ID missing, a bad URL or CA file, the\n"
    "     token file missing, malformed or not writable\n"
    "  3  Spotify refused: the refresh token was revoked, has expired or was already used, or\n"
    "     the client id or secret is wrong; sign in again\n"
    "  (a malformed command line exits with CLI11's codes, 100 and up)\n";

// Upstream text reaches these messages (Spotify's error_description); control characters in it
// would act on the terminal.
std::string Printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

void Say(std::string_view message) {
  std::cerr << "spotauth token: " << Printable(message) << "\n";
}

http::BeastHttpClient::Options ClientOptions(const TokenSettings& settings) {
  http::BeastHttpClient::Options options;
  options.timeout = kUpstreamTimeout;
  options.allow_plain_http = settings.allow_plain_http;
  return options;
}

// Diagnostics of the libraries (a refused callback, a failed accept) go to stderr in the
// command's voice: stdout carries the token alone.
void LogToStderr() {
  auto logger = std::make_shared<spdlog::logger>(
      "spotauth-token", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_pattern("spotauth token: %v");
  logger->set_level(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

std::string ListenAddress(const TokenSettings& settings) {
  const bool ipv6 = settings.listen_host.find(':') != std::string::npos;
  return (ipv6 ? "[" + settings.listen_host + "]" : settings.listen_host) + ":" +
         std::to_string(settings.listen_port);
}

int SignIn(const TokenSettings& settings, const TokenOptions& options,
           const std::shared_ptr<boost::asio::ssl::context>& tls) {
  SystemClock clock;
  OpenSslRandom random;
  const std::string state = GenerateState(random);
  const std::string verifier = GenerateCodeVerifier(random);

  // The URL builder is const and makes no request; its client is never run.
  boost::asio::io_context unused;
  auto url_client = http::BeastHttpClient::Create(unused.get_executor(), {}, tls);
  const spotify::SpotifyAccounts url_builder(*url_client, clock, settings.credentials,
                                             settings.accounts_url);
  const std::string authorize_url =
      url_builder.AuthorizePkceUrl(settings.scope, state, S256Challenge(verifier));

  std::promise<Result<Token>> outcome;
  std::future<Result<Token>> arrived = outcome.get_future();
  http::ListenerOptions listen;
  listen.host = settings.listen_host;
  listen.port = settings.listen_port;
  listen.threads = 1;
  listen.access_log = false;  // a request line holds the code
  http::Listener listener(listen, [&](boost::asio::io_context& io) {
    return std::make_unique<TokenCallbackHandler>(
        http::BeastHttpClient::Create(io.get_executor(), ClientOptions(settings), tls), clock,
        settings.credentials, settings.accounts_url,
        CallbackExpectation{settings.callback_path, state, verifier},
        [&outcome](Result<Token> token) { outcome.set_value(std::move(token)); });
  });
  if (auto started = listener.Start(); !started) {
    Say("cannot listen on " + ListenAddress(settings) + " for the redirect URI " +
        settings.credentials.redirect_uri + ": " + started.error().message);
    return kTokenExitFailed;
  }

  std::cerr << "Sign in to Spotify in a browser on this machine:\n\n  " << authorize_url << "\n\n";
  if (!options.no_browser && OpenInBrowser(authorize_url)) {
    std::cerr << "(opened with xdg-open)\n";
  }
  std::cerr << "Waiting up to " << settings.timeout.count() << " s for the redirect to "
            << settings.credentials.redirect_uri << " ..." << std::endl;

  if (arrived.wait_for(settings.timeout) != std::future_status::ready) {
    listener.Stop(0ms);
    Say("no sign-in arrived within " + std::to_string(settings.timeout.count()) +
        " s; run the command again");
    return kTokenExitFailed;
  }
  Result<Token> token = arrived.get();
  listener.Stop(kPageGrace);  // the browser's page is on its way
  if (!token) {
    if (token.error().code == ErrorCode::kAuthentication) {
      Say("Spotify refused the sign-in (" + token.error().message +
          "); check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET");
      return kTokenExitRefused;
    }
    Say(token.error().message);
    return kTokenExitFailed;
  }
  if (options.out.empty()) {
    std::cout << spotify::TokenFileJson(*token) << std::flush;
    return kTokenExitOk;
  }
  if (auto written = spotify::WriteTokenFile(options.out, *token); !written) {
    Say(written.error().message);
    return kTokenExitUsage;
  }
  std::cerr << "Signed in. The token is in " << options.out
            << "; a fresh access token at any time: spotauth token --refresh " << options.out
            << "\n";
  return kTokenExitOk;
}

int Refresh(const TokenSettings& settings, const std::string& path,
            const std::shared_ptr<boost::asio::ssl::context>& tls) {
  SystemClock clock;
  boost::asio::io_context io;
  auto client = http::BeastHttpClient::Create(io.get_executor(), ClientOptions(settings), tls);
  spotify::SpotifyAccounts accounts(*client, clock, settings.credentials, settings.accounts_url);
  Result<spotify::FreshToken> fresh = MakeError(ErrorCode::kInternal, "the refresh did not finish");
  boost::asio::co_spawn(
      io, spotify::ReadFreshToken(accounts, clock, path),
      [&fresh](const std::exception_ptr& error, Result<spotify::FreshToken> result) {
        if (!error) fresh = std::move(result);
      });
  io.run();
  if (!fresh) {
    switch (fresh.error().code) {
      case ErrorCode::kAuthentication:
        Say("Spotify refused the refresh token in " + path + " (" + fresh.error().message +
            "); sign in again: spotauth token --out " + path);
        return kTokenExitRefused;
      case ErrorCode::kInvalidArgument:
        Say(fresh.error().message);
        return kTokenExitUsage;
      default:
        Say("cannot refresh the token in " + path + ": " + fresh.error().message);
        return kTokenExitFailed;
    }
  }
  std::cout << fresh->token.access_token << "\n" << std::flush;
  return kTokenExitOk;
}

}  // namespace

CLI::App* AddTokenCommand(CLI::App& app, TokenOptions& options) {
  auto* token = app.add_subcommand(
      "token",
      "sign in from a terminal and save or print a user token; with --refresh FILE, print a "
      "fresh access token for scripts");
  auto* scope =
      token
          ->add_option(
              "--scope", options.scope,
              "space-separated scopes (else SPOTAUTH_SCOPE; default user-read-currently-playing)")
          ->type_name("SCOPES");
  auto* out = token
                  ->add_option("--out", options.out,
                               "write the token to FILE (mode 0600) instead of printing its JSON")
                  ->type_name("FILE");
  auto* refresh =
      token
          ->add_option(
              "--refresh", options.refresh,
              "print a fresh access token from FILE, refreshing and rewriting FILE first when the "
              "token expires within 60 s")
          ->type_name("FILE");
  auto* redirect =
      token
          ->add_option(
              "--redirect-uri", options.redirect_uri,
              "loopback http redirect URI registered for the app, where this command listens (else "
              "SPOTIFY_REDIRECT_URI; default " +
                  std::string(kDefaultRedirectUri) + ")")
          ->type_name("URI");
  auto* no_browser =
      token->add_flag("--no-browser", options.no_browser, "print the URL, do not run xdg-open");
  auto* timeout = token
                      ->add_option("--timeout", options.timeout_seconds,
                                   "seconds to wait for the browser (default 300)")
                      ->type_name("SECONDS");
  token
      ->add_option("--accounts-url", options.accounts_url,
                   "Spotify accounts service (else SPOTAUTH_ACCOUNTS_URL; default "
                   "https://accounts.spotify.com; http only on loopback)")
      ->type_name("URL");
  token
      ->add_option("--ca-file", options.ca_file,
                   "PEM file of trusted roots (else SPOTAUTH_CA_FILE; default: system store)")
      ->type_name("FILE");
  for (auto* sign_in_only : {scope, out, redirect, no_browser, timeout}) {
    refresh->excludes(sign_in_only);
  }
  token->footer(kFooter);
  return token;
}

int RunToken(const TokenOptions& options, const EnvironmentLookup& environment) {
  auto settings = ResolveTokenSettings(options, environment);
  if (!settings) {
    for (const auto& problem : settings.error()) Say(problem);
    return kTokenExitUsage;
  }
  for (const auto& warning : settings->warnings) Say(warning);
  LogToStderr();
  auto tls = http::MakeTlsClientContext(settings->ca_file);
  if (!tls) {
    Say("cannot set up TLS: " + tls.error().message);
    return kTokenExitUsage;
  }
  if (!options.refresh.empty()) return Refresh(*settings, options.refresh, *tls);
  return SignIn(*settings, options, *tls);
}

}  // namespace spotauth::cli
