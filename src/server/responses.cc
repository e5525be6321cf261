#include "server/responses.h"

#include "server/pages.h"

namespace spotauth::server {

namespace {

// Every response of ours carries these. same-origin: same-origin form posts carry their real
// Origin (logout checks it), and no address of ours leaks to another site.
const http::PresetFields kBaseFields{{"Cache-Control", "no-store"},
                                     {"X-Content-Type-Options", "nosniff"},
                                     {"Referrer-Policy", "same-origin"}};
const http::PresetFields kPageFields{kBaseFields,
                                     {{"Content-Type", "text/html; charset=utf-8"},
                                      {"Content-Security-Policy", kContentSecurityPolicy},
                                      {"X-Frame-Options", "DENY"}}};

http::Response Base(const http::RequestHead& request, unsigned status,
                    const http::PresetFields& preset) {
  http::Response response{static_cast<beast_http::status>(status), request.version()};
  response.preset_fields(&preset);
  return response;
}

}  // namespace

http::Response HtmlPage(const http::RequestHead& request, unsigned status, std::string body) {
  http::Response response = Base(request, status, kPageFields);
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
  http::Response response = Base(request, status, kBaseFields);
  // insert, not set: the response is new, so there is nothing to replace and no look-up to pay.
  response.insert(beast_http::field::location, location);
  return response;
}

http::Response PlainText(const http::RequestHead& request, unsigned status, std::string_view text) {
  http::Response response = Base(request, status, kBaseFields);
  response.insert(beast_http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(text);
  return response;
}

}  // namespace spotauth::server
