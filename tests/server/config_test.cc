#include "server/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace spotauth::server {
namespace {

const char* kGoodSecret = "8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0";

Settings Minimal() { return {{"SPOTIFY_CLIENT_ID", "id"}, {"SPOTAUTH_SECRET", kGoodSecret}}; }

bool Mentions(const std::vector<std::string>& problems, std::string_view text) {
  for (const auto& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Config, MinimalSettingsGiveTekoresDefaults) {
  auto config = BuildConfig(Minimal(), "/srv");
  ASSERT_TRUE(config) << config.error().front();
  EXPECT_EQ(config->redirect_uri, "http://127.0.0.1:5000/callback");
  EXPECT_EQ(config->public_origin, "http://127.0.0.1:5000");
  EXPECT_EQ(config->public_host, "127.0.0.1:5000");
  EXPECT_EQ(config->callback_path, "/callback");
  EXPECT_FALSE(config->secure_cookies);
  EXPECT_TRUE(config->client_secret.empty());  // PKCE public client
  EXPECT_EQ(config->store.kind, store::StoreLocation::Kind::kSqlite);
  EXPECT_EQ(config->store.path, "/srv/spotauth.db");
  EXPECT_EQ(config->scope.ToString(), "user-read-currently-playing");
  EXPECT_EQ(config->master_secret.size(), 32u);
}

TEST(Config, EveryProblemIsReportedAtOnce) {
  auto config = BuildConfig({{"SPOTAUTH_PORT", "70000"},
                             {"SPOTIFY_REDIRECT_URI", "http://localhost:5000/callback"},
                             {"SPOTAUTH_STORE", "sqlite://relative.db"},
                             {"SPOTAUTH_ACCOUNTS_URL", "http://accounts.example.com"}},
                            "/srv");
  ASSERT_FALSE(config);
  const auto& problems = config.error();
  EXPECT_TRUE(Mentions(problems, "SPOTIFY_CLIENT_ID"));
  EXPECT_TRUE(Mentions(problems, "SPOTAUTH_SECRET is required"));
  EXPECT_TRUE(Mentions(problems, "openssl rand -hex 32"));
  EXPECT_TRUE(Mentions(problems, "SPOTAUTH_PORT"));
  EXPECT_TRUE(Mentions(problems, "localhost"));
  EXPECT_TRUE(Mentions(problems, "three slashes"));
  EXPECT_TRUE(Mentions(problems, "SPOTAUTH_ACCOUNTS_URL must be https"));
  EXPECT_EQ(problems.size(), 6u);
}

TEST(Config, RedirectUriMustBeHttpsOrLoopbackIp) {
  for (const char* bad : {"http://example.com/callback", "http://192.168.1.2:5000/callback",
                          "ftp://127.0.0.1/callback", "http://127.0.0.1:5000/",
                          "http://127.0.0.1:5000/callback?x=1", "not a uri"}) {
    Settings s = Minimal();
    s["SPOTIFY_REDIRECT_URI"] = bad;
    EXPECT_FALSE(BuildConfig(s, "/")) << bad;
  }
  for (const char* good : {"https://login.example.com/auth/callback", "http://[::1]:8080/callback",
                           "http://127.0.0.1/cb"}) {
    Settings s = Minimal();
    s["SPOTIFY_REDIRECT_URI"] = good;
    EXPECT_TRUE(BuildConfig(s, "/")) << good;
  }
}

TEST(Config, HttpsPublicOriginTurnsOnSecureCookies) {
  Settings s = Minimal();
  s["SPOTIFY_REDIRECT_URI"] = "https://login.example.com/auth/callback";
  auto config = BuildConfig(s, "/");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->secure_cookies);
  EXPECT_EQ(config->public_origin, "https://login.example.com");
  EXPECT_EQ(config->callback_path, "/auth/callback");
}

TEST(Config, WeakSecretsAreRefused) {
  for (const std::string& weak : {std::string("abc"), std::string(64, '0'), std::string(64, 'a'),
                                  std::string("00112233445566778899aabbccddeeff")}) {
    EXPECT_FALSE(DecodeMasterSecret(weak)) << weak;
  }
  EXPECT_TRUE(DecodeMasterSecret(kGoodSecret));
  EXPECT_TRUE(DecodeMasterSecret("jB8fXq3kLm9vRt2WsZ7yPc4nHd6gKa1eUo5iTb0xQw8"));  // base64url
}

TEST(Config, WithoutARedirectUriItFollowsHostAndPort) {
  Settings s = Minimal();
  s["SPOTAUTH_PORT"] = "5003";
  auto config = BuildConfig(s, "/");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->redirect_uri, "http://127.0.0.1:5003/callback");
  EXPECT_EQ(config->public_origin, "http://127.0.0.1:5003");
  s["SPOTAUTH_HOST"] = "::1";
  EXPECT_EQ(BuildConfig(s, "/")->redirect_uri, "http://[::1]:5003/callback");
  s["SPOTAUTH_HOST"] = "0.0.0.0";
  EXPECT_EQ(BuildConfig(s, "/")->redirect_uri, "http://127.0.0.1:5003/callback");
  s["SPOTIFY_REDIRECT_URI"] = "https://login.example.com/callback";
  EXPECT_EQ(BuildConfig(s, "/")->redirect_uri, "https://login.example.com/callback");
}

