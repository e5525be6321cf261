#include "server/pages.h"

#include <fmt/format.h>

#include "core/html.h"

namespace spotauth::server {
namespace {

// A page is built by appending to one string: formatting pieces into strings of their own and
// then into the layout cost more than the page view's session work (issue #13).
// `base`: where spotauth's routes live ("" or "/spotauth" in gateway mode).
void AppendPageStart(std::string_view title, std::string_view base, std::string& out) {
  out.append(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
  AppendHtmlEscaped(title, out);
  out.append(" · spotauth</title><link rel=\"stylesheet\" href=\"")
      .append(base)
      .append(kStylesheetPath)
      .append("\"></head><body><main>");
}

void AppendPageEnd(std::string& out) { out.append("</main></body></html>\n"); }

std::string Layout(std::string_view title, std::string_view body, std::string_view base) {
  std::string out;
  AppendPageStart(title, base, out);
  out.append(body);
  AppendPageEnd(out);
  return out;
}

void AppendNowPlaying(const NowPlayingView& np, std::string& out) {
  using Kind = NowPlayingView::Kind;
  std::string text;
  switch (np.kind) {
    case Kind::kTrack:
    case Kind::kEpisode:
      out.append("<section class=\"playing\" id=\"now-playing\">");
      if (np.image_url) {
        out.append("<img src=\"");
        AppendHtmlEscaped(*np.image_url, out);
        out.append("\" alt=\"\" width=\"96\" height=\"96\">");
      }
      out.append("<div><p class=\"label\">")
          .append(np.is_playing ? "Now playing" : "Paused")
          .append("</p><p class=\"title\" id=\"track\">");
      AppendHtmlEscaped(np.title, out);
      out.append("</p><p class=\"subtitle\" id=\"artists\">");
      AppendHtmlEscaped(np.subtitle, out);
      out.append("</p></div></section>");
      return;
    case Kind::kAd:
      text = "An advertisement is playing.";
      break;
    case Kind::kUnknown:
      text = "Something is playing that Spotify does not describe.";
      break;
    case Kind::kNothing:
      text = "Nothing is playing right now.";
      break;
    case Kind::kRateLimited:
      text = fmt::format(
          "Spotify asked us to slow down; what is playing will show again in about {} s.",
          np.retry_in.count());
      break;
    case Kind::kUnavailable:
      text = "Spotify did not answer in time; try reloading.";
      break;
    case Kind::kNotAllowed:
      text = "Spotify did not let us read what is playing.";
      break;
  }
  out.append("<section class=\"playing note\" id=\"now-playing\"><p>");
  AppendHtmlEscaped(text, out);
  out.append("</p></section>");
}

}  // namespace

std::string RenderSignedIn(const SignedInView& view, std::string_view base) {
  const std::string_view name = view.display_name.empty() ? view.user_id : view.display_name;
  std::string out;
  out.reserve(1024);
  AppendPageStart("Signed in", base, out);
  out.append("<h1>Hello, <span id=\"display-name\">");
  AppendHtmlEscaped(name, out);
  out.append("</span></h1><p>Spotify user id: <code id=\"user-id\">");
  AppendHtmlEscaped(view.user_id, out);
  out.append("</code></p>");
  AppendNowPlaying(view.now_playing, out);
  out.append("<form method=\"post\" action=\"")
      .append(base)
      .append("/logout\"><input type=\"hidden\" name=\"token\" value=\"");
  AppendHtmlEscaped(view.logout_token, out);
  out.append("\"><button type=\"submit\" id=\"logout\">Log out</button></form>");
  AppendPageEnd(out);
  return out;
}

std::string RenderSignedOut(std::string_view notice, std::string_view base) {
  std::string note;
  if (!notice.empty()) note = fmt::format("<p class=\"notice\">{}</p>", HtmlEscape(notice));
  return Layout("Welcome",
                fmt::format("<h1>spotauth</h1>{}<p>You are not signed in.</p>"
                            "<p><a class=\"button\" id=\"login\" href=\"{}/login\">Log in with "
                            "Spotify</a></p>",
                            note, base),
                base);
}

std::string RenderProblem(unsigned status, std::string_view title, std::string_view message,
                          bool offer_login, std::string_view base) {
  const std::string login =
      offer_login ? fmt::format(" · <a href=\"{}/login\">Log in again</a>", base) : "";
  return Layout(title,
                fmt::format("<h1>{}</h1><p>{}</p><p class=\"status\">HTTP {}</p><p>"
                            "<a href=\"/\">Home</a>{}</p>",
                            HtmlEscape(title), HtmlEscape(message), status, login),
                base);
}

std::string RenderLogoutConfirm(std::string_view logout_token, std::string_view base) {
  return Layout("Log out",
                fmt::format("<h1>Log out?</h1><form method=\"post\" action=\"{}/logout\">"
                            "<input type=\"hidden\" name=\"token\" value=\"{}\">"
                            "<button type=\"submit\" id=\"logout\">Log out</button></form>"
                            "<p><a href=\"/\">Back</a></p>",
                            base, HtmlEscape(logout_token)),
                base);
}

std::string_view Stylesheet() {
  return R"css(body{font-family:system-ui,sans-serif;background:#121212;color:#eee;margin:0}
main{max-width:40rem;margin:4rem auto;padding:0 1rem}
h1{font-size:1.6rem}
a{color:#1ed760}
.button,button{display:inline-block;background:#1ed760;color:#000;border:0;border-radius:2rem;
padding:.7rem 1.6rem;font-weight:600;text-decoration:none;cursor:pointer;font-size:1rem}
.playing{display:flex;gap:1rem;align-items:center;background:#1e1e1e;border-radius:.5rem;
padding:1rem;margin:1.5rem 0}
.playing p{margin:.2rem 0}.label{color:#aaa;font-size:.8rem;text-transform:uppercase}
.title{font-size:1.2rem;font-weight:600}.subtitle{color:#bbb}
.notice{background:#3a2a00;padding:.6rem 1rem;border-radius:.4rem}
.status{color:#888;font-size:.8rem}code{background:#222;padding:.1rem .3rem}
)css";
}

}  // namespace spotauth::server
