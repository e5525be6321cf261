#include "server/cookies.h"

namespace spotauth::server {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string_view> FindCookies(const http::Request& request, std::string_view name) {
  std::vector<std::string_view> found;
  auto [begin, end] = request.equal_range(beast_http::field::cookie);
  for (auto it = begin; it != end; ++it) {
    std::string_view header(it->value().data(), it->value().size());
    while (!header.empty()) {
      const auto semi = header.find(';');
      std::string_view pair = TrimSpaces(header.substr(0, semi));
      header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (TrimSpaces(pair.substr(0, eq)) != name) continue;
      std::string_view value = TrimSpaces(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      found.push_back(value);
    }
  }
  return found;
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
