#include <chrono>

#include "testing/fake_spotify_harness.h"

namespace spotauth::fake_spotify::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using FaultTest = FakeSpotifyTest;
using ControlTest = FakeSpotifyTest;

constexpr std::string_view kPlaying = "/v1/me/player/currently-playing";

TEST_F(FaultTest, RateLimitAnswers429WithRetryAfterForCountRequests) {
  const std::string bearer = "Bearer " + Login().first;
  state_.AddFault(std::string(kPlaying),
                  FakeFault{FakeFaultKind::kStatus, 429, seconds{7}, milliseconds{0}, 2});
  for (int i = 0; i < 2; ++i) {
    auto limited = Get(std::string(kPlaying), bearer);
    EXPECT_EQ(limited.result(), beast_http::status::too_many_requests);
    EXPECT_EQ(limited[beast_http::field::retry_after], "7");
    EXPECT_TRUE(limited.body().empty());
  }
  EXPECT_EQ(Get(std::string(kPlaying), bearer).result(), beast_http::status::ok);
  EXPECT_EQ(state_.RequestCount(kPlaying), 3u);
}

TEST_F(FaultTest, ServerErrorsUseSpotifysJsonShape) {
  state_.AddFault("/v1/me", FakeFault{FakeFaultKind::kStatus, 503, {}, {}, 1});
  ExpectApiError(Get("/v1/me", "Bearer " + Login().first), 503, "Service unavailable");
}

TEST_F(FaultTest, TokenEndpointFaultsUseTheAccountsErrorShape) {
  state_.AddFault("/api/token", FakeFault{FakeFaultKind::kStatus, 500, {}, {}, 1});
  state_.AddFault("/api/token", FakeFault{FakeFaultKind::kStatus, 503, {}, {}, 1});
  ExpectOAuthError(ExchangeCode(Code()), 500, "server_error", "Server error.");
  ExpectOAuthError(ExchangeCode(Code()), 503, "temporarily_unavailable", "Service unavailable");
}

TEST_F(FaultTest, FaultsApplyOnlyToTheirPathAndInOrder) {
  state_.AddFault("/api/token", FakeFault{FakeFaultKind::kStatus, 500, {}, {}, 1});
  state_.AddFault("/api/token", FakeFault{FakeFaultKind::kStatus, 502, {}, {}, 1});
  const std::string code = Code();  // /authorize is unaffected
  EXPECT_EQ(ExchangeCode(code).result_int(), 500);
  EXPECT_EQ(ExchangeCode(code).result_int(), 502);
  EXPECT_EQ(ExchangeCode(code).result(), beast_http::status::ok);
  EXPECT_EQ(state_.RequestCount("/api/token"), 3u);
  EXPECT_EQ(state_.RequestCount("/authorize"), 1u);
}

TEST_F(FaultTest, MalformedBodyIsNotJson) {
  state_.AddFault("/api/token", FakeFault{FakeFaultKind::kMalformed, 0, {}, {}, 1});
  auto response = ExchangeCode(Code());
  EXPECT_EQ(response.result(), beast_http::status::ok);
  boost::system::error_code ec;
  boost::json::parse(response.body(), ec);
  EXPECT_TRUE(ec) << response.body();
}

TEST_F(FaultTest, ResetAsksTheSessionToDropTheConnection) {
  state_.AddFault("/api/token", FakeFault{FakeFaultKind::kReset, 0, {}, {}, 1});
  EXPECT_TRUE(http::IsResetConnection(ExchangeCode(Code())));
  EXPECT_FALSE(http::IsResetConnection(ExchangeCode(Code())));
}

TEST_F(FaultTest, DelayWaitsThenAnswersNormally) {
  state_.AddFault("/v1/me", FakeFault{FakeFaultKind::kDelay, 0, {}, milliseconds{60}, 1});
  const std::string bearer = "Bearer " + Login().first;
  const auto start = std::chrono::steady_clock::now();
  auto response = Get("/v1/me", bearer);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds{60});
  EXPECT_EQ(response.result(), beast_http::status::ok);
}

TEST_F(FaultTest, ClearFaultsRemovesPendingFaults) {
  state_.AddFault("/v1/me", FakeFault{FakeFaultKind::kStatus, 500, {}, {}, 5});
  state_.ClearFaults();
  EXPECT_EQ(Get("/v1/me", "Bearer " + Login().first).result(), beast_http::status::ok);
}

