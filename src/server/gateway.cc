#include "server/gateway.h"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "server/cookies.h"

namespace spotauth::server {
namespace {

namespace urls = boost::urls;

std::string_view Sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

std::string Encoded(std::string_view text) { return urls::encode(text, urls::unreserved_chars); }

}  // namespace

void SetIdentityFields(beast_http::fields& fields, const Identity& identity) {
  fields.set(kUserIdField, Encoded(identity.user_id));
  fields.set(kDisplayNameField, Encoded(identity.display_name));
  if (identity.access_token) fields.set(kAccessTokenField, *identity.access_token);
}

void PrepareForApp(http::RequestHead& head, const CookieNames& cookies,
                   const ForwardedFacts& forwarded, const Identity* identity) {
  // Any case, any number of them: the app trusts these names, so only spotauth may set them.
  std::vector<std::string> spoofed;
  for (const auto& field : head) {
    const std::string_view name = Sv(field.name_string());
    if (name.size() >= 10 && boost::beast::iequals(name.substr(0, 10), "X-Spotify-")) {
      spoofed.emplace_back(name);
    }
  }
  for (const auto& name : spoofed) head.erase(name);

  const std::array<std::string_view, 2> ours = {cookies.session, cookies.login};
  RemoveCookies(head, ours);

  std::string chain;
  for (auto [it, end] = head.equal_range("X-Forwarded-For"); it != end; ++it) {
    const auto& field = *it;
    if (!chain.empty()) chain.append(", ");
    chain.append(Sv(field.value()));
  }
  if (!chain.empty()) chain.append(", ");
  chain.append(forwarded.client_address);
  head.set("X-Forwarded-For", chain);
  head.set("X-Forwarded-Proto", forwarded.proto);
  head.set("X-Forwarded-Host", forwarded.host);
  if (!forwarded.request_id.empty()) head.set("X-Request-Id", forwarded.request_id);
  if (identity != nullptr) SetIdentityFields(head, *identity);
}

bool IsLocalReturnPath(std::string_view path) {
  if (path.empty() || path.size() > kMaxReturnPath || path.front() != '/') return false;
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  // Browsers drop tabs and line breaks inside URLs and read '\' as '/': "/\t/evil.example"
  // would become "//evil.example", another site.
  const bool odd = std::any_of(path.begin(), path.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte >= 0x7f || c == '\\';
  });
  return !odd && urls::parse_origin_form(path).has_value();
}

std::string LoginUrlReturningTo(std::string_view base, std::string_view target) {
  return std::string(base) + "/login?rd=" + Encoded(target);
}

bool IsBrowserNavigation(const http::RequestHead& head) {
  if (head.method() != beast_http::verb::get && head.method() != beast_http::verb::head) {
    return false;
  }
  std::string accept(Sv(head[beast_http::field::accept]));
  std::transform(accept.begin(), accept.end(), accept.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return accept.find("text/html") != std::string::npos;
}

bool IsPublicPath(std::string_view path, const std::vector<std::string>& prefixes) {
  const bool listed = std::any_of(prefixes.begin(), prefixes.end(),
                                  [path](const std::string& p) { return path.rfind(p, 0) == 0; });
  if (!listed) return false;
  // "/static/../admin" starts with "/static/" but the app reads it as "/admin": a path that
  // dot segments or encoded dots and slashes could move elsewhere is never public.
  std::string lower(path);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view risky : {"%2e", "%2f", "%5c", "\\", "/./", "/../"}) {
    if (lower.find(risky) != std::string::npos) return false;
  }
  return !lower.ends_with("/.") && !lower.ends_with("/..");
}

}  // namespace spotauth::server