TEST(Config, LogLevelIsOneOfSpdlogsNames) {
  Settings s = Minimal();
  EXPECT_EQ(BuildConfig(s, "/")->log_level, "info");
  s["SPOTAUTH_LOG_LEVEL"] = "debug";
  EXPECT_EQ(BuildConfig(s, "/")->log_level, "debug");
  s["SPOTAUTH_LOG_LEVEL"] = "verbose";
  auto refused = BuildConfig(s, "/");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(Mentions(refused.error(), "SPOTAUTH_LOG_LEVEL"));
}

TEST(Config, StoreUrls) {
  Settings s = Minimal();
  s["SPOTAUTH_STORE"] = "memory";
  EXPECT_EQ(BuildConfig(s, "/")->store.kind, store::StoreLocation::Kind::kMemory);
  s["SPOTAUTH_STORE"] = "sqlite:///var/lib/spotauth/s.db";
  EXPECT_EQ(BuildConfig(s, "/")->store.path, "/var/lib/spotauth/s.db");
  s["SPOTAUTH_STORE"] = "redis://10.0.0.5:6380/2";
  auto redis = BuildConfig(s, "/");
  ASSERT_TRUE(redis);
  EXPECT_EQ(redis->store.kind, store::StoreLocation::Kind::kRedis);
  EXPECT_EQ(redis->store.host, "10.0.0.5");
  EXPECT_EQ(redis->store.port, 6380);
  EXPECT_EQ(redis->store.database, 2);
  EXPECT_EQ(redis->store.redis_prefix, "spotauth:");
  s["SPOTAUTH_STORE"] = "postgres://x";
  EXPECT_FALSE(BuildConfig(s, "/"));
}

TEST(Config, RedisPasswordSocketAndPrefix) {
  Settings s = Minimal();
  s["SPOTAUTH_STORE"] = "redis://:pa%40ss@redis.internal/1";
  s["SPOTAUTH_REDIS_PREFIX"] = "app1:";
  auto redis = BuildConfig(s, "/");
  ASSERT_TRUE(redis);
  EXPECT_EQ(redis->store.host, "redis.internal");
  EXPECT_EQ(redis->store.port, 6379);
  EXPECT_EQ(redis->store.username, "");
  EXPECT_EQ(redis->store.password, "pa@ss");
  EXPECT_EQ(redis->store.redis_prefix, "app1:");
  s["SPOTAUTH_STORE"] = "redis+unix:///run/redis/redis.sock?db=4&password=pw";
  auto unix_socket = BuildConfig(s, "/");
  ASSERT_TRUE(unix_socket);
  EXPECT_EQ(unix_socket->store.kind, store::StoreLocation::Kind::kRedis);
  EXPECT_EQ(unix_socket->store.unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(unix_socket->store.database, 4);
  EXPECT_EQ(unix_socket->store.password, "pw");
  s["SPOTAUTH_REDIS_PREFIX"] = "a{b}:";
  EXPECT_FALSE(BuildConfig(s, "/"));
  s["SPOTAUTH_REDIS_PREFIX"] = "";
  for (const char* bad : {"redis+unix://host/x.sock", "redis+unix:///r.sock?timeout=1",
                          "redis://:secret-pw@h/99", "redis:///0"}) {
    s["SPOTAUTH_STORE"] = bad;
    auto refused = BuildConfig(s, "/");
    ASSERT_FALSE(refused) << bad;
    // A store URL may hold a password: the complaint never repeats it.
    for (const auto& problem : refused.error()) {
      EXPECT_EQ(problem.find("secret-pw"), std::string::npos) << problem;
    }
  }
}

TEST(Config, LoopbackHttpUpstreamIsAllowedForTheStandIn) {
  Settings s = Minimal();
  s["SPOTAUTH_ACCOUNTS_URL"] = "http://127.0.0.1:5001/";
  s["SPOTAUTH_API_URL"] = "http://127.0.0.1:5001";
  auto config = BuildConfig(s, "/");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->allow_plain_http_upstream);
  EXPECT_EQ(config->accounts_url, "http://127.0.0.1:5001");
}

