// Gateway mode's rules on raw request heads: what reaches the app after PrepareForApp, and the
// return-path and public-path checks. The input is a request head as a client sends it, parsed
// with Beast's request parser as the server does. Properties:
// - after PrepareForApp, the only X-Spotify-* fields are spotauth's, with spotauth's values,
//   and no spotauth cookie is left in any Cookie field (read back with FindCookies);
// - a target IsLocalReturnPath accepts starts with one '/', not "//" or "/\", holds no byte a
//   browser would drop or turn into '/', and survives LoginUrlReturningTo and the form parser
//   unchanged;
// - a path IsPublicPath accepts has no dot segment and no encoded dot, slash or backslash.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "http/form.h"
#include "server/cookies.h"
#include "server/gateway.h"

namespace {

namespace beast = boost::beast;
namespace beast_http = spotauth::beast_http;
using spotauth::fuzz::Check;
namespace server = spotauth::server;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void CheckReturnPath(std::string_view target) {
  if (!server::IsLocalReturnPath(target)) return;
  Check(target.size() <= server::kMaxReturnPath, "a return path is bounded");
  Check(target.front() == '/', "a return path starts with /");
  Check(target.size() == 1 || (target[1] != '/' && target[1] != '\\'),
        "a return path does not name another host");
  for (const char c : target) {
    const auto byte = static_cast<unsigned char>(c);
    Check(byte > 0x20 && byte < 0x7f && c != '\\', "a return path has no byte browsers rewrite");
  }
  const std::string login = server::LoginUrlReturningTo("/spotauth", target);
  auto url = boost::urls::parse_origin_form(login);
  Check(url.has_value(), "the login URL parses");
  auto form = spotauth::http::ParseForm(url->encoded_query());
  Check(form.has_value(), "the login URL's query parses");
  auto rd = spotauth::http::FindParam(*form, "rd");
  Check(rd && *rd == target, "rd comes back unchanged", target);
}

void CheckPublicPath(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (!server::IsPublicPath(path, {"/static/", "/"})) return;
  const std::string lower = Lower(path);
  for (std::string_view risky : {"/../", "/./", "%2e", "%2f", "%5c", "\\"}) {
    Check(lower.find(risky) == std::string::npos, "a public path cannot move elsewhere", path);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  beast_http::request_parser<beast_http::empty_body> parser;
  parser.eager(false);
  parser.header_limit(16 * 1024);
  beast::error_code ec;
  parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  if (ec || !parser.is_header_done()) return 0;

  spotauth::http::RequestHead head = parser.get().base();
  const std::string_view target(head.target().data(), head.target().size());
  CheckReturnPath(target);
  CheckPublicPath(target);

  const auto cookies = server::CookieNames::For(size % 2 == 0);
  const server::Identity identity{"user", "Näme",
                                  size % 3 == 0 ? std::optional<std::string>("tok") : std::nullopt};
  server::PrepareForApp(head, cookies, {"127.0.0.1", "https", "example.test", "fuzz-id"},
                        &identity);
  int ours = 0;
  for (const auto& field : head) {
    const std::string name =
        Lower(std::string_view(field.name_string().data(), field.name_string().size()));
    if (name.rfind("x-spotify-", 0) != 0) continue;
    ++ours;
    const std::string_view value(field.value().data(), field.value().size());
    if (name == "x-spotify-user-id") {
      Check(value == "user", "the user id is spotauth's");
    } else if (name == "x-spotify-display-name") {
      Check(value == "N%C3%A4me", "the display name is spotauth's");
    } else if (name == "x-spotify-access-token") {
      Check(identity.access_token && value == *identity.access_token, "the token is spotauth's");
    } else {
      spotauth::fuzz::Fail("no other X-Spotify-* field reaches the app", name);
    }
  }
  Check(ours == (identity.access_token ? 3 : 2), "each identity field once");
  Check(server::FindCookies(head, cookies.session).empty(), "no session cookie reaches the app");
  Check(server::FindCookies(head, cookies.login).empty(), "no login cookie reaches the app");
  Check(head.count("X-Forwarded-Proto") == 1 && head.count("X-Forwarded-Host") == 1,
        "one X-Forwarded-Proto and X-Forwarded-Host");
  return 0;
}
