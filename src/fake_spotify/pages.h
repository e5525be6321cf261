// The stand-in Spotify's HTML: the authorize (consent) page and its error page.
// Everything inserted is HTML-escaped; the pages carry no script, so the stand-in's CSP can
// forbid script entirely.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scope.h"
#include "fake_spotify/state.h"

namespace spotauth::fake_spotify {

// What the authorize page shows and carries back in hidden fields when the form is posted.
struct AuthorizePageModel {
  std::string client_id;
  std::string redirect_uri;
  Scope scope;
  std::optional<std::string> state;
  std::string code_challenge;         // empty: no PKCE
  std::string code_challenge_method;  // "S256" with a challenge
  std::vector<FakeUser> users;        // the user picker; the first is preselected
};

// Spotify's words for a scope ("Read your currently playing content"); the name itself for a
// scope without a description.
std::string_view DescribeScope(std::string_view name);

// A form POSTing to /authorize with fields client_id, redirect_uri, response_type, scope,
// state, code_challenge, code_challenge_method, user and decision ("approve" / "deny").
std::string RenderAuthorizePage(const AuthorizePageModel& model);
// Spotify shows configuration errors (e.g. "INVALID_CLIENT: Invalid redirect URI") on its own
// page and does not redirect back.
std::string RenderErrorPage(std::string_view message);

}  // namespace spotauth::fake_spotify