TEST_F(ControlTest, FaultCanBeInjectedOverHttp) {
  auto added = PostJson("/__control/fault",
                        R"({"path":"/api/token","kind":"status","status":429,"retry_after":3})");
  ASSERT_EQ(added.result(), beast_http::status::ok) << added.body();
  auto limited = ExchangeCode(Code());
  EXPECT_EQ(limited.result(), beast_http::status::too_many_requests);
  EXPECT_EQ(limited[beast_http::field::retry_after], "3");
  ASSERT_EQ(
      PostJson("/__control/fault", R"({"path":"/api/token","kind":"reset","count":2})").result(),
      beast_http::status::ok);
  http::Request clear{beast_http::verb::delete_, "/__control/fault", 11};
  EXPECT_EQ(Send(std::move(clear)).result(), beast_http::status::ok);
  EXPECT_EQ(ExchangeCode(Code()).result(), beast_http::status::ok);
}

TEST_F(ControlTest, OnlyLoopbackRequestsMayUseIt) {
  // A web page open while `make demo` runs must not steer the stand-in (DNS rebinding gives a
  // foreign Host; a cross-site form gives a foreign Origin).
  http::Request rebound{beast_http::verb::post, "/__control/fault", 11};
  rebound.set(beast_http::field::host, "attacker.example:5001");
  rebound.set(beast_http::field::content_type, "application/json");
  rebound.body() = R"({"path":"/api/token","kind":"status","status":500})";
  EXPECT_EQ(Send(rebound).result(), beast_http::status::forbidden);
  http::Request cross_site = rebound;
  cross_site.set(beast_http::field::host, "127.0.0.1:5001");
  cross_site.set(beast_http::field::origin, "https://attacker.example");
  EXPECT_EQ(Send(cross_site).result(), beast_http::status::forbidden);
  http::Request local = rebound;
  local.set(beast_http::field::host, "[::1]:5001");
  EXPECT_EQ(Send(local).result(), beast_http::status::ok);
}

TEST_F(ControlTest, BadControlRequestsAreRefused) {
  EXPECT_EQ(PostJson("/__control/fault", "{not json").result(), beast_http::status::bad_request);
  EXPECT_EQ(PostJson("/__control/fault", R"({"kind":"status"})").result(),
            beast_http::status::bad_request);
  EXPECT_EQ(PostJson("/__control/fault", R"({"path":"/v1/me","kind":"explode"})").result(),
            beast_http::status::bad_request);
  EXPECT_EQ(PostJson("/__control/user", R"({"id":"u","playing":{"type":"song"}})").result(),
            beast_http::status::bad_request);
  EXPECT_EQ(PostJson("/__control/nothing", "{}").result(), beast_http::status::not_found);
}

TEST_F(ControlTest, RefusalsSayWhichFieldToFix) {
  struct Refused {
    const char* target;
    const char* body;
    const char* error;
  };
  const Refused cases[] = {
      {"/__control/fault", "{not json", "the body must be a JSON object"},
      {"/__control/fault", "[1]", "the body must be a JSON object"},
      {"/__control/fault", R"({"kind":"status"})", "path is required"},
      {"/__control/fault", R"({"path":""})", "path is required"},
      {"/__control/fault", R"({"path":"/v1/me","kind":7})", "kind must be a string"},
      {"/__control/fault", R"({"path":"/v1/me","status":"503"})", "status must be an integer"},
      {"/__control/fault", R"({"path":"/v1/me","count":1.5})", "count must be an integer"},
      {"/__control/settings", R"({"rotate_refresh_tokens":"yes"})",
       "rotate_refresh_tokens must be a boolean"},
  };
  for (const Refused& c : cases) {
    auto response = PostJson(c.target, c.body);
    EXPECT_EQ(response.result(), beast_http::status::bad_request) << c.body;
    EXPECT_EQ(Json(response).at("error"), c.error) << c.body;
  }
  // Integers are read as the clients read them: 3600.0 is 3600, and null is absent.
  EXPECT_EQ(PostJson("/__control/settings", R"({"expires_in":3600.0})").result(),
            beast_http::status::ok);
  EXPECT_EQ(PostJson("/__control/settings", R"({"expires_in":null})").result(),
            beast_http::status::ok);
}

