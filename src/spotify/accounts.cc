#include "spotify/accounts.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <utility>

#include "core/encoding.h"
#include "core/json_fields.h"
#include "spotify/spotify_wire.h"

namespace spotauth::spotify {
namespace {

constexpr wire::UpstreamJson kTokenResponse{"token response"};
// Anything longer is not a token lifetime but a broken response, and adding it to a time_point
// could overflow.
constexpr std::int64_t kMaxExpiresIn = 366LL * 24 * 3600;

Result<Token> ParseToken(std::string_view body, TimePoint now, std::string previous_refresh) {
  json_fields::ScratchJson scratch;
  SPOTAUTH_TRY_ASSIGN(const boost::json::object object,
                      json_fields::ParseObject(body, kTokenResponse, &scratch.memory));
  SPOTAUTH_TRY_ASSIGN(std::string access_token,
                      json_fields::RequiredString(object, "access_token", kTokenResponse));
  if (access_token.empty()) {
    return MakeError(ErrorCode::kUpstreamProtocol, "token response: access_token is empty");
  }
  SPOTAUTH_TRY_ASSIGN(const std::int64_t expires_in,
                      json_fields::RequiredInt(object, "expires_in", kTokenResponse));
  if (expires_in < 0 || expires_in > kMaxExpiresIn) {
    return MakeError(ErrorCode::kUpstreamProtocol,
                     "token response: expires_in " + std::to_string(expires_in) +
                         " is outside 0.." + std::to_string(kMaxExpiresIn));
  }
  SPOTAUTH_TRY_ASSIGN(std::optional<std::string> token_type,
                      json_fields::OptionalString(object, "token_type", kTokenResponse));
  // Client-credentials responses carry no scope; absent means none was granted.
  SPOTAUTH_TRY_ASSIGN(const std::optional<std::string> scope,
                      json_fields::OptionalString(object, "scope", kTokenResponse));
  SPOTAUTH_TRY_ASSIGN(std::optional<std::string> refresh_token,
                      json_fields::OptionalString(object, "refresh_token", kTokenResponse));

  Token token;
  token.access_token = std::move(access_token);
  token.refresh_token = refresh_token.has_value() && !refresh_token->empty()
                            ? std::move(*refresh_token)
                            : std::move(previous_refresh);
  if (token_type.has_value()) {
    token.token_type = std::move(*token_type);
  }
  if (scope.has_value()) {
    token.scope = Scope::Parse(*scope);
  }
  token.expires_at = now + std::chrono::seconds(expires_in);
  return token;
}

// RFC 6749 section 5.2 errors, mapped to what the caller should do about them.
Error TokenEndpointError(const http::ClientResponse& response,
                         std::chrono::seconds max_retry_after) {
  const std::string status = std::to_string(response.status);
  if (response.status == 429) {
    return Error{ErrorCode::kRateLimited, "token endpoint: 429 rate limited",
                 wire::RetryAfter(response.headers, wire::kDefaultRetryAfter, max_retry_after)};
  }
  std::string error;
  std::string description;
  if (auto object = json_fields::ParseObject(response.body, kTokenResponse)) {
    // Lenient on purpose: this only enriches the message and picks the code.
    if (auto text = json_fields::OptionalString(*object, "error", kTokenResponse); text && *text) {
      error = wire::Clip(**text);
    }
    if (auto text = json_fields::OptionalString(*object, "error_description", kTokenResponse);
        text && *text) {
      description = wire::Clip(**text);
    }
  }
  std::string message = "token endpoint: " + status;
  if (!error.empty()) {
    message += " " + error;
  }
  if (!description.empty()) {
    message += ": " + description;
  }
  if (response.status >= 500 && response.status <= 599) {
    return Error{ErrorCode::kUnavailable, std::move(message), {}};
  }
  if (response.status >= 400 && response.status <= 499) {
    // A 401 from the token endpoint is always about client authentication.
    if (error == "invalid_grant" || error == "invalid_client" || response.status == 401) {
      return Error{ErrorCode::kAuthentication, std::move(message), {}};
    }
    if (!error.empty()) {
      return Error{ErrorCode::kInvalidArgument, std::move(message), {}};
    }
    return Error{ErrorCode::kUpstreamProtocol, message + " without an OAuth error", {}};
  }
  return Error{ErrorCode::kUpstreamProtocol, "token endpoint: unexpected status " + status, {}};
}

}  // namespace

SpotifyAccounts::SpotifyAccounts(http::HttpClient& http, const Clock& clock,
                                 Credentials credentials, std::string accounts_url,
                                 AccountsOptions options)
    : http_(http),
      clock_(clock),
      credentials_(std::move(credentials)),
      accounts_url_(std::move(accounts_url)),
      options_(options) {
  while (!accounts_url_.empty() && accounts_url_.back() == '/') {
    accounts_url_.pop_back();
  }
  token_url_ = accounts_url_ + "/api/token";
  if (!IsPkce()) {
    // As tekore and Spotify's guide: id and secret are joined as they are, not form-encoded
    // first (RFC 6749 section 2.3.1 would encode them; Spotify ids and secrets are hex).
    basic_authorization_ =
        "Basic " + Base64Encode(credentials_.client_id + ":" + credentials_.client_secret);
  }
}

std::string SpotifyAccounts::AuthorizePrefix(const Scope& scope) const {
  return accounts_url_ + "/authorize?" +
         wire::FormEncode({{"client_id", credentials_.client_id},
                           {"redirect_uri", credentials_.redirect_uri},
                           {"response_type", "code"},
                           {"scope", scope.ToString()}});
}

std::string SpotifyAccounts::AuthorizeUrlFrom(std::string_view prefix, std::string_view state,
                                              bool show_dialog) {
  return std::string(prefix) + "&" +
         wire::FormEncode({{"state", state}, {"show_dialog", show_dialog ? "true" : "false"}});
}

std::string SpotifyAccounts::AuthorizePkceUrlFrom(std::string_view prefix, std::string_view state,
                                                  std::string_view code_challenge) {
  std::string url;
  // The query's names and "S256" take 50 bytes; state and challenge are base64url, kept as is.
  url.reserve(prefix.size() + state.size() + code_challenge.size() + 64);
  url.append(prefix).push_back('&');
  wire::AppendFormEncoded(
      {{"state", state}, {"code_challenge", code_challenge}, {"code_challenge_method", "S256"}},
      url);
  return url;
}

std::string SpotifyAccounts::AuthorizeUrl(const Scope& scope, std::string_view state,
                                          bool show_dialog) const {
  return AuthorizeUrlFrom(AuthorizePrefix(scope), state, show_dialog);
}

std::string SpotifyAccounts::AuthorizePkceUrl(const Scope& scope, std::string_view state,
                                              std::string_view code_challenge) const {
  return AuthorizePkceUrlFrom(AuthorizePrefix(scope), state, code_challenge);
}

http::ClientRequest SpotifyAccounts::TokenRequest(std::string body) const {
  http::ClientRequest request;
  request.method = beast_http::verb::post;
  request.url = token_url_;
  request.headers.insert(beast_http::field::content_type, "application/x-www-form-urlencoded");
  request.headers.insert(beast_http::field::accept, "application/json");
  if (!basic_authorization_.empty()) {
    request.headers.insert(beast_http::field::authorization, basic_authorization_);
  }
  request.body = std::move(body);
  return request;
}

boost::asio::awaitable<Result<Token>> SpotifyAccounts::ExchangeCode(
    std::string_view code, std::string_view code_verifier) {
  if (code.empty()) {
    return wire::Ready<Result<Token>>(
        MakeError(ErrorCode::kInvalidArgument, "ExchangeCode: the code is empty"));
  }
  if (!IsPkce() && code_verifier.empty()) {
    return SendTokenRequest(
        TokenRequest(wire::FormEncode({{"grant_type", "authorization_code"},
                                       {"code", code},
                                       {"redirect_uri", credentials_.redirect_uri}})),
        {});
  }
  if (!IsPkce()) {  // a confidential client that also used PKCE (RFC 9700 section 2.1.1)
    return SendTokenRequest(
        TokenRequest(wire::FormEncode({{"grant_type", "authorization_code"},
                                       {"code", code},
                                       {"redirect_uri", credentials_.redirect_uri},
                                       {"code_verifier", code_verifier}})),
        {});
  }
  if (code_verifier.empty()) {
    return wire::Ready<Result<Token>>(MakeError(
        ErrorCode::kInvalidArgument, "ExchangeCode: a PKCE client needs the code verifier"));
  }
  return SendTokenRequest(
      TokenRequest(wire::FormEncode({{"grant_type", "authorization_code"},
                                     {"code", code},
                                     {"redirect_uri", credentials_.redirect_uri},
                                     {"client_id", credentials_.client_id},
                                     {"code_verifier", code_verifier}})),
      {});
}

boost::asio::awaitable<Result<Token>> SpotifyAccounts::Refresh(std::string_view refresh_token) {
  if (refresh_token.empty()) {
    return wire::Ready<Result<Token>>(
        MakeError(ErrorCode::kInvalidArgument, "Refresh: the refresh token is empty"));
  }
  std::string body =
      IsPkce()
          ? wire::FormEncode({{"grant_type", "refresh_token"},
                              {"refresh_token", refresh_token},
                              {"client_id", credentials_.client_id}})
          : wire::FormEncode({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
  return SendTokenRequest(TokenRequest(std::move(body)), std::string(refresh_token));
}

boost::asio::awaitable<Result<Token>> SpotifyAccounts::ClientCredentials() {
  if (IsPkce()) {
    return wire::Ready<Result<Token>>(
        MakeError(ErrorCode::kInvalidArgument,
                  "ClientCredentials: the client credentials grant needs a secret"));
  }
  return SendTokenRequest(TokenRequest(wire::FormEncode({{"grant_type", "client_credentials"}})),
                          {});
}

boost::asio::awaitable<Result<Token>> SpotifyAccounts::SendTokenRequest(
    http::ClientRequest request, std::string previous_refresh_token) {
  SPOTAUTH_CO_TRY_ASSIGN(const http::ClientResponse response,
                         co_await http_.Send(std::move(request)));
  if (response.status != 200) {
    co_return tl::unexpected(TokenEndpointError(response, options_.max_retry_after));
  }
  co_return ParseToken(response.body, clock_.Now(), std::move(previous_refresh_token));
}

}  // namespace spotauth::spotify
