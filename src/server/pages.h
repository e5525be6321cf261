// The HTML pages the browser sees. Every value from outside is escaped here.
#pragma once

#include <string>
#include <string_view>

#include "server/now_playing_view.h"

namespace spotauth::server {

// The strings are views into the session being shown, which outlives the rendering.
struct SignedInView {
  std::string_view user_id;
  std::string_view display_name;  // may be empty
  std::string_view logout_token;  // CSRF token for the logout form
  const NowPlayingView& now_playing;
};

// `base` is where spotauth's own routes live ("", or "/spotauth" in gateway mode); links to
// login, logout and the stylesheet start with it.
std::string RenderSignedIn(const SignedInView& view, std::string_view base);
// `notice` (plain text, may be empty) explains why the visitor is signed out, e.g. an ended
// session.
std::string RenderSignedOut(std::string_view notice, std::string_view base);
// A problem page: a title and a sentence for a person, with ways onward.
std::string RenderProblem(unsigned status, std::string_view title, std::string_view message,
                          bool offer_login, std::string_view base);
std::string RenderLogoutConfirm(std::string_view logout_token, std::string_view base);

// Served at base + kStylesheetPath; pages link it (the CSP allows no inline style or script).
inline constexpr std::string_view kStylesheetPath = "/static/style.css";
std::string_view Stylesheet();

}  // namespace spotauth::server
