// spotauth: the sign-in server (serve), the server against the built-in stand-in Spotify
// (demo), the stand-in alone (fake-spotify), a user token for scripts (token), a secret generator
// (gen-secret) and the version.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/demo_command.h"
#include "cli/fake_spotify_command.h"
#include "cli/log_format.h"
#include "cli/server_runner.h"
#include "cli/token_command.h"
#include "cli/version.h"
#include "core/encoding.h"
#include "core/random.h"
#include "http/forward_proxy.h"
#include "server/config.h"

namespace {

using spotauth::server::Settings;

// A flag that, when given, sets the setting of the same meaning (flags > env > file).
struct SettingFlag {
  std::string flag;
  std::string setting;
  std::optional<std::string> value;
};

// Every setting is a flag: SPOTAUTH_SESSION_IDLE is --session-idle, SPOTIFY_REDIRECT_URI is
// --redirect-uri. Not the secrets: a command line is visible to every user of the machine
// (ps, /proc), so they stay in the environment or the config file.
std::vector<SettingFlag> SettingFlags() {
  std::vector<SettingFlag> flags;
  for (const auto& s : spotauth::server::KnownSettings()) {
    const std::string name = s.name;
    if (name == "SPOTAUTH_SECRET" || name == "SPOTIFY_CLIENT_SECRET") continue;
    if (name == "SPOTAUTH_UPSTREAM_TIMEOUT_MS") continue;  // an old name: environment only
    std::string flag = "--" + name.substr(name.find('_') + 1);
    for (char& c : flag) {
      c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    flags.push_back({std::move(flag), name, {}});
  }
  return flags;
}

void PrintProblems(const std::vector<std::string>& problems) {
  std::cerr << "spotauth: the configuration has " << problems.size()
            << (problems.size() == 1 ? " problem" : " problems") << ":\n";
  for (const auto& p : problems) std::cerr << "  - " << p << "\n";
}

}  // namespace

int main(int argc, char** argv) try {
  spdlog::set_formatter(spotauth::cli::MakeLogFormatter(/*json=*/false));
  CLI::App app{"spotauth: sign in with Spotify"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "spotauth " + spotauth::cli::Version());
  auto* version = app.add_subcommand("version", "print the version");

  // serve
  auto* serve = app.add_subcommand("serve", "run the sign-in server");
  std::vector<SettingFlag> flags = SettingFlags();
  for (auto& f : flags) serve->add_option(f.flag, f.value, "sets " + f.setting);
  std::optional<std::string> config_file;
  serve->add_option("--config", config_file,
                    "KEY=VALUE file of settings (also SPOTAUTH_CONFIG); flags > env > file");
  std::string settings_help = "Settings (environment variables):\n";
  for (const auto& s : spotauth::server::KnownSettings()) {
    settings_help += std::string("  ") + s.name + ": " + s.description + "\n";
  }
  serve->footer(settings_help);

  // demo
  spotauth::cli::DemoOptions demo_options;
  auto* demo = app.add_subcommand("demo", "run the server against the built-in stand-in Spotify");
  demo->add_option("--port", demo_options.port, "port of the sign-in server");
  demo->add_option("--store", demo_options.store, "session store (default memory)");
  demo->add_flag("--pkce", demo_options.pkce, "act as a public client (PKCE, no secret)");
  demo->add_flag("--auto-approve", demo_options.auto_approve, "skip the consent page");
  demo->add_option(
      "--upstream", demo_options.upstream,
      "gateway mode: sign in with the stand-in, then show this app (http://host:port)");

  // fake-spotify
  spotauth::cli::FakeSpotifyCommandOptions fake_options;
  auto* fake = app.add_subcommand("fake-spotify", "run the stand-in Spotify alone");
  fake->add_option("--host", fake_options.host, "address to listen on");
  fake->add_option("--port", fake_options.port, "port (0: any)");
  fake->add_option("--client-id", fake_options.client_id, "registered client id");
  fake->add_option("--client-secret", fake_options.client_secret,
                   "client secret (empty: PKCE-only client)");
  fake->add_option("--redirect-uri", fake_options.redirect_uris, "registered redirect URIs");
  fake->add_flag("--auto-approve", fake_options.auto_approve, "skip the consent page");

  auto* gen_secret = app.add_subcommand("gen-secret", "print a new random SPOTAUTH_SECRET");

  // token
  spotauth::cli::TokenOptions token_options;
  auto* token = spotauth::cli::AddTokenCommand(app, token_options);

  CLI11_PARSE(app, argc, argv);

  if (*version) {
    std::cout << "spotauth " << spotauth::cli::Version() << "\n";
    return 0;
  }
  if (*gen_secret) {
    spotauth::OpenSslRandom random;
    std::cout << spotauth::HexEncode(random.Bytes(32)) << "\n";
    return 0;
  }
  if (*fake) return spotauth::cli::RunFakeSpotify(fake_options);
  if (*demo) return spotauth::cli::RunDemo(demo_options);
  if (*token) return spotauth::cli::RunToken(token_options, spotauth::cli::ProcessEnvironment);

  Settings file;
  std::vector<std::string> problems;  // the file's, then the whole configuration's: all at once
  if (!config_file) {
    if (const char* env = std::getenv("SPOTAUTH_CONFIG")) config_file = env;
  }
  if (config_file) {
    auto read = spotauth::server::SettingsFromFile(*config_file);
    if (read) {
      file = std::move(*read);
    } else {
      problems = std::move(read.error());
    }
  }
  const Settings env = spotauth::server::SettingsFromEnvironment();
  Settings from_flags;
  for (const auto& f : flags) {
    if (f.value) from_flags[f.setting] = *f.value;
  }
  auto config = spotauth::server::BuildConfig(spotauth::server::Merge({&file, &env, &from_flags}),
                                              std::filesystem::current_path().string());
  if (!config) problems.insert(problems.end(), config.error().begin(), config.error().end());
  auto https_proxy = spotauth::http::ForwardProxyFromEnvironment();
  if (!https_proxy) problems.push_back(https_proxy.error().message + ".");
  if (config && https_proxy) config->https_proxy = *https_proxy;
  if (!problems.empty()) {
    PrintProblems(problems);
    return 2;
  }
  // Logged by RunServer once the log format is in place.
  for (auto& warning : spotauth::server::UnknownEnvironmentSettings(environ)) {
    config->warnings.push_back(std::move(warning));
  }
  return spotauth::cli::RunServer(*config);
} catch (const std::exception& e) {
  // Set-up failures the code above does not turn into a message (a removed working directory,
  // no file descriptors left) end here rather than in std::terminate.
  std::cerr << "spotauth: " << e.what() << "\n";
  return 1;
}
