// SpotifyAccounts and SpotifyApi against the stand-in Spotify over loopback, through the real
// BeastHttpClient and http::Listener: the same I/O path as production, minus TLS.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/pkce.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "http/beast_http_client.h"
#include "http/listener.h"
#include "spotify/accounts.h"
#include "spotify/api.h"

namespace spotauth::spotify {
namespace {

using beast_http::field;
using namespace std::chrono_literals;
using namespace fake_spotify;  // NOLINT: the stand-in is what these tests talk to

constexpr std::string_view kRedirect = "http://127.0.0.1:5000/callback";
constexpr std::string_view kClientId = "loop-app";
constexpr std::string_view kSecret = "loop-secret";
constexpr std::string_view kPublicId = "loop-public";
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

class ClientsLoopbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddDemoDefaults(state_, std::string(kClientId), std::string(kSecret), {std::string(kRedirect)});
    state_.AddClient(FakeClient{std::string(kPublicId), "", {std::string(kRedirect)}});
    state_.SetAutoApprove(true, "demo-user");

    http::ListenerOptions listen;
    listen.host = "127.0.0.1";
    listen.port = 0;
    listen.threads = 1;
    listen.access_log = false;
    listener_ = std::make_unique<http::Listener>(listen, [this](boost::asio::io_context&) {
      return std::make_unique<FakeSpotifyHandler>(state_);
    });
    auto started = listener_->Start();
    ASSERT_TRUE(started) << started.error().message;
    base_url_ = "http://127.0.0.1:" + std::to_string(listener_->Port());

    http::BeastHttpClient::Options options;
    options.allow_plain_http = true;
    options.timeout = 5s;
    auto client = http::BeastHttpClient::Create(io_.get_executor(), options);
    ASSERT_TRUE(client) << client.error().message;
    http_ = std::move(*client);
    accounts_.emplace(
        *http_, clock_,
        Credentials{std::string(kClientId), std::string(kSecret), std::string(kRedirect)},
        base_url_);
    pkce_accounts_.emplace(
        *http_, clock_, Credentials{std::string(kPublicId), "", std::string(kRedirect)}, base_url_);
    api_.emplace(*http_, base_url_);
  }

  void TearDown() override {
    if (listener_) listener_->Stop(1s);
  }

  // Runs `task` on the client's loop until it completes. run_one, not run: pooled idle
  // connections may keep the loop busy after the task is done.
  template <class T>
  T Run(boost::asio::awaitable<T> task) {
    std::optional<T> out;
    bool done = false;
    boost::asio::co_spawn(io_, std::move(task), [&](std::exception_ptr error, T value) {
      done = true;
      if (error) {
        ADD_FAILURE() << "the awaitable threw";
      } else {
        out.emplace(std::move(value));
      }
    });
    io_.restart();
    while (!done && io_.run_one() > 0) {
    }
    EXPECT_TRUE(done) << "the loop ran out of work before the task finished";
    return out ? std::move(*out) : T(tl::unexpected(Error{ErrorCode::kInternal, "no result", {}}));
  }

  // Follows the authorize URL as a browser would (auto-approve is on) and returns the query of
  // the redirect back to the app.
  std::map<std::string, std::string> Authorize(const std::string& authorize_url) {
    http::ClientRequest request;
    request.url = authorize_url;
    auto response = Run(http_->Send(std::move(request)));
    std::map<std::string, std::string> query;
    if (!response) {
      ADD_FAILURE() << response.error().message;
      return query;
    }
    EXPECT_EQ(response->status, 302u) << response->body;
    const std::string location(response->headers[field::location]);
    EXPECT_TRUE(location.starts_with(kRedirect)) << location;
    auto parsed = boost::urls::parse_uri(location);
    if (!parsed) {
      ADD_FAILURE() << "Location is not a URL: " << location;
      return query;
    }
    for (const auto& param : parsed->params()) {
      query[param.key] = param.value;
    }
    return query;
  }

  ManualClock clock_;
  OpenSslRandom random_;
  FakeSpotifyState state_{clock_, random_};
  std::unique_ptr<http::Listener> listener_;
  std::string base_url_;
  boost::asio::io_context io_;
  std::unique_ptr<http::BeastHttpClient> http_;
  std::optional<SpotifyAccounts> accounts_;
  std::optional<SpotifyAccounts> pkce_accounts_;
  std::optional<SpotifyApi> api_;
};

