// Gateway mode's rules for requests on their way to the app behind spotauth: which fields say
// who the user is, what the app must never see from the client, and where a browser may be
// sent back to after logging in. Pure functions; LoginApp applies them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "server/app_context.h"

namespace spotauth::server {

// The signed-in user as the app learns it.
struct Identity {
  std::string user_id;
  std::string display_name;                 // may be empty
  std::optional<std::string> access_token;  // only with SPOTAUTH_PASS_ACCESS_TOKEN, when fresh
};

inline constexpr std::string_view kUserIdField = "X-Spotify-User-Id";
inline constexpr std::string_view kDisplayNameField = "X-Spotify-Display-Name";
inline constexpr std::string_view kAccessTokenField = "X-Spotify-Access-Token";

// Sets X-Spotify-User-Id and X-Spotify-Display-Name, percent-encoded UTF-8 (RFC 3986
// unreserved characters stay as they are, so ordinary ids read unchanged), and
// X-Spotify-Access-Token when the identity has one.
void SetIdentityFields(beast_http::fields& fields, const Identity& identity);

// What a proxy tells the app about the original request.
struct ForwardedFacts {
  std::string_view client_address;  // the peer spotauth saw; appended to X-Forwarded-For
  std::string_view proto;           // of the public origin: http or https
  std::string_view host;            // the public host
  std::string_view request_id;      // X-Request-Id, as spotauth's answer will carry it
};

// Makes a client's request head fit to go to the app: removes every X-Spotify-* field (no
// identity spoofing) and spotauth's own cookies, sets X-Forwarded-Proto, X-Forwarded-Host and
// X-Request-Id (so the app's logs and spotauth's name the request alike), appends the client
// to X-Forwarded-For, then adds the identity fields when `identity` is set.
void PrepareForApp(http::RequestHead& head, const CookieNames& cookies,
                   const ForwardedFacts& forwarded, const Identity* identity);

// The longest return path kept: it travels in the sealed login cookie, which holds up to
// kMaxPendingLogins logins and must stay under browsers' 4 KiB per cookie.
inline constexpr std::size_t kMaxReturnPath = 512;

// Whether the browser may be sent to `path` after login: a path on this origin (one leading
// '/', not "//" or "/\", no scheme, no control characters or spaces, no backslashes) that
// parses as an origin-form target, at most kMaxReturnPath bytes. Anything else lands on "/".
bool IsLocalReturnPath(std::string_view path);

// base + "/login?rd=" + the target, percent-encoded so that it comes back unchanged.
std::string LoginUrlReturningTo(std::string_view base, std::string_view target);

// A browser navigating: GET or HEAD whose Accept includes text/html. These are sent to log in;
// other requests without a session get 401.
bool IsBrowserNavigation(const http::RequestHead& head);

// Whether `path` starts with one of `prefixes` (SPOTAUTH_PUBLIC_PATHS).
bool IsPublicPath(std::string_view path, const std::vector<std::string>& prefixes);

}  // namespace spotauth::server
