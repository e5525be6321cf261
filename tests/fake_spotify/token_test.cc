#include <chrono>

#include "testing/fake_spotify_harness.h"

namespace spotauth::fake_spotify::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using TokenTest = FakeSpotifyTest;

TEST_F(TokenTest, CodeGrantWithBasicAuthIssuesBearerTokens) {
  auto response = ExchangeCode(Code("user-read-email user-read-currently-playing"));
  ASSERT_EQ(response.result(), beast_http::status::ok) << response.body();
  EXPECT_EQ(response[beast_http::field::cache_control], "no-store");
  auto body = Json(response);
  EXPECT_EQ(body.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 3600);
  EXPECT_EQ(body.at("scope").as_string(), "user-read-currently-playing user-read-email");
  EXPECT_FALSE(body.at("access_token").as_string().empty());
  EXPECT_FALSE(body.at("refresh_token").as_string().empty());
}

TEST_F(TokenTest, CodeGrantWithPkceNeedsNoSecret) {
  auto response = ExchangePkceCode(PkceCode());
  ASSERT_EQ(response.result(), beast_http::status::ok) << response.body();
  auto body = Json(response);
  EXPECT_FALSE(body.at("refresh_token").as_string().empty());
  auto me = Get("/v1/me", "Bearer " + std::string(body.at("access_token").as_string()));
  EXPECT_EQ(me.result(), beast_http::status::ok);
}

TEST_F(TokenTest, WrongVerifierIsRefused) {
  ExpectOAuthError(ExchangePkceCode(PkceCode(), std::string(43, 'a')), 400, "invalid_grant",
                   "code_verifier was incorrect");
}

TEST_F(TokenTest, PkceCodeWithoutVerifierIsAnInvalidRequest) {
  auto response = PostForm("/api/token", {{"grant_type", "authorization_code"},
                                          {"code", PkceCode()},
                                          {"redirect_uri", "http://127.0.0.1:8080/cb"},
                                          {"client_id", std::string(kPublicClientId)}});
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_EQ(Json(response).at("error").as_string(), "invalid_request");
}

TEST_F(TokenTest, AConfidentialClientThatSentAChallengeMustSendTheVerifierToo) {
  state_.SetAutoApprove(true);
  auto authorize = [&] {
    return RedirectQuery(Authorize({{"client_id", std::string(kClientId)},
                                    {"redirect_uri", std::string(kRedirectUri)},
                                    {"response_type", "code"},
                                    {"scope", "user-read-currently-playing"},
                                    {"state", "s"},
                                    {"code_challenge", std::string(kChallenge)},
                                    {"code_challenge_method", "S256"}}))["code"];
  };
  const auto secret = BasicAuth(kClientId, kClientSecret);
  const auto form = [&](const std::string& code) -> Fields {
    return {{"grant_type", "authorization_code"}, {"code", code},
            {"redirect_uri", std::string(kRedirectUri)}};
  };
  // The secret alone does not redeem a code bound to a challenge (a leaked code).
  ExpectOAuthError(PostForm("/api/token", form(authorize()), secret), 400, "invalid_request",
                   "code_verifier required");
  Fields wrong = form(authorize());
  wrong.emplace_back("code_verifier", std::string(43, 'a'));
  ExpectOAuthError(PostForm("/api/token", wrong, secret), 400, "invalid_grant",
                   "code_verifier was incorrect");
  Fields right = form(authorize());
  right.emplace_back("code_verifier", std::string(kVerifier));
  EXPECT_EQ(PostForm("/api/token", right, secret).result(), beast_http::status::ok);
}

TEST_F(TokenTest, ReusedCodeIsRefusedAndRevokesWhatItIssued) {
  const std::string code = Code();
  auto first = Json(ExchangeCode(code));
  ExpectOAuthError(ExchangeCode(code), 400, "invalid_grant", "Invalid authorization code");
  ExpectApiError(Get("/v1/me", "Bearer " + std::string(first.at("access_token").as_string())), 401,
                 "Invalid access token");
  ExpectOAuthError(Refresh(std::string(first.at("refresh_token").as_string())), 400,
                   "invalid_grant", "Refresh token revoked");
}

