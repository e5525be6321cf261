// Reading our cookies from a request and writing Set-Cookie values.
#pragma once

#include <boost/container/small_vector.hpp>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace spotauth::server {

// Values of one cookie; room for two without an allocation (a browser sends one, or two when
// the same name was set for two paths).
using CookieValues = boost::container::small_vector<std::string_view, 2>;

// Every value of cookie `name` in the request's Cookie headers, in order (a browser may send
// the same name twice, e.g. for two paths). Malformed pairs are skipped, never an error.
CookieValues FindCookies(const http::RequestHead& request, std::string_view name);
// Removes the cookies named `names` from the request's Cookie headers, keeping the others as
// they were (joined into one field if anything was removed).
void RemoveCookies(http::RequestHead& request, std::span<const std::string_view> names);

struct CookieAttributes {
  bool secure = false;              // https only; required by the __Host- prefix
  std::chrono::seconds max_age{0};  // 0: a browser-session cookie
};

// HttpOnly; SameSite=Lax; Path=/ always: scripts never read our cookies, cross-site POSTs
// never carry them, and the __Host- prefix's rules hold.
std::string SetCookieValue(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes);
// Expires the cookie at once.
std::string ClearCookieValue(std::string_view name, bool secure);

}  // namespace spotauth::server
