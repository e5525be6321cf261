// SpotifyAccounts: Spotify's accounts service (authorize URLs and the token endpoint), as tekore's
// Credentials class does it. See docs/spotify-protocol.md for the wire protocol.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "core/scope.h"
#include "core/token.h"
#include "http/client.h"

namespace spotauth::spotify {

struct Credentials {
  std::string client_id;
  // Empty: a public client using PKCE (no client authentication, the verifier proves the code).
  std::string client_secret;
  // Must equal a URI registered for the app, byte for byte; sent to authorize and to the token
  // endpoint.
  std::string redirect_uri;
};

struct AccountsOptions {
  // The longest Retry-After passed on from a 429; a larger value is cut to this.
  std::chrono::seconds max_retry_after{3600};
};

// Thread-safety: the URL builders are const and safe from any thread; the token calls use the
// HttpClient, which belongs to one event loop, so they must be awaited on that loop. The
// HttpClient and Clock must outlive this object and every awaitable it returned.
//
// Token calls copy their string arguments before returning, so the awaitable may outlive them.
// Their errors:
//   kInvalidArgument  a call this client cannot make (PKCE mode without a verifier, client
//                     credentials without a secret), or the token endpoint rejected the request
//                     as malformed (invalid_request, unsupported_grant_type, invalid_scope, ...)
//   kAuthentication   invalid_grant (code or refresh token expired, revoked, unknown) or
//                     invalid_client (wrong id or secret): re-authentication is needed
//   kRateLimited      429; Error::retry_after from Retry-After (5 s when absent), capped
//   kUnavailable      5xx, or the transport could not reach the service
//   kTimeout, kTls, kTooLarge  passed through from the HttpClient
//   kUpstreamProtocol a response we cannot read: not JSON, access_token missing, expires_in
//                     not a non-negative integer, an unexpected status
// Error messages carry Spotify's error and error_description, never a code, verifier, token
// or secret.
class SpotifyAccounts {
 public:
  SpotifyAccounts(http::HttpClient& http, const Clock& clock, Credentials credentials,
                  std::string accounts_url = "https://accounts.spotify.com",
                  AccountsOptions options = {});

  // {accounts}/authorize?client_id=…&redirect_uri=…&response_type=code&scope=…&state=…
  // &show_dialog=true|false. Scope names are sorted and joined by spaces; values are
  // form-encoded (space as '+', everything but [A-Za-z0-9-._~] percent-encoded).
  std::string AuthorizeUrl(const Scope& scope, std::string_view state,
                           bool show_dialog = false) const;
  // As AuthorizeUrl, ending in &code_challenge=…&code_challenge_method=S256 instead of
  // show_dialog. `code_challenge` is S256Challenge(verifier).
  std::string AuthorizePkceUrl(const Scope& scope, std::string_view state,
                               std::string_view code_challenge) const;
  // The part of those URLs that is the same for every login with this scope:
  // {accounts}/authorize?client_id=…&redirect_uri=…&response_type=code&scope=…. A server that
  // sends every browser to the same scope encodes it once and completes it per login with the
  // two functions below (encoding it per /login was a tenth of that request's instructions).
  std::string AuthorizePrefix(const Scope& scope) const;
  static std::string AuthorizeUrlFrom(std::string_view prefix, std::string_view state,
                                      bool show_dialog = false);
  static std::string AuthorizePkceUrlFrom(std::string_view prefix, std::string_view state,
                                          std::string_view code_challenge);

  // Authorization-code grant. With a secret: HTTP Basic, plus `code_verifier` when given (a
  // confidential client that also used PKCE, as RFC 9700 section 2.1.1 recommends). Without a
  // secret (public PKCE client): sends client_id and code_verifier, which must be non-empty.
  [[nodiscard]] boost::asio::awaitable<Result<Token>> ExchangeCode(
      std::string_view code, std::string_view code_verifier = {});
  // Refresh grant. When the response carries no refresh_token, the result keeps
  // `refresh_token`; under PKCE each refresh returns a new one that replaces it.
  [[nodiscard]] boost::asio::awaitable<Result<Token>> Refresh(std::string_view refresh_token);
  // Client-credentials grant (app-only token, no refresh token). Needs a secret.
  [[nodiscard]] boost::asio::awaitable<Result<Token>> ClientCredentials();

  bool IsPkce() const { return credentials_.client_secret.empty(); }

 private:
  http::ClientRequest TokenRequest(std::string body) const;
  boost::asio::awaitable<Result<Token>> SendTokenRequest(http::ClientRequest request,
                                                         std::string previous_refresh_token);

  http::HttpClient& http_;
  const Clock& clock_;
  Credentials credentials_;
  std::string accounts_url_;
  AccountsOptions options_;
  // Made once: the same for every request of these credentials.
  std::string token_url_;
  std::string basic_authorization_;  // empty for a PKCE client
};

}  // namespace spotauth::spotify
