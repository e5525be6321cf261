#include "cli/token_settings.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace spotauth::cli {
namespace {

using Env = std::map<std::string, std::string, std::less<>>;

EnvironmentLookup Lookup(const Env& env) {
  return [env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<std::string> Problems(const TokenOptions& options, const Env& env) {
  auto settings = ResolveTokenSettings(options, Lookup(env));
  EXPECT_FALSE(settings.has_value());
  return settings ? std::vector<std::string>{} : settings.error();
}

TEST(TokenSettings, DefaultsListenOnTheLoopbackCallbackAgainstSpotify) {
  auto settings = ResolveTokenSettings({}, Lookup({{"SPOTIFY_CLIENT_ID", "app"}}));
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->credentials.client_id, "app");
  EXPECT_EQ(settings->credentials.client_secret, "");
  EXPECT_EQ(settings->credentials.redirect_uri, "http://127.0.0.1:5000/callback");
  EXPECT_EQ(settings->listen_host, "127.0.0.1");
  EXPECT_EQ(settings->listen_port, 5000);
  EXPECT_EQ(settings->callback_path, "/callback");
  EXPECT_EQ(settings->accounts_url, "https://accounts.spotify.com");
  EXPECT_FALSE(settings->allow_plain_http);
  EXPECT_EQ(settings->scope, Scope{"user-read-currently-playing"});
  EXPECT_TRUE(settings->warnings.empty());
}

TEST(TokenSettings, FlagsWinOverTheEnvironmentAndTheSecretComesFromTheEnvironmentOnly) {
  TokenOptions options;
  options.redirect_uri = "http://[::1]:8888/cb";
  options.scope = "user-read-email";
  options.accounts_url = "http://127.0.0.1:5001/";
  auto settings =
      ResolveTokenSettings(options, Lookup({{"SPOTIFY_CLIENT_ID", "app"},
                                            {"SPOTIFY_CLIENT_SECRET", "s3cret"},
                                            {"SPOTIFY_REDIRECT_URI", "http://127.0.0.1:9/other"},
                                            {"SPOTAUTH_SCOPE", "playlist-read-private"},
                                            {"SPOTAUTH_CA_FILE", "/etc/roots.pem"}}));
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->credentials.client_secret, "s3cret");
  EXPECT_EQ(settings->credentials.redirect_uri, "http://[::1]:8888/cb");
  EXPECT_EQ(settings->listen_host, "::1");
  EXPECT_EQ(settings->listen_port, 8888);
  EXPECT_EQ(settings->callback_path, "/cb");
  EXPECT_EQ(settings->scope, Scope{"user-read-email"});
  EXPECT_EQ(settings->accounts_url, "http://127.0.0.1:5001");
  EXPECT_TRUE(settings->allow_plain_http);
  EXPECT_EQ(settings->ca_file, "/etc/roots.pem");
}

TEST(TokenSettings, EveryProblemIsListedAtOnce) {
  TokenOptions options;
  options.redirect_uri = "https://example.com/callback";
  options.accounts_url = "http://accounts.example.com";
  options.timeout_seconds = 0;
  const auto problems = Problems(options, {});
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find("SPOTIFY_CLIENT_ID is required"), std::string::npos);
  EXPECT_NE(problems[1].find("must be http on a loopback address"), std::string::npos);
  EXPECT_NE(problems[2].find("--timeout"), std::string::npos);
  EXPECT_NE(problems[3].find("must be https"), std::string::npos);
}

TEST(TokenSettings, TheRedirectUriMustBeALoopbackLiteralWithAPathAndNothingMore) {
  const Env env = {{"SPOTIFY_CLIENT_ID", "app"}};
  for (const char* uri :
       {"http://localhost:5000/callback", "http://127.0.0.1:5000", "http://127.0.0.1:5000/",
        "http://127.0.0.1:5000/cb?x=1", "http://127.0.0.1:5000/cb#f", "http://u@127.0.0.1:5000/cb",
        "http://127.0.0.1:0/cb", "not a uri", "http://192.168.1.2:5000/cb"}) {
    TokenOptions options;
    options.redirect_uri = uri;
    EXPECT_EQ(Problems(options, env).size(), 1u) << uri;
  }
}

TEST(TokenSettings, RefreshNeedsNoRedirectUriSoTheServersHttpsOneDoesNotGetInTheWay) {
  TokenOptions options;
  options.refresh = "token.json";
  auto settings = ResolveTokenSettings(
      options, Lookup({{"SPOTIFY_CLIENT_ID", "app"},
                       {"SPOTIFY_REDIRECT_URI", "https://app.example.com/callback"}}));
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->credentials.redirect_uri, "");
}

TEST(TokenSettings, AnUnknownScopeIsAWarningNotAProblem) {
  TokenOptions options;
  options.scope = "user-read-email user-read-everything";
  auto settings = ResolveTokenSettings(options, Lookup({{"SPOTIFY_CLIENT_ID", "app"}}));
  ASSERT_TRUE(settings);
  ASSERT_EQ(settings->warnings.size(), 1u);
  EXPECT_NE(settings->warnings[0].find("user-read-everything"), std::string::npos);
}

}  // namespace
}  // namespace spotauth::cli
