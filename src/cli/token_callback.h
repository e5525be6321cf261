// The one redirect back from Spotify that `spotauth token` waits for: checks it belongs to this
// sign-in, exchanges the code, tells the terminal, and shows the browser a short plain page.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "core/token.h"
#include "http/client.h"
#include "http/request_handler.h"
#include "spotify/accounts.h"

namespace spotauth::cli {

struct CallbackExpectation {
  std::string path;           // the redirect URI's path
  std::string state;          // sent in the authorize URL
  std::string code_verifier;  // PKCE (S256), sent with the code
};

// Called once, on the handler's loop, with the token or why there is none:
//   kForbidden       Spotify redirected with an error (the user declined: access_denied)
//   kUpstreamProtocol  the redirect carried neither a code nor an error
//   others           SpotifyAccounts::ExchangeCode's (kAuthentication: invalid_grant or
//                    invalid_client)
using CallbackDone = std::function<void(Result<Token>)>;

// GET {path}?code=…&state=… with the expected state (compared in constant time) ends the wait:
// the code is exchanged (with the verifier) and `done` is called, once. Requests that cannot be
// this sign-in's redirect do not end it, since any local process can reach a loopback port: a
// wrong or missing state is refused with 400 (and a warning on the log, without the values);
// other paths get 404, methods but GET 405, and anything after the first redirect 410.
// Pages are text/plain and never show a code, token or upstream detail.
//
// Owns its HttpClient (which belongs to the handler's event loop). `clock` must outlive it.
class TokenCallbackHandler final : public http::RequestHandler {
 public:
  TokenCallbackHandler(std::unique_ptr<http::HttpClient> http, const Clock& clock,
                       spotify::Credentials credentials, std::string accounts_url,
                       CallbackExpectation expect, CallbackDone done);

  boost::asio::awaitable<http::Response> Handle(http::Request request) override;

 private:
  std::unique_ptr<http::HttpClient> http_;
  spotify::SpotifyAccounts accounts_;
  CallbackExpectation expect_;
  CallbackDone done_;
  bool answered_ = false;  // the redirect arrived; every later request gets 410
};

}  // namespace spotauth::cli