TEST(Config, FlagsOverrideEnvironmentWhichOverridesTheFile) {
  Settings file = {
      {"SPOTAUTH_PORT", "1"}, {"SPOTAUTH_HOST", "10.0.0.1"}, {"SPOTIFY_CLIENT_ID", "f"}};
  Settings env = {{"SPOTAUTH_PORT", "2"}, {"SPOTAUTH_HOST", "10.0.0.2"}};
  Settings flags = {{"SPOTAUTH_PORT", "3"}};
  Settings merged = Merge({&file, &env, &flags});
  EXPECT_EQ(merged["SPOTAUTH_PORT"], "3");
  EXPECT_EQ(merged["SPOTAUTH_HOST"], "10.0.0.2");
  EXPECT_EQ(merged["SPOTIFY_CLIENT_ID"], "f");
}

TEST(Config, ConfigFileIsKeyValueWithCommentsAndRejectsTypos) {
  const std::string path = ::testing::TempDir() + "spotauth-config-test.env";
  std::ofstream(path) << "# comment\n\nSPOTAUTH_PORT = 8080\nSPOTIFY_CLIENT_ID=\"quoted id\"\n";
  auto settings = SettingsFromFile(path);
  ASSERT_TRUE(settings);
  EXPECT_EQ((*settings)["SPOTAUTH_PORT"], "8080");
  EXPECT_EQ((*settings)["SPOTIFY_CLIENT_ID"], "quoted id");
  std::ofstream(path) << "export SPOTAUTH_PORT=8081\n";  // the dotenv habit
  EXPECT_EQ(SettingsFromFile(path).value()["SPOTAUTH_PORT"], "8081");
  std::ofstream(path) << "SPOTAUTH_PROT=8080\nno equals sign\nSPOTIFY_CLIENT_SECRT=x\n";
  auto typo = SettingsFromFile(path);
  ASSERT_FALSE(typo);
  ASSERT_EQ(typo.error().size(), 3u);  // every problem, not only the first
  EXPECT_NE(typo.error()[0].find(":1: unknown setting SPOTAUTH_PROT (did you mean SPOTAUTH_PORT?)"),
            std::string::npos)
      << typo.error()[0];
  EXPECT_NE(typo.error()[1].find(":2: expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(typo.error()[2].find("(did you mean SPOTIFY_CLIENT_SECRET?)"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Config, UnknownSpotauthEnvironmentVariablesAreNamedWithTheClosestSetting) {
  const char* environment[] = {"PATH=/bin",
                               "SPOTAUTH_SECRT=abc",
                               "SPOTAUTH_PORT=1",
                               "SPOTAUTH_CONFIG=/etc/spotauth.env",
                               "SPOTIFY_SOMETHING_ELSE=1",
                               nullptr};
  const auto warnings = UnknownEnvironmentSettings(environment);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0],
            "environment variable SPOTAUTH_SECRT is not a setting (did you mean SPOTAUTH_SECRET?); "
            "it is ignored.");
  EXPECT_EQ(warnings[1],
            "environment variable SPOTIFY_SOMETHING_ELSE is not a setting; it is ignored.");
}

