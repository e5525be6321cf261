#include "fake_spotify/pages.h"

#include <array>
#include <utility>

#include "core/html.h"

namespace spotauth::fake_spotify {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kScopeWords{{
    {"app-remote-control", "Communicate with the Spotify app on your device"},
    {"playlist-modify-private", "Manage your private playlists"},
    {"playlist-modify-public", "Manage your public playlists"},
    {"playlist-read-collaborative", "Access your collaborative playlists"},
    {"playlist-read-private", "Access your private playlists"},
    {"streaming", "Play content and control playback on your other devices"},
    {"ugc-image-upload", "Upload images to Spotify on your behalf"},
    {"user-follow-modify", "Manage who you are following"},
    {"user-follow-read", "Access your followers and who you are following"},
    {"user-library-modify", "Manage your saved content"},
    {"user-library-read", "Access your saved content"},
    {"user-modify-playback-state", "Control playback on your Spotify clients and devices"},
    {"user-read-currently-playing", "Read your currently playing content"},
    {"user-read-email", "Get your real email address"},
    {"user-read-playback-position", "Read your position in content you have played"},
    {"user-read-playback-state", "Read your currently playing content and devices"},
    {"user-read-private", "Access your subscription details"},
    {"user-read-recently-played", "Access your recently played items"},
    {"user-top-read", "Read your top artists and content"},
}};

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;background:#121212;color:#fff;max-width:32rem;margin:3rem "
    "auto;padding:0 1rem}h1{font-size:1.4rem}li{margin:.3rem 0}label{display:block;margin:.3rem "
    "0}button{font-size:1rem;padding:.5rem 1.5rem;margin:1rem .5rem 0 0;border-radius:2rem;"
    "border:0}button[value=approve]{background:#1db954}.note{color:#aaa;font-size:.85rem}";

void AppendHidden(std::string& html, std::string_view name, std::string_view value) {
  html += R"(<input type="hidden" name=")";
  html += name;
  html += "\" value=\"";
  html += HtmlEscape(value);
  html += "\">\n";
}

std::string PageStart(std::string_view title) {
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  html += HtmlEscape(title);
  html += "</title>\n<style>";
  html += kStyle;
  html += "</style></head><body>\n";
  return html;
}

}  // namespace

std::string_view DescribeScope(std::string_view name) {
  for (const auto& [scope, words] : kScopeWords) {
    if (scope == name) return words;
  }
  return name;
}

std::string RenderAuthorizePage(const AuthorizePageModel& model) {
  std::string html = PageStart("Log in - Spotify (stand-in)");
  html += "<h1>Allow <strong>" + HtmlEscape(model.client_id) +
          "</strong> to connect to your account?</h1>\n";
  html += "<p class=\"note\">This is spotauth's stand-in Spotify; no real account is used.</p>\n";
  if (model.scope.Empty()) {
    html += "<p>The app asks only for your public profile.</p>\n";
  } else {
    html += "<p>The app asks to:</p>\n<ul>\n";
    for (const std::string& name : model.scope.Names()) {
      html += "<li>" + HtmlEscape(DescribeScope(name)) + " <span class=\"note\">(" +
              HtmlEscape(name) + ")</span></li>\n";
    }
    html += "</ul>\n";
  }
  html += "<form method=\"post\" action=\"/authorize\">\n";
  AppendHidden(html, "client_id", model.client_id);
  AppendHidden(html, "redirect_uri", model.redirect_uri);
  AppendHidden(html, "response_type", "code");
  AppendHidden(html, "scope", model.scope.ToString());
  if (model.state) AppendHidden(html, "state", *model.state);
  if (!model.code_challenge.empty()) {
    AppendHidden(html, "code_challenge", model.code_challenge);
    AppendHidden(html, "code_challenge_method", model.code_challenge_method);
  }
  html += "<fieldset><legend>Log in as</legend>\n";
  bool first = true;
  for (const FakeUser& user : model.users) {
    html += R"(<label><input type="radio" name="user" value=")" + HtmlEscape(user.id) + "\"";
    if (first) html += " checked";
    first = false;
    html += "> " + HtmlEscape(user.display_name.value_or(user.id)) + " <span class=\"note\">(" +
            HtmlEscape(user.id) + ")</span></label>\n";
  }
  html += "</fieldset>\n";
  html += R"(<button type="submit" name="decision" value="approve">Agree</button>)";
  html += "<button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button>\n";
  html += "</form>\n</body></html>\n";
  return html;
}

std::string RenderErrorPage(std::string_view message) {
  std::string html = PageStart("Error - Spotify (stand-in)");
  html += "<h1>Oops! Something went wrong</h1>\n<p class=\"error\">" + HtmlEscape(message) +
          "</p>\n</body></html>\n";
  return html;
}

}  // namespace spotauth::fake_spotify
