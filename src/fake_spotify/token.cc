// POST /api/token: client authentication and the three grants.
#include <boost/json/object.hpp>
#include <utility>

#include "core/crypto.h"
#include "core/encoding.h"
#include "fake_spotify/routes.h"

namespace spotauth::fake_spotify::internal {
namespace {


struct ClientAuth {
  std::string client_id;
  bool authenticated = false;  // proved its secret
};

http::Response OAuthFailure(const OAuthError& error) {
  return AccountsError(error.status, error.error, error.description);
}

http::Response OAuthFailure(unsigned status, std::string error, std::string description) {
  return OAuthFailure(OAuthError{status, std::move(error), std::move(description)});
}

// Standard, padded base64 (RFC 4648 section 4), decoded via the base64url decoder: the two
// alphabets differ only in "+/" versus "-_" and in padding.
std::optional<std::string> DecodeStandardBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string url(text);
  std::size_t padding = 0;
  while (!url.empty() && url.back() == '=' && padding < 2) {
    url.pop_back();
    ++padding;
  }
  for (char& c : url) {
    if (c == '-' || c == '_' || c == '=') return std::nullopt;
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return Base64UrlDecode(url);
}

tl::expected<ClientAuth, OAuthError> AuthenticateClient(const FakeSpotifyState& state,
                                                        const http::Request& request,
                                                        const FormParams& form) {
  const auto body_client = FindParam(form, "client_id");
  const auto invalid_client = [](unsigned status, std::string description) {
    return tl::unexpected<OAuthError>(OAuthError{status, "invalid_client", std::move(description)});
  };
  if (request.find(beast_http::field::authorization) != request.end()) {
    const auto credentials = AuthorizationCredentials(request, "Basic");
    std::optional<std::string> decoded;
    if (credentials) decoded = DecodeStandardBase64(*credentials);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return invalid_client(401, "Invalid client");
    const std::string id = decoded->substr(0, colon);
    const std::string secret = decoded->substr(colon + 1);
    const auto client = state.FindClient(id);
    // Spotify answers an unknown client_id with 400, a malformed header with 401.
    if (!client) return invalid_client(400, "Invalid client");
    if (body_client && *body_client != id) return invalid_client(400, "Invalid client");
    if (client->secret.empty() || !ConstantTimeEqual(secret, client->secret)) {
      return invalid_client(400, "Invalid client secret");
    }
    return ClientAuth{id, true};
  }
  if (!body_client) return invalid_client(401, "Invalid client");
  if (!state.FindClient(*body_client)) return invalid_client(400, "Invalid client");
  return ClientAuth{std::string(*body_client), false};
}

http::Response TokenSuccess(const IssuedTokens& issued) {
  boost::json::object body{{"access_token", issued.access_token},
                           {"token_type", "Bearer"},
                           {"expires_in", issued.expires_in.count()}};
  if (issued.scope) body["scope"] = issued.scope->ToString();
  if (!issued.refresh_token.empty()) body["refresh_token"] = issued.refresh_token;
  return NoStore(JsonResponse(beast_http::status::ok, body));
}

http::Response Finish(const tl::expected<IssuedTokens, OAuthError>& result) {
  return result ? TokenSuccess(*result) : OAuthFailure(result.error());
}

}  // namespace

http::Response HandleToken(FakeSpotifyState& state, const http::Request& request) {
  if (request.method() != beast_http::verb::post) {
    http::Response response =
        OAuthFailure(405, "invalid_request", "The token endpoint accepts POST only");
    response.set(beast_http::field::allow, "POST");
    return response;
  }
  if (!HasFormContentType(request)) {
    return OAuthFailure(400, "invalid_request",
                        "Content-Type must be application/x-www-form-urlencoded");
  }
  const auto form = ParseForm(request.body());
  if (!form) return OAuthFailure(400, "invalid_request", "Malformed request body");
  const auto grant_type = FindParam(*form, "grant_type");
  if (!grant_type) {
    return OAuthFailure(400, "unsupported_grant_type", "grant_type parameter is missing");
  }
  if (*grant_type != "authorization_code" && *grant_type != "refresh_token" &&
      *grant_type != "client_credentials") {
    return OAuthFailure(400, "unsupported_grant_type", "grant_type parameter is invalid");
  }
  const auto client = AuthenticateClient(state, request, *form);
  if (!client) return OAuthFailure(client.error());

  if (*grant_type == "authorization_code") {
    const auto code = FindParam(*form, "code");
    const auto redirect_uri = FindParam(*form, "redirect_uri");
    if (!code) return OAuthFailure(400, "invalid_request", "code must be supplied");
    if (!redirect_uri) return OAuthFailure(400, "invalid_request", "redirect_uri must be supplied");
    std::optional<std::string> verifier;
    if (auto v = FindParam(*form, "code_verifier")) verifier = std::string(*v);
    return Finish(
        state.RedeemCode(CodeRedemption{client->client_id, client->authenticated,
                                        std::string(*code), std::string(*redirect_uri), verifier}));
  }
  if (*grant_type == "refresh_token") {
    const auto refresh_token = FindParam(*form, "refresh_token");
    if (!refresh_token) {
      return OAuthFailure(400, "invalid_request", "refresh_token must be supplied");
    }
    return Finish(state.Refresh(
        RefreshRequest{client->client_id, client->authenticated, std::string(*refresh_token)}));
  }
  if (!client->authenticated) return OAuthFailure(401, "invalid_client", "Invalid client");
  return TokenSuccess(state.IssueClientCredentials(client->client_id));
}

}  // namespace spotauth::fake_spotify::internal
