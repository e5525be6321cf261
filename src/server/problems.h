// The one place where a failure becomes an HTTP status and a sentence for a person.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.h"

namespace spotauth::server {

enum class Problem {
  kBadRequest,      // malformed query or form (duplicate or undecodable parameters)
  kMissingState,    // /callback without state
  kUnknownState,    // state never issued, already used, or expired
  kOtherBrowser,    // state issued to another browser (login CSRF)
  kDenied,          // the person declined at Spotify
  kAuthorizeError,  // Spotify sent another error to the callback
  kMissingCode,
  kCodeRejected,        // Spotify refused the code (invalid_grant) or our client (invalid_client)
  kSpotifyUnavailable,  // Spotify 5xx, unreadable answer, connection failure
  kSpotifyTimeout,
  kSpotifyRateLimited,
  kStoreUnavailable,  // our own store failed: the one true server error
  kNotFound,
  kMethodNotAllowed,
  kLogoutForbidden,  // logout without a valid same-origin token
  kAppUnavailable,   // gateway mode: the app could not be reached or answered badly
  kAppTimeout,       // gateway mode: the app did not answer in time
};
inline constexpr std::size_t kProblemCount = static_cast<std::size_t>(Problem::kAppTimeout) + 1;

struct ProblemInfo {
  unsigned status;
  std::string_view title;
  std::string_view message;
  bool offer_login;
};

ProblemInfo Describe(Problem problem);

// A short snake_case name (e.g. "unknown_state"), for metric labels.
std::string_view ProblemName(Problem problem);

// How an upstream or store error shows during login.
Problem ProblemFor(ErrorCode code);

}  // namespace spotauth::server
