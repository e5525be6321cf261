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

// Propagation. `SPOTAUTH_TRY(expr)` evaluates a Result and returns its error from the enclosing
// function; `SPOTAUTH_TRY_ASSIGN(decl, expr)` also binds the value (`auto x` or an
// existing variable). The CO_ spellings are the same for coroutines (co_return). One
// implementation serves all four, so every early return reads alike.
#define SPOTAUTH_RESULT_CONCAT_INNER(a, b) a##b
#define SPOTAUTH_RESULT_CONCAT(a, b) SPOTAUTH_RESULT_CONCAT_INNER(a, b)
#define SPOTAUTH_RESULT_TMP SPOTAUTH_RESULT_CONCAT(spotauth_result_, __LINE__)
// NOLINTBEGIN(bugprone-macro-parentheses): tmp names a new variable, decl is a declaration
// and ret a keyword; none of them can be parenthesised.
#define SPOTAUTH_TRY_IMPL(ret, tmp, expr) \
  auto&& tmp = (expr);                    \
  if (!tmp) ret ::tl::unexpected(std::move(tmp).error())
#define SPOTAUTH_TRY_ASSIGN_IMPL(ret, tmp, decl, expr) \
  SPOTAUTH_TRY_IMPL(ret, tmp, expr);                   \
  decl = *std::move(tmp)
// NOLINTEND(bugprone-macro-parentheses)

#define SPOTAUTH_TRY(expr) SPOTAUTH_TRY_IMPL(return, SPOTAUTH_RESULT_TMP, expr)
#define SPOTAUTH_TRY_ASSIGN(decl, expr) \
  SPOTAUTH_TRY_ASSIGN_IMPL(return, SPOTAUTH_RESULT_TMP, decl, expr)
#define SPOTAUTH_CO_TRY(expr) SPOTAUTH_TRY_IMPL(co_return, SPOTAUTH_RESULT_TMP, expr)
#define SPOTAUTH_CO_TRY_ASSIGN(decl, expr) \
  SPOTAUTH_TRY_ASSIGN_IMPL(co_return, SPOTAUTH_RESULT_TMP, decl, expr)

}  // namespace spotauth
