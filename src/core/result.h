// Result<T>: the return type of anything that can fail for reasons outside our code.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace spotauth {

enum class ErrorCode {
  kInvalidArgument,   // the caller passed something malformed
  kAuthentication,    // Spotify refused the grant or client (invalid_grant, invalid_client)
  kUnauthorized,      // Web API 401: access token expired or invalid
  kForbidden,         // Web API 403
  kNotFound,          // Web API 404
  kRateLimited,       // 429; Error::retry_after says how long
  kUnavailable,       // upstream 5xx, connection reset or refused
  kTimeout,           // a deadline passed
  kTls,               // TLS handshake or certificate verification failed
  kTooLarge,          // a response or request exceeded its size cap
  kUpstreamProtocol,  // upstream answered with something we cannot parse
  kStore,             // the session store failed
  kInternal,          // a bug or an impossible state
};

std::string_view ToString(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;                  // for logs; never shown to a browser, never holds a secret
  std::chrono::seconds retry_after{0};  // set with kRateLimited
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message), {}});
}

}  // namespace spotauth