const Scope kScope{"user-read-email", "user-read-currently-playing"};

TEST_F(ClientsLoopbackTest, ConfidentialClientSignsInReadsTheApiRefreshesAndGetsAnAppToken) {
  // A state with '+', '/' and a space proves the encoding survives the round trip.
  const std::string state = "st+te/ x";
  auto query = Authorize(accounts_->AuthorizeUrl(kScope, state));
  EXPECT_EQ(query["state"], state);
  ASSERT_FALSE(query["code"].empty());

  auto token = Run(accounts_->ExchangeCode(query["code"]));
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_FALSE(token->access_token.empty());
  EXPECT_FALSE(token->refresh_token.empty());
  EXPECT_EQ(token->token_type, "Bearer");
  EXPECT_EQ(token->scope, kScope);
  EXPECT_EQ(token->expires_at, clock_.Now() + 3600s);

  auto user = Run(api_->CurrentUser(token->access_token));
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->id, "demo-user");
  EXPECT_EQ(user->display_name, "Demo User");

  auto playing = Run(api_->CurrentlyPlaying(token->access_token));
  ASSERT_TRUE(playing) << playing.error().message;
  ASSERT_TRUE(playing->has_value());
  EXPECT_TRUE((*playing)->is_playing);
  EXPECT_EQ((*playing)->progress_ms, 83'000);
  EXPECT_EQ((*playing)->type, CurrentlyPlaying::Type::kTrack);
  ASSERT_TRUE(std::holds_alternative<TrackItem>((*playing)->item));
  const auto& track = std::get<TrackItem>((*playing)->item);
  EXPECT_EQ(track.name, "Windowlicker");
  EXPECT_EQ(track.artists, std::vector<std::string>{"Aphex Twin"});
  EXPECT_EQ(track.album, "Windowlicker");
  EXPECT_EQ(track.image_url, std::nullopt);  // the demo track has no album art
  EXPECT_EQ(track.id, "6Hmj7SrLRbreLVfVS7mV1S");
  EXPECT_EQ(track.duration_ms, 366'000);

  clock_.Advance(10min);
  auto refreshed = Run(accounts_->Refresh(token->refresh_token));
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_NE(refreshed->access_token, token->access_token);
  EXPECT_EQ(refreshed->refresh_token, token->refresh_token);  // not rotated: the old one is kept
  EXPECT_EQ(refreshed->expires_at, clock_.Now() + 3600s);
  auto again = Run(api_->CurrentUser(refreshed->access_token));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->id, "demo-user");

  auto app = Run(accounts_->ClientCredentials());
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_FALSE(app->access_token.empty());
  EXPECT_TRUE(app->refresh_token.empty());
  // An app token has no user behind it: Spotify answers 401 "Permissions missing".
  auto no_user = Run(api_->CurrentUser(app->access_token));
  ASSERT_FALSE(no_user);
  EXPECT_EQ(no_user.error().code, ErrorCode::kUnauthorized);
  EXPECT_NE(no_user.error().message.find("Permissions missing"), std::string::npos)
      << no_user.error().message;
}

TEST_F(ClientsLoopbackTest, PkceClientSignsInAndItsRefreshTokensAreSingleUse) {
  auto query = Authorize(pkce_accounts_->AuthorizePkceUrl(kScope, "s", S256Challenge(kVerifier)));
  ASSERT_FALSE(query["code"].empty());

  auto token = Run(pkce_accounts_->ExchangeCode(query["code"], kVerifier));
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->scope, kScope);
  auto user = Run(api_->CurrentUser(token->access_token));
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->id, "demo-user");

  auto refreshed = Run(pkce_accounts_->Refresh(token->refresh_token));
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_FALSE(refreshed->refresh_token.empty());
  EXPECT_NE(refreshed->refresh_token, token->refresh_token);

  auto reused = Run(pkce_accounts_->Refresh(token->refresh_token));
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().code, ErrorCode::kAuthentication);
  EXPECT_NE(reused.error().message.find("invalid_grant"), std::string::npos)
      << reused.error().message;
}

