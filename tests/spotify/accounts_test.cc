#include "spotify/accounts.h"

#include <gtest/gtest.h>

#include <string>

#include "core/clock.h"
#include "testing/recording_http_client.h"

namespace spotauth::spotify {
namespace {

using beast_http::field;
using beast_http::verb;
using spotauth::testing::HasHeader;
using spotauth::testing::Header;
using spotauth::testing::RecordingHttpClient;
using spotauth::testing::RunSync;
using namespace std::chrono_literals;

constexpr std::string_view kRedirect = "http://127.0.0.1:5000/callback";
constexpr std::string_view kEncodedRedirect = "http%3A%2F%2F127.0.0.1%3A5000%2Fcallback";
// base64("client-id-123:s3cret")
constexpr std::string_view kBasic = "Basic Y2xpZW50LWlkLTEyMzpzM2NyZXQ=";
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kTokenUrl = "https://accounts.spotify.com/api/token";

constexpr std::string_view kFullToken =
    R"({"access_token":"new-access","token_type":"Bearer",)"
    R"("scope":"user-read-email user-read-currently-playing","expires_in":3600,)"
    R"("refresh_token":"new-refresh"})";

Credentials Confidential() {
  return Credentials{"client-id-123", "s3cret", std::string(kRedirect)};
}
Credentials Public() { return Credentials{"client-id-123", "", std::string(kRedirect)}; }

class AccountsTest : public ::testing::Test {
 protected:
  RecordingHttpClient http_;
  ManualClock clock_;
  SpotifyAccounts confidential_{http_, clock_, Confidential()};
  SpotifyAccounts pkce_{http_, clock_, Public()};
};

// --- authorize URLs ---

TEST_F(AccountsTest, AuthorizeUrlHasTekoresOrderSortedScopeAndFormEncoding) {
  const Scope scope{"user-read-email", "playlist-read-private"};
  EXPECT_EQ(confidential_.AuthorizeUrl(scope, "abc+/= x~"),
            "https://accounts.spotify.com/authorize?client_id=client-id-123&redirect_uri=" +
                std::string(kEncodedRedirect) +
                "&response_type=code&scope=playlist-read-private+user-read-email"
                "&state=abc%2B%2F%3D+x~&show_dialog=false");
}

TEST_F(AccountsTest, AuthorizeUrlCanAskForTheDialog) {
  const std::string url = confidential_.AuthorizeUrl(Scope{"user-read-email"}, "s", true);
  EXPECT_TRUE(url.ends_with("&scope=user-read-email&state=s&show_dialog=true")) << url;
}

TEST_F(AccountsTest, AuthorizePkceUrlEndsWithChallengeInsteadOfDialog) {
  const Scope scope{"user-read-email", "playlist-read-private"};
  EXPECT_EQ(pkce_.AuthorizePkceUrl(scope, "state-1", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            "https://accounts.spotify.com/authorize?client_id=client-id-123&redirect_uri=" +
                std::string(kEncodedRedirect) +
                "&response_type=code&scope=playlist-read-private+user-read-email&state=state-1"
                "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                "&code_challenge_method=S256");
}

TEST_F(AccountsTest, APrefixEncodedOnceCompletesToTheSameUrls) {
  const Scope scope{"user-read-email", "playlist-read-private"};
  const std::string prefix = pkce_.AuthorizePrefix(scope);
  EXPECT_EQ(prefix, "https://accounts.spotify.com/authorize?client_id=client-id-123&redirect_uri=" +
                        std::string(kEncodedRedirect) +
                        "&response_type=code&scope=playlist-read-private+user-read-email");
  EXPECT_EQ(
      SpotifyAccounts::AuthorizePkceUrlFrom(prefix, "abc+/= x~", "chal+lenge"),
      prefix + "&state=abc%2B%2F%3D+x~&code_challenge=chal%2Blenge&code_challenge_method=S256");
  EXPECT_EQ(SpotifyAccounts::AuthorizeUrlFrom(prefix, "s", true),
            prefix + "&state=s&show_dialog=true");
  EXPECT_EQ(SpotifyAccounts::AuthorizeUrlFrom(prefix, ""), prefix + "&state=&show_dialog=false");
}

TEST_F(AccountsTest, AccountsUrlIsConfigurableAndLosesATrailingSlash) {
  SpotifyAccounts local(http_, clock_, Confidential(), "http://127.0.0.1:9000/");
  EXPECT_TRUE(local.AuthorizeUrl(Scope{}, "s")
                  .starts_with("http://127.0.0.1:9000/authorize?client_id=client-id-123&"));
}

// --- grants: exact requests ---

TEST_F(AccountsTest, ExchangeCodeWithSecretAndVerifierSendsBothBasicAuthAndTheVerifier) {
  http_.Respond(200, std::string(kFullToken));
  ASSERT_TRUE(RunSync(confidential_.ExchangeCode("c", "verifier-0123456789")));
  const auto& request = http_.last();
  EXPECT_EQ(request.body, "grant_type=authorization_code&code=c&redirect_uri=" +
                              std::string(kEncodedRedirect) + "&code_verifier=verifier-0123456789");
  EXPECT_EQ(Header(request, field::authorization), kBasic);
}

TEST_F(AccountsTest, ExchangeCodeWithSecretPostsFormWithBasicAuth) {
  http_.Respond(200, std::string(kFullToken));
  auto token = RunSync(confidential_.ExchangeCode("AQD/code+1"));
  ASSERT_TRUE(token) << token.error().message;

  ASSERT_EQ(http_.requests().size(), 1u);
  const auto& request = http_.last();
  EXPECT_EQ(request.method, verb::post);
  EXPECT_EQ(request.url, kTokenUrl);
  EXPECT_EQ(request.body, "grant_type=authorization_code&code=AQD%2Fcode%2B1&redirect_uri=" +
                              std::string(kEncodedRedirect));
  EXPECT_EQ(Header(request, field::authorization), kBasic);
  EXPECT_EQ(Header(request, field::content_type), "application/x-www-form-urlencoded");
  EXPECT_EQ(Header(request, field::accept), "application/json");
}

TEST_F(AccountsTest, ExchangeCodeWithPkceSendsClientIdAndVerifierWithoutAuthorization) {
  http_.Respond(200, std::string(kFullToken));
  auto token = RunSync(pkce_.ExchangeCode("AQD/code+1", kVerifier));
  ASSERT_TRUE(token) << token.error().message;

  const auto& request = http_.last();
  EXPECT_EQ(request.method, verb::post);
  EXPECT_EQ(request.url, kTokenUrl);
  EXPECT_EQ(request.body, "grant_type=authorization_code&code=AQD%2Fcode%2B1&redirect_uri=" +
                              std::string(kEncodedRedirect) +
                              "&client_id=client-id-123&code_verifier=" + std::string(kVerifier));
  EXPECT_FALSE(HasHeader(request, field::authorization));
  EXPECT_EQ(Header(request, field::content_type), "application/x-www-form-urlencoded");
}

TEST_F(AccountsTest, RefreshWithSecretPostsRefreshGrantWithBasicAuth) {
  http_.Respond(200, std::string(kFullToken));
  auto token = RunSync(confidential_.Refresh("old/refresh"));
  ASSERT_TRUE(token) << token.error().message;

  const auto& request = http_.last();
  EXPECT_EQ(request.method, verb::post);
  EXPECT_EQ(request.url, kTokenUrl);
  EXPECT_EQ(request.body, "grant_type=refresh_token&refresh_token=old%2Frefresh");
  EXPECT_EQ(Header(request, field::authorization), kBasic);
  EXPECT_EQ(Header(request, field::content_type), "application/x-www-form-urlencoded");
}

TEST_F(AccountsTest, RefreshWithPkceSendsClientIdWithoutAuthorization) {
  http_.Respond(200, std::string(kFullToken));
  auto token = RunSync(pkce_.Refresh("old-refresh"));
  ASSERT_TRUE(token) << token.error().message;

  const auto& request = http_.last();
  EXPECT_EQ(request.body,
            "grant_type=refresh_token&refresh_token=old-refresh&client_id=client-id-123");
  EXPECT_FALSE(HasHeader(request, field::authorization));
  // PKCE refresh tokens are single-use: the new one replaces the old.
  EXPECT_EQ(token->refresh_token, "new-refresh");
}

TEST_F(AccountsTest, ClientCredentialsPostsGrantWithBasicAuth) {
  http_.Respond(200, R"({"access_token":"app-token","token_type":"Bearer","expires_in":3600})");
  auto token = RunSync(confidential_.ClientCredentials());
  ASSERT_TRUE(token) << token.error().message;

  const auto& request = http_.last();
  EXPECT_EQ(request.method, verb::post);
  EXPECT_EQ(request.url, kTokenUrl);
  EXPECT_EQ(request.body, "grant_type=client_credentials");
  EXPECT_EQ(Header(request, field::authorization), kBasic);
  EXPECT_EQ(token->access_token, "app-token");
  EXPECT_EQ(token->refresh_token, "");
  EXPECT_TRUE(token->scope.Empty());
}

// --- grants refused before any I/O ---

TEST_F(AccountsTest, PkceExchangeWithoutVerifierIsRejectedWithoutCallingOut) {
  auto token = RunSync(pkce_.ExchangeCode("code"));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(AccountsTest, ClientCredentialsWithoutSecretIsRejectedWithoutCallingOut) {
  auto token = RunSync(pkce_.ClientCredentials());
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(AccountsTest, ArgumentsMayDieBeforeTheAwaitableRuns) {
  http_.Respond(200, std::string(kFullToken));
  boost::asio::awaitable<Result<Token>> pending = [&] {
    std::string code = "short-lived-code";
    return confidential_.ExchangeCode(code);
  }();
  auto token = RunSync(std::move(pending));
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_NE(http_.last().body.find("code=short-lived-code&"), std::string::npos);
}

// --- token values ---

TEST_F(AccountsTest, TokenFieldsAndExpiryComeFromTheResponseAndTheClock) {
  clock_.Advance(42s);
  const TimePoint now = clock_.Now();
  http_.Respond(200, std::string(kFullToken));
  auto token = RunSync(confidential_.ExchangeCode("code"));
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->access_token, "new-access");
  EXPECT_EQ(token->refresh_token, "new-refresh");
  EXPECT_EQ(token->token_type, "Bearer");
  EXPECT_EQ(token->scope, (Scope{"user-read-currently-playing", "user-read-email"}));
  EXPECT_EQ(token->expires_at, now + 3600s);
  EXPECT_EQ(token->ExpiresIn(now), 3600s);
}

TEST_F(AccountsTest, RefreshWithoutNewRefreshTokenKeepsTheOldOne) {
  http_.Respond(200, R"({"access_token":"a2","token_type":"Bearer","expires_in":3600,"scope":""})");
  auto token = RunSync(confidential_.Refresh("keep-me"));
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->access_token, "a2");
  EXPECT_EQ(token->refresh_token, "keep-me");
}

TEST_F(AccountsTest, ZeroExpiresInIsAnAlreadyExpiringToken) {
  http_.Respond(200, R"({"access_token":"a","token_type":"Bearer","expires_in":0})");
  auto token = RunSync(confidential_.ClientCredentials());
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->expires_at, clock_.Now());
  EXPECT_TRUE(token->IsExpiring(clock_.Now()));
}

// --- errors ---

Error ErrorOf(const Result<Token>& token) {
  EXPECT_FALSE(token);
  return token ? Error{ErrorCode::kInternal, "unexpectedly succeeded", {}} : token.error();
}

TEST_F(AccountsTest, RevokedRefreshTokenIsAnAuthenticationErrorWithUpstreamDescription) {
  http_.Respond(400, R"({"error":"invalid_grant","error_description":"Refresh token revoked"})");
  const Error error = ErrorOf(RunSync(confidential_.Refresh("secret-refresh-token")));
  EXPECT_EQ(error.code, ErrorCode::kAuthentication);
  EXPECT_NE(error.message.find("invalid_grant"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("Refresh token revoked"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find("secret-refresh-token"), std::string::npos) << error.message;
}

TEST_F(AccountsTest, InvalidCodeIsAnAuthenticationErrorThatNeverQuotesTheCode) {
  http_.Respond(400,
                R"({"error":"invalid_grant","error_description":"Invalid authorization code"})");
  const Error error = ErrorOf(RunSync(pkce_.ExchangeCode("the-code", kVerifier)));
  EXPECT_EQ(error.code, ErrorCode::kAuthentication);
  EXPECT_EQ(error.message.find("the-code"), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find(kVerifier), std::string::npos) << error.message;
}

TEST_F(AccountsTest, InvalidClientIsAnAuthenticationErrorOn400And401) {
  http_.Respond(400, R"({"error":"invalid_client","error_description":"Invalid client secret"})");
  http_.Respond(401, R"({"error":"invalid_client","error_description":"Invalid client"})");
  const Error first = ErrorOf(RunSync(confidential_.ClientCredentials()));
  const Error second = ErrorOf(RunSync(confidential_.ClientCredentials()));
  EXPECT_EQ(first.code, ErrorCode::kAuthentication);
  EXPECT_EQ(second.code, ErrorCode::kAuthentication);
  EXPECT_EQ(first.message.find("s3cret"), std::string::npos) << first.message;
  EXPECT_EQ(first.message.find(kBasic.substr(6)), std::string::npos) << first.message;
}

TEST_F(AccountsTest, OtherOAuthErrorsAreInvalidArgument) {
  http_.Respond(400, R"({"error":"unsupported_grant_type","error_description":"nope"})");
  EXPECT_EQ(ErrorOf(RunSync(confidential_.ClientCredentials())).code, ErrorCode::kInvalidArgument);
}

TEST_F(AccountsTest, A4xxWithoutAnOAuthErrorIsAProtocolError) {
  http_.Respond(400, "<html>bad request</html>");
  EXPECT_EQ(ErrorOf(RunSync(confidential_.ClientCredentials())).code, ErrorCode::kUpstreamProtocol);
}

TEST_F(AccountsTest, ServerErrorsAreUnavailable) {
  http_.Respond(503, "");
  http_.Respond(500, R"({"error":"server_error"})");
  EXPECT_EQ(ErrorOf(RunSync(confidential_.Refresh("r"))).code, ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorOf(RunSync(confidential_.Refresh("r"))).code, ErrorCode::kUnavailable);
}

TEST_F(AccountsTest, RateLimitReadsLowerCaseRetryAfter) {
  http_.Respond(429, "", {{"retry-after", "7"}});
  const Error error = ErrorOf(RunSync(confidential_.Refresh("r")));
  EXPECT_EQ(error.code, ErrorCode::kRateLimited);
  EXPECT_EQ(error.retry_after, 7s);
}

TEST_F(AccountsTest, RateLimitCapsRetryAfterAndDefaultsWhenMissing) {
  SpotifyAccounts capped(http_, clock_, Confidential(), "https://accounts.spotify.com",
                         AccountsOptions{.max_retry_after = 60s});
  http_.Respond(429, "", {{"Retry-After", "86400"}});
  http_.Respond(429, "");
  EXPECT_EQ(ErrorOf(RunSync(capped.Refresh("r"))).retry_after, 60s);
  EXPECT_EQ(ErrorOf(RunSync(capped.Refresh("r"))).retry_after, 5s);
}

TEST_F(AccountsTest, TransportErrorsPassThrough) {
  http_.Fail(ErrorCode::kTimeout, "deadline passed");
  http_.Fail(ErrorCode::kTls, "certificate verify failed");
  http_.Fail(ErrorCode::kUnavailable, "connection refused");
  EXPECT_EQ(ErrorOf(RunSync(confidential_.ExchangeCode("c"))).code, ErrorCode::kTimeout);
  EXPECT_EQ(ErrorOf(RunSync(confidential_.Refresh("r"))).code, ErrorCode::kTls);
  EXPECT_EQ(ErrorOf(RunSync(confidential_.ClientCredentials())).code, ErrorCode::kUnavailable);
}

struct BadTokenCase {
  const char* name;
  const char* body;
  const char* message_part;
};

class MalformedTokenTest : public AccountsTest,
                           public ::testing::WithParamInterface<BadTokenCase> {};

TEST_P(MalformedTokenTest, IsAnUpstreamProtocolErrorNamingTheProblem) {
  http_.Respond(200, GetParam().body);
  const Error error = ErrorOf(RunSync(confidential_.ExchangeCode("code")));
  EXPECT_EQ(error.code, ErrorCode::kUpstreamProtocol);
  EXPECT_NE(error.message.find(GetParam().message_part), std::string::npos) << error.message;
  // The body may hold a token; messages describe it, never quote it.
  EXPECT_EQ(error.message.find("leaked-token"), std::string::npos) << error.message;
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, MalformedTokenTest,
    ::testing::Values(
        BadTokenCase{"NotJson", R"({"access_token":"leaked-token", "expires_in":)",
                     "not valid JSON"},
        BadTokenCase{"NotAnObject", R"(["leaked-token"])", "not a JSON object"},
        BadTokenCase{"Empty", "", "not valid JSON"},
        BadTokenCase{"MissingAccessToken", R"({"token_type":"Bearer","expires_in":3600})",
                     "\"access_token\" is missing"},
        BadTokenCase{"AccessTokenNotAString", R"({"access_token":17,"expires_in":3600})",
                     "\"access_token\" is not a string"},
        BadTokenCase{"MissingExpiresIn", R"({"access_token":"leaked-token"})",
                     "\"expires_in\" is missing"},
        BadTokenCase{"NonNumericExpiresIn",
                     R"({"access_token":"leaked-token","expires_in":"3600"})",
                     "\"expires_in\" is not a number"},
        BadTokenCase{"FractionalExpiresIn", R"({"access_token":"leaked-token","expires_in":1.5})",
                     "\"expires_in\" is not an integer"},
        BadTokenCase{"NegativeExpiresIn", R"({"access_token":"leaked-token","expires_in":-1})",
                     "expires_in -1 is outside"},
        BadTokenCase{"AbsurdExpiresIn",
                     R"({"access_token":"leaked-token","expires_in":9223372036854775807})",
                     "is outside"},
        BadTokenCase{"ScopeNotAString",
                     R"({"access_token":"leaked-token","expires_in":3600,"scope":["a"]})",
                     "\"scope\" is not a string"}),
    [](const ::testing::TestParamInfo<BadTokenCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace spotauth::spotify
