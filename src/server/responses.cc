#include "server/responses.h"

#include "server/pages.h"

namespace spotauth::server {

namespace {

http::Response Base(const http::RequestHead& request, unsigned status) {
  // insert, not set: the response is new, so there is nothing to replace and no look-up to pay
  // for; names Beast has no constant for are given as such (no name look-up either).
  http::Response response{static_cast<beast_http::status>(status), request.version()};
  response.insert(beast_http::field::cache_control, "no-store");
  response.insert(beast_http::field::unknown, "X-Content-Type-Options", "nosniff");
  // same-origin: same-origin form posts carry their real Origin (logout checks it), and no
  // address of ours leaks to another site.
  response.insert(beast_http::field::unknown, "Referrer-Policy", "same-origin");
  return response;
}

}  // namespace

http::Response HtmlPage(const http::RequestHead& request, unsigned status, std::string body) {
  http::Response response = Base(request, status);
  response.insert(beast_http::field::content_type, "text/html; charset=utf-8");
  response.insert(beast_http::field::unknown, "Content-Security-Policy", kContentSecurityPolicy);
  response.insert(beast_http::field::x_frame_options, "DENY");
  response.body() = std::move(body);
  return response;
}

http::Response ProblemPage(const http::RequestHead& request, Problem problem,
                           std::string_view base) {
  const ProblemInfo info = Describe(problem);
  return HtmlPage(request, info.status,
                  RenderProblem(info.status, info.title, info.message, info.offer_login, base));
}

http::Response Redirect(const http::RequestHead& request, unsigned status,
                        std::string_view location) {
  http::Response response = Base(request, status);
  response.insert(beast_http::field::location, location);
  return response;
}

http::Response PlainText(const http::RequestHead& request, unsigned status, std::string_view text) {
  http::Response response = Base(request, status);
  response.insert(beast_http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(text);
  return response;
}

}  // namespace spotauth::server