TEST_F(TokenTest, CodeExpiresAfterTenMinutes) {
  const std::string code = Code();
  clock_.Advance(minutes{10});
  ExpectOAuthError(ExchangeCode(code), 400, "invalid_grant", "Invalid authorization code");
}

TEST_F(TokenTest, CodeIsStillGoodJustBeforeItExpires) {
  const std::string code = Code();
  clock_.Advance(minutes{10} - seconds{1});
  EXPECT_EQ(ExchangeCode(code).result(), beast_http::status::ok);
}

TEST_F(TokenTest, UnknownCodeIsInvalid) {
  ExpectOAuthError(ExchangeCode("not-a-code"), 400, "invalid_grant", "Invalid authorization code");
}

TEST_F(TokenTest, RedirectUriMustEqualTheOneSentToAuthorize) {
  auto response = PostForm("/api/token",
                           {{"grant_type", "authorization_code"},
                            {"code", Code()},
                            {"redirect_uri", "http://127.0.0.1:5000/callback/"}},
                           BasicAuth(kClientId, kClientSecret));
  ExpectOAuthError(response, 400, "invalid_grant", "Invalid redirect URI");
}

TEST_F(TokenTest, WrongSecretAndUnknownClientAreInvalidClient) {
  const std::string code = Code();
  Fields form{{"grant_type", "authorization_code"},
              {"code", code},
              {"redirect_uri", std::string(kRedirectUri)}};
  ExpectOAuthError(PostForm("/api/token", form, BasicAuth(kClientId, "wrong")), 400,
                   "invalid_client", "Invalid client secret");
  ExpectOAuthError(PostForm("/api/token", form, BasicAuth("nobody", "x")), 400, "invalid_client",
                   "Invalid client");
  ExpectOAuthError(PostForm("/api/token", form, "Basic !!!"), 401, "invalid_client",
                   "Invalid client");
  // A confidential code cannot be redeemed by naming the client alone.
  auto bare = form;
  bare.push_back({"client_id", std::string(kClientId)});
  ExpectOAuthError(PostForm("/api/token", bare), 401, "invalid_client", "Invalid client");
  // None of the refusals above used the code up.
  EXPECT_EQ(ExchangeCode(code).result(), beast_http::status::ok);
}

TEST_F(TokenTest, BodyMustBeAForm) {
  auto response = Post("/api/token", R"({"grant_type":"client_credentials"})", "application/json",
                       BasicAuth(kClientId, kClientSecret));
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_EQ(Json(response).at("error").as_string(), "invalid_request");
}

TEST_F(TokenTest, UnsupportedAndMissingGrantTypes) {
  auto auth = BasicAuth(kClientId, kClientSecret);
  EXPECT_EQ(Json(PostForm("/api/token", {{"grant_type", "password"}}, auth)).at("error"),
            "unsupported_grant_type");
  EXPECT_EQ(Json(PostForm("/api/token", {{"x", "y"}}, auth)).at("error"), "unsupported_grant_type");
}

TEST_F(TokenTest, MissingParametersAreInvalidRequests) {
  auto auth = BasicAuth(kClientId, kClientSecret);
  auto no_code = PostForm(
      "/api/token",
      {{"grant_type", "authorization_code"}, {"redirect_uri", std::string(kRedirectUri)}}, auth);
  EXPECT_EQ(no_code.result(), beast_http::status::bad_request);
  EXPECT_EQ(Json(no_code).at("error"), "invalid_request");
  auto no_redirect =
      PostForm("/api/token", {{"grant_type", "authorization_code"}, {"code", Code()}}, auth);
  EXPECT_EQ(Json(no_redirect).at("error"), "invalid_request");
  auto no_token = PostForm("/api/token", {{"grant_type", "refresh_token"}}, auth);
  EXPECT_EQ(Json(no_token).at("error"), "invalid_request");
}