TEST(Config, ScopeMustBeKnownAndIncludeNowPlaying) {
  Settings s = Minimal();
  s["SPOTAUTH_SCOPE"] = "user-read-email";
  EXPECT_FALSE(BuildConfig(s, "/"));
  // Spotify adds scopes: one spotauth does not know is a warning, and is passed on as written.
  s["SPOTAUTH_SCOPE"] = "user-read-playback-state not-a-scope";
  auto unknown = BuildConfig(s, "/");
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(unknown->scope.Contains("not-a-scope"));
  ASSERT_EQ(unknown->warnings.size(), 1u);
  EXPECT_NE(unknown->warnings[0].find("'not-a-scope'"), std::string::npos);
  s["SPOTAUTH_SCOPE"] = "user-read-email user-read-currently-playing";
  EXPECT_EQ(BuildConfig(s, "/")->scope.ToString(), "user-read-currently-playing user-read-email");
}

TEST(Config, ARedirectUriWithAFragmentIsRefusedByName) {
  Settings s = Minimal();
  s["SPOTIFY_REDIRECT_URI"] = "http://127.0.0.1:5000/callback#frag";
  auto refused = BuildConfig(s, "/");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(Mentions(refused.error(), "must not have a fragment ('#frag')"));
}

TEST(Config, ThePublicOriginIsCanonical) {
  Settings s = Minimal();
  s["SPOTIFY_REDIRECT_URI"] = "https://Example.COM/callback";
  auto upper = BuildConfig(s, "/");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->public_host, "example.com");
  EXPECT_EQ(upper->public_origin, "https://example.com");
  EXPECT_EQ(upper->redirect_uri, "https://example.com/callback");
  s["SPOTIFY_REDIRECT_URI"] = "https://example.com:443/callback";
  EXPECT_EQ(BuildConfig(s, "/")->public_host, "example.com");
  s["SPOTIFY_REDIRECT_URI"] = "http://127.0.0.1:80/callback";
  EXPECT_EQ(BuildConfig(s, "/")->public_origin, "http://127.0.0.1");
  s["SPOTIFY_REDIRECT_URI"] = "https://example.com:8443/callback";
  EXPECT_EQ(BuildConfig(s, "/")->public_host, "example.com:8443");
}

TEST(Config, PkceIsOnByDefaultAndCanBeTurnedOffOnlyWithASecret) {
  Settings s = Minimal();
  EXPECT_TRUE(BuildConfig(s, "/")->pkce);
  s["SPOTIFY_CLIENT_SECRET"] = "secret";
  s["SPOTAUTH_PKCE"] = "0";
  EXPECT_FALSE(BuildConfig(s, "/")->pkce);
  s.erase("SPOTIFY_CLIENT_SECRET");
  EXPECT_FALSE(BuildConfig(s, "/"));
}

}  // namespace
}  // namespace spotauth::server

namespace spotauth::server {
namespace {

TEST(GatewayConfig, UpstreamTurnsOnGatewayModeWithItsOwnCallback) {
  Settings s = Minimal();
  s["SPOTAUTH_UPSTREAM"] = "http://127.0.0.1:8080/";
  s["SPOTAUTH_PORT"] = "5003";
  auto config = BuildConfig(s, "/srv");
  ASSERT_TRUE(config) << config.error().front();
  EXPECT_TRUE(config->Gateway());
  EXPECT_EQ(config->upstream, "http://127.0.0.1:8080");
  EXPECT_EQ(config->base_path, "/spotauth");
  EXPECT_EQ(config->redirect_uri, "http://127.0.0.1:5003/spotauth/callback");
  EXPECT_EQ(config->callback_path, "/spotauth/callback");
  EXPECT_EQ(config->app_timeout, std::chrono::seconds(30));
  EXPECT_FALSE(config->pass_access_token);
}

TEST(GatewayConfig, WithoutUpstreamNothingChanges) {
  auto config = BuildConfig(Minimal(), "/srv");
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->Gateway());
  EXPECT_EQ(config->base_path, "");
  EXPECT_EQ(config->callback_path, "/callback");
}

TEST(GatewayConfig, GatewaySettingsWithoutUpstreamAreProblems) {
  Settings s = Minimal();
  s["SPOTAUTH_PUBLIC_PATHS"] = "/static/";
  s["SPOTAUTH_PASS_ACCESS_TOKEN"] = "1";
  auto config = BuildConfig(s, "/srv");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().size(), 2u);
  EXPECT_NE(config.error()[0].find("needs SPOTAUTH_UPSTREAM"), std::string::npos);
}