TEST_F(ControlTest, UserCanBeAddedAndGivenSomethingToPlay) {
  auto put = PostJson("/__control/user", R"({"id":"new-user","display_name":"New",
      "playing":{"type":"track","name":"Xtal","artists":["Aphex Twin"],"album":"SAW 85-92",
      "image_url":"https://example.com/a.jpg","duration_ms":294000,"id":null,
      "is_playing":false,"progress_ms":1000}})");
  ASSERT_EQ(put.result(), beast_http::status::ok) << put.body();
  auto user = state_.FindUser("new-user");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->display_name, "New");
  ASSERT_TRUE(user->playback);
  EXPECT_FALSE(user->playback->is_playing);
  const auto* track = std::get_if<FakeTrack>(&user->playback->item);
  ASSERT_NE(track, nullptr);
  EXPECT_EQ(track->name, "Xtal");
  EXPECT_FALSE(track->id.has_value());

  ASSERT_EQ(PostJson("/__control/user", R"({"id":"new-user","playing":null})").result(),
            beast_http::status::ok);
  user = state_.FindUser("new-user");
  EXPECT_FALSE(user->playback.has_value());
  EXPECT_EQ(user->display_name, "New");  // absent fields are kept
}

TEST_F(ControlTest, RevokeEndsAUsersRefreshTokens) {
  auto [access, refresh] = Login();
  ASSERT_EQ(PostJson("/__control/revoke", R"({"user":"demo-user"})").result(),
            beast_http::status::ok);
  ExpectOAuthError(Refresh(refresh), 400, "invalid_grant", "Refresh token revoked");
}

TEST_F(ControlTest, AutoApproveAndSettingsAndExpiry) {
  ASSERT_EQ(
      PostJson("/__control/auto-approve", R"({"enabled":true,"user":"second-user"})").result(),
      beast_http::status::ok);
  ASSERT_EQ(PostJson("/__control/settings", R"({"expires_in":60})").result(),
            beast_http::status::ok);
  auto redirect = RedirectQuery(Authorize({{"client_id", std::string(kClientId)},
                                           {"redirect_uri", std::string(kRedirectUri)},
                                           {"response_type", "code"}}));
  auto tokens = Json(ExchangeCode(redirect["code"]));
  EXPECT_EQ(tokens.at("expires_in").as_int64(), 60);
  const std::string bearer = "Bearer " + std::string(tokens.at("access_token").as_string());
  EXPECT_EQ(Json(Get("/v1/me", bearer)).at("id").as_string(), "second-user");
  ASSERT_EQ(PostJson("/__control/expire-access-tokens", "").result(), beast_http::status::ok);
  ExpectApiError(Get("/v1/me", bearer), 401, "The access token expired");
}

TEST_F(ControlTest, ClientCanBeRegistered) {
  ASSERT_EQ(PostJson("/__control/client",
                     R"({"id":"other","secret":"s3","redirect_uris":["https://app.example/cb"]})")
                .result(),
            beast_http::status::ok);
  auto client = state_.FindClient("other");
  ASSERT_TRUE(client);
  EXPECT_EQ(client->secret, "s3");
  EXPECT_EQ(client->redirect_uris, std::vector<std::string>{"https://app.example/cb"});
}

TEST_F(ControlTest, StatsCountRequestsPerPathButNotControlRequests) {
  Login();
  Get("/v1/me");
  auto stats = Json(Get("/__control/stats"));
  const auto& requests = stats.at("requests").as_object();
  EXPECT_EQ(requests.at("/authorize").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(requests.at("/api/token").to_number<std::uint64_t>(), 1u);
  EXPECT_EQ(requests.at("/v1/me").to_number<std::uint64_t>(), 1u);
  EXPECT_FALSE(requests.contains("/__control/stats"));
}

TEST_F(ControlTest, ControlIsOffUnlessEnabled) {
  FakeSpotifyHandler closed(state_);
  boost::asio::io_context io;
  http::Response response;
  boost::asio::co_spawn(io,
                        closed.Handle(http::Request{beast_http::verb::get, "/__control/stats", 11}),
                        [&](std::exception_ptr, http::Response r) { response = std::move(r); });
  io.run();
  EXPECT_EQ(response.result(), beast_http::status::not_found);
}

}  // namespace
}  // namespace spotauth::fake_spotify::testing