TEST_F(TokenTest, RefreshWithoutRotationKeepsTheOldRefreshToken) {
  auto [access, refresh] = Login();
  auto response = Refresh(refresh);
  ASSERT_EQ(response.result(), beast_http::status::ok) << response.body();
  auto body = Json(response);
  EXPECT_FALSE(body.as_object().contains("refresh_token"));
  EXPECT_NE(body.at("access_token").as_string(), access);
  EXPECT_EQ(body.at("scope").as_string(), "user-read-currently-playing");
  EXPECT_EQ(Refresh(refresh).result(), beast_http::status::ok);
}

TEST_F(TokenTest, RefreshWithRotationReplacesTheRefreshToken) {
  state_.SetRotateConfidentialRefreshTokens(true);
  auto [access, refresh] = Login();
  auto body = Json(Refresh(refresh));
  const std::string next(body.at("refresh_token").as_string());
  EXPECT_NE(next, refresh);
  ExpectOAuthError(Refresh(refresh), 400, "invalid_grant", "Refresh token revoked");
  EXPECT_EQ(Refresh(next).result(), beast_http::status::ok);
}

TEST_F(TokenTest, PkceRefreshTokensAreSingleUse) {
  auto tokens = Json(ExchangePkceCode(PkceCode()));
  const std::string first(tokens.at("refresh_token").as_string());
  auto response = RefreshPkce(first);
  ASSERT_EQ(response.result(), beast_http::status::ok) << response.body();
  const std::string second(Json(response).at("refresh_token").as_string());
  EXPECT_NE(second, first);
  ExpectOAuthError(RefreshPkce(first), 400, "invalid_grant", "Refresh token revoked");
  EXPECT_EQ(RefreshPkce(second).result(), beast_http::status::ok);
}

TEST_F(TokenTest, ConfidentialRefreshNeedsTheSecret) {
  auto [access, refresh] = Login();
  auto response = PostForm("/api/token", {{"grant_type", "refresh_token"},
                                          {"refresh_token", refresh},
                                          {"client_id", std::string(kClientId)}});
  ExpectOAuthError(response, 401, "invalid_client", "Invalid client");
}

TEST_F(TokenTest, RevokedRefreshTokenIsRefused) {
  auto [access, refresh] = Login();
  state_.RevokeRefreshTokens("demo-user");
  ExpectOAuthError(Refresh(refresh), 400, "invalid_grant", "Refresh token revoked");
}

TEST_F(TokenTest, RefreshTokenExpiresSixMonthsAfterTheOriginalAuthorization) {
  auto [access, refresh] = Login();
  clock_.Advance(hours{24 * 100});
  ASSERT_EQ(Refresh(refresh).result(), beast_http::status::ok);  // does not extend the term
  clock_.Advance(hours{24 * 83});
  ExpectOAuthError(Refresh(refresh), 400, "invalid_grant", "Refresh token expired");
}

TEST_F(TokenTest, UnknownRefreshTokenIsInvalid) {
  ExpectOAuthError(Refresh("nope"), 400, "invalid_grant", "Invalid refresh token");
}

TEST_F(TokenTest, ClientCredentialsIssueAnAppTokenWithoutUser) {
  auto response = PostForm("/api/token", {{"grant_type", "client_credentials"}},
                           BasicAuth(kClientId, kClientSecret));
  ASSERT_EQ(response.result(), beast_http::status::ok) << response.body();
  auto body = Json(response).as_object();
  EXPECT_FALSE(body.contains("refresh_token"));
  EXPECT_EQ(body.at("expires_in").as_int64(), 3600);
  ExpectApiError(Get("/v1/me", "Bearer " + std::string(body.at("access_token").as_string())), 401,
                 "Permissions missing");
  ExpectOAuthError(PostForm("/api/token", {{"grant_type", "client_credentials"},
                                           {"client_id", std::string(kPublicClientId)}}),
                   401, "invalid_client", "Invalid client");
}

TEST_F(TokenTest, ExpiresInIsConfigurable) {
  state_.SetAccessTokenLifetime(seconds{120});
  auto body = Json(ExchangeCode(Code()));
  EXPECT_EQ(body.at("expires_in").as_int64(), 120);
}

}  // namespace
}  // namespace spotauth::fake_spotify::testing
