#include "server/cookies.h"

#include <algorithm>

namespace spotauth::server {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls visit(pair, name, value) for every name=value pair of one Cookie header value, in order;
// pairs without '=' are skipped.
template <class Visit>
void ForEachCookie(std::string_view header, Visit visit) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view pair = TrimSpaces(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = TrimSpaces(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    visit(pair, TrimSpaces(pair.substr(0, eq)), value);
  }
}

std::string_view Sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

CookieValues FindCookies(const http::RequestHead& request, std::string_view name) {
  CookieValues found;
  for (auto [it, end] = request.equal_range(beast_http::field::cookie); it != end; ++it) {
    const auto& field = *it;
    ForEachCookie(Sv(field.value()),
                  [&](std::string_view, std::string_view cookie, std::string_view value) {
                    if (cookie == name) found.push_back(value);
                  });
  }
  return found;
}

void RemoveCookies(http::RequestHead& request, std::span<const std::string_view> names) {
  std::string kept;
  bool removed = false;
  for (auto [it, end] = request.equal_range(beast_http::field::cookie); it != end; ++it) {
    const auto& field = *it;
    ForEachCookie(Sv(field.value()),
                  [&](std::string_view pair, std::string_view cookie, std::string_view) {
                    if (std::find(names.begin(), names.end(), cookie) != names.end()) {
                      removed = true;
                      return;
                    }
                    if (!kept.empty()) kept.append("; ");
                    kept.append(pair);
                  });
  }
  if (!removed) return;
  // One Cookie field for HTTP/1.1 (RFC 6265 §5.4), as browsers send it.
  request.erase(beast_http::field::cookie);
  if (!kept.empty()) request.set(beast_http::field::cookie, kept);
}

std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes) {
  std::string out;
  out.reserve(name.size() + value.size() + 80);
  out.append(name).append("=").append(value).append("; Path=/; HttpOnly; SameSite=Lax");
  if (attributes.max_age.count() > 0) {
    out.append("; Max-Age=").append(std::to_string(attributes.max_age.count()));
  }
  if (attributes.secure) out.append("; Secure");
  return out;
}

std::string ClearCookieValue(std::string_view name, bool secure) {
  std::string out(name);
  out.append("=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  if (secure) out.append("; Secure");
  return out;
}

}  // namespace spotauth::server
