#include "server/problems.h"

namespace spotauth::server {

ProblemInfo Describe(Problem problem) {
  switch (problem) {
    case Problem::kBadRequest:
      return {400, "Bad request", "The request was malformed.", false};
    case Problem::kMissingState:
      return {400, "Login failed", "The answer from Spotify is missing its state parameter.", true};
    case Problem::kUnknownState:
      return {400, "Login expired",
              "This login link was already used or has expired. Please log in again.", true};
    case Problem::kOtherBrowser:
      return {400, "Login failed",
              "This login was started in another browser or the login cookie was lost. "
              "Please log in again from this browser.",
              true};
    case Problem::kDenied:
      return {403, "Login cancelled",
              "You declined the request at Spotify, so you are not signed in.", true};
    case Problem::kAuthorizeError:
      return {400, "Login failed", "Spotify reported a problem with the login request.", true};
    case Problem::kMissingCode:
      return {400, "Login failed", "The answer from Spotify is missing its code parameter.", true};
    case Problem::kCodeRejected:
      return {400, "Login failed",
              "Spotify did not accept this login (it may have expired). Please log in again.",
              true};
    case Problem::kSpotifyUnavailable:
      return {502, "Spotify is unavailable",
              "Spotify did not answer properly. Please try again in a moment.", true};
    case Problem::kSpotifyTimeout:
      return {504, "Spotify is slow", "Spotify did not answer in time. Please try again.", true};
    case Problem::kSpotifyRateLimited:
      return {503, "Too many requests",
              "Spotify asked us to slow down. Please try again in a minute.", true};
    case Problem::kStoreUnavailable:
      return {503, "Temporarily unavailable",
              "The server cannot reach its session store. Please try again shortly.", false};
    case Problem::kNotFound:
      return {404, "Not found", "There is no page here.", false};
    case Problem::kMethodNotAllowed:
      return {405, "Method not allowed", "This page does not accept that method.", false};
    case Problem::kAppUnavailable:
      return {502, "The application is unavailable",
              "The application behind this sign-in did not answer properly. Please try again in a "
              "moment.",
              false};
    case Problem::kAppTimeout:
      return {504, "The application is too slow",
              "The application behind this sign-in did not answer in time. Please try again in a "
              "moment.",
              false};
    case Problem::kLogoutForbidden:
      return {403, "Logout refused", "Logging out needs the button on this site's own page.",
              false};
  }
  return {400, "Bad request", "The request was malformed.", false};
}

std::string_view ProblemName(Problem problem) {
  switch (problem) {
    case Problem::kBadRequest:
      return "bad_request";
    case Problem::kMissingState:
      return "missing_state";
    case Problem::kUnknownState:
      return "unknown_state";
    case Problem::kOtherBrowser:
      return "other_browser";
    case Problem::kDenied:
      return "denied";
    case Problem::kAuthorizeError:
      return "authorize_error";
    case Problem::kMissingCode:
      return "missing_code";
    case Problem::kCodeRejected:
      return "code_rejected";
    case Problem::kSpotifyUnavailable:
      return "spotify_unavailable";
    case Problem::kSpotifyTimeout:
      return "spotify_timeout";
    case Problem::kSpotifyRateLimited:
      return "spotify_rate_limited";
    case Problem::kStoreUnavailable:
      return "store_unavailable";
    case Problem::kNotFound:
      return "not_found";
    case Problem::kMethodNotAllowed:
      return "method_not_allowed";
    case Problem::kLogoutForbidden:
      return "logout_forbidden";
    case Problem::kAppUnavailable:
      return "app_unavailable";
    case Problem::kAppTimeout:
      return "app_timeout";
  }
  return "unknown";
}

Problem ProblemFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kAuthentication:
    case ErrorCode::kUnauthorized:
    case ErrorCode::kForbidden:
    case ErrorCode::kInvalidArgument:
      return Problem::kCodeRejected;
    case ErrorCode::kTimeout:
      return Problem::kSpotifyTimeout;
    case ErrorCode::kRateLimited:
      return Problem::kSpotifyRateLimited;
    case ErrorCode::kStore:
    case ErrorCode::kInternal:
      return Problem::kStoreUnavailable;
    case ErrorCode::kNotFound:
    case ErrorCode::kUnavailable:
    case ErrorCode::kTls:
    case ErrorCode::kTooLarge:
    case ErrorCode::kUpstreamProtocol:
      return Problem::kSpotifyUnavailable;
  }
  return Problem::kSpotifyUnavailable;
}

}  // namespace spotauth::server
