// HTML escaping for everything that reaches a page from outside (Spotify's names, settings).
#pragma once

#include <string>
#include <string_view>

namespace spotauth {

// Escapes & < > " ' so the text is safe in element content and in quoted attributes.
// Invalid UTF-8 is replaced with U+FFFD, so a page is always valid UTF-8.
std::string HtmlEscape(std::string_view text);
// The same, appended to `out` (no string of its own: pages are built by appending).
void AppendHtmlEscaped(std::string_view text, std::string& out);

}  // namespace spotauth
