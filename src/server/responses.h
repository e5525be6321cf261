// Building responses: pages with the security headers every page carries, and redirects.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"
#include "server/problems.h"

namespace spotauth::server {

// The CSP allows our stylesheet, album art over https, and forms to ourselves; nothing else.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src https:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

// A text/html page with Cache-Control: no-store, CSP, nosniff, no-referrer and
// frame-ancestors none; the version follows the request (keep-alive is the connection's call).
http::Response HtmlPage(const http::RequestHead& request, unsigned status, std::string body);
// `base`: where spotauth's routes live ("" or "/spotauth"), for the page's links.
http::Response ProblemPage(const http::RequestHead& request, Problem problem,
                           std::string_view base);
// 303 for after a POST and for our own pages, 302 to Spotify, 308 to the public origin.
http::Response Redirect(const http::RequestHead& request, unsigned status,
                        std::string_view location);
http::Response PlainText(const http::RequestHead& request, unsigned status, std::string_view text);

}  // namespace spotauth::server