TEST_F(ClientsLoopbackTest, PkceCodeWithTheWrongVerifierIsRefused) {
  auto query = Authorize(pkce_accounts_->AuthorizePkceUrl(kScope, "s", S256Challenge(kVerifier)));
  auto token = Run(
      pkce_accounts_->ExchangeCode(query["code"], "wrong-verifier-wrong-verifier-wrong-verifie"));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kAuthentication);
}

TEST_F(ClientsLoopbackTest, WrongSecretIsAnAuthenticationError) {
  SpotifyAccounts wrong(
      *http_, clock_, Credentials{std::string(kClientId), "not-the-secret", std::string(kRedirect)},
      base_url_);
  auto token = Run(wrong.ClientCredentials());
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kAuthentication);
  EXPECT_EQ(token.error().message.find("not-the-secret"), std::string::npos);
}

TEST_F(ClientsLoopbackTest, ApiErrorsAndShapesArriveAsTypedValues) {
  state_.SetAutoApprove(true, "second-user");
  auto query = Authorize(accounts_->AuthorizeUrl(kScope, "s"));
  auto token = Run(accounts_->ExchangeCode(query["code"]));
  ASSERT_TRUE(token) << token.error().message;

  auto episode = Run(api_->CurrentlyPlaying(token->access_token));
  ASSERT_TRUE(episode) << episode.error().message;
  ASSERT_TRUE(episode->has_value());
  EXPECT_EQ((*episode)->type, CurrentlyPlaying::Type::kEpisode);
  ASSERT_TRUE(std::holds_alternative<EpisodeItem>((*episode)->item));
  EXPECT_EQ(std::get<EpisodeItem>((*episode)->item).name, "Episode 1: Loopback");
  EXPECT_EQ(std::get<EpisodeItem>((*episode)->item).show, "The Stand-in Show");

  ASSERT_TRUE(state_.SetPlayback("second-user", std::nullopt));
  auto nothing = Run(api_->CurrentlyPlaying(token->access_token));
  ASSERT_TRUE(nothing) << nothing.error().message;
  EXPECT_EQ(*nothing, std::nullopt);

  state_.AddFault("/v1/me",
                  FakeFault{.kind = FakeFaultKind::kStatus, .status = 429, .retry_after = 7s});
  auto limited = Run(api_->CurrentUser(token->access_token));
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(limited.error().retry_after, 7s);

  state_.AddFault("/v1/me", FakeFault{.kind = FakeFaultKind::kStatus, .status = 503});
  auto down = Run(api_->CurrentUser(token->access_token));
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);

  state_.AddFault("/v1/me", FakeFault{.kind = FakeFaultKind::kMalformed});
  auto garbled = Run(api_->CurrentUser(token->access_token));
  ASSERT_FALSE(garbled);
  EXPECT_EQ(garbled.error().code, ErrorCode::kUpstreamProtocol);

  state_.ExpireAccessTokens();
  auto expired = Run(api_->CurrentUser(token->access_token));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthorized);
  EXPECT_NE(expired.error().message.find("The access token expired"), std::string::npos)
      << expired.error().message;
}

TEST_F(ClientsLoopbackTest, TokenEndpointFaultsMapToErrorCodes) {
  state_.AddFault("/api/token", FakeFault{.kind = FakeFaultKind::kStatus, .status = 502});
  auto down = Run(accounts_->ClientCredentials());
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);

  state_.AddFault("/api/token",
                  FakeFault{.kind = FakeFaultKind::kStatus, .status = 429, .retry_after = 30s});
  auto limited = Run(accounts_->ClientCredentials());
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, ErrorCode::kRateLimited);
  EXPECT_EQ(limited.error().retry_after, 30s);

  state_.AddFault("/api/token", FakeFault{.kind = FakeFaultKind::kMalformed});
  auto garbled = Run(accounts_->ClientCredentials());
  ASSERT_FALSE(garbled);
  EXPECT_EQ(garbled.error().code, ErrorCode::kUpstreamProtocol);

  auto code = Authorize(accounts_->AuthorizeUrl(kScope, "s"))["code"];
  ASSERT_TRUE(Run(accounts_->ExchangeCode(code)));
  auto replayed = Run(accounts_->ExchangeCode(code));
  ASSERT_FALSE(replayed);
  EXPECT_EQ(replayed.error().code, ErrorCode::kAuthentication);
}

}  // namespace
}  // namespace spotauth::spotify