TEST(GatewayConfig, UpstreamMustBeAnHttpOrigin) {
  for (const char* bad : {"ftp://127.0.0.1:21", "127.0.0.1:8080", "http://127.0.0.1:8080/app",
                          "http://user:pw@127.0.0.1:8080", "http://127.0.0.1:8080/?x=1"}) {
    Settings s = Minimal();
    s["SPOTAUTH_UPSTREAM"] = bad;
    auto config = BuildConfig(s, "/srv");
    ASSERT_FALSE(config) << bad;
    EXPECT_NE(config.error().front().find("SPOTAUTH_UPSTREAM"), std::string::npos) << bad;
  }
  Settings s = Minimal();
  s["SPOTAUTH_UPSTREAM"] = "https://app.internal:8443";
  auto config = BuildConfig(s, "/srv");
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->allow_plain_http_app);
}

TEST(GatewayConfig, PublicPathsAreTrimmedPrefixesOutsideSpotauth) {
  Settings s = Minimal();
  s["SPOTAUTH_UPSTREAM"] = "http://127.0.0.1:8080";
  s["SPOTAUTH_PUBLIC_PATHS"] = " /static/ ,/favicon.ico,,";
  auto config = BuildConfig(s, "/srv");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->public_paths, (std::vector<std::string>{"/static/", "/favicon.ico"}));
  s["SPOTAUTH_PUBLIC_PATHS"] = "static/,/spotauth/login";
  auto bad = BuildConfig(s, "/srv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().size(), 2u);
}

TEST(GatewayConfig, OldTimeoutNameStillWorksWithAWarning) {
  Settings s = Minimal();
  s["SPOTAUTH_UPSTREAM_TIMEOUT_MS"] = "900";
  auto config = BuildConfig(s, "/srv");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->spotify_timeout, std::chrono::milliseconds(900));
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_NE(config->warnings[0].find("SPOTAUTH_SPOTIFY_TIMEOUT_MS"), std::string::npos);
  s["SPOTAUTH_SPOTIFY_TIMEOUT_MS"] = "700";  // the new name wins
  EXPECT_EQ(BuildConfig(s, "/srv")->spotify_timeout, std::chrono::milliseconds(700));
}

}  // namespace
}  // namespace spotauth::server

namespace spotauth::server {
namespace {

TEST(LogConfig, FormatAndTrustedProxiesAreChecked) {
  Settings s = Minimal();
  s["SPOTAUTH_LOG_FORMAT"] = "json";
  s["SPOTAUTH_TRUSTED_PROXIES"] = "10.0.0.0/8, ::1";
  auto config = BuildConfig(s, "/srv");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->log_json);
  EXPECT_TRUE(config->trusted_proxies.Contains(boost::asio::ip::make_address("10.9.8.7")));
  s["SPOTAUTH_LOG_FORMAT"] = "xml";
  s["SPOTAUTH_TRUSTED_PROXIES"] = "10.0.0.0/8, proxy.local";
  auto bad = BuildConfig(s, "/srv");
  ASSERT_FALSE(bad);
  ASSERT_EQ(bad.error().size(), 2u);
  EXPECT_NE(bad.error()[0].find("SPOTAUTH_LOG_FORMAT"), std::string::npos);
  EXPECT_NE(bad.error()[1].find("'proxy.local'"), std::string::npos);
  EXPECT_FALSE(BuildConfig(Minimal(), "/srv")->log_json);
}

}  // namespace
}  // namespace spotauth::server
