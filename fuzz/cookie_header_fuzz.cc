// server::FindCookies splits the Cookie headers of every request the login app gets.
// Input: the cookie name, then one Cookie header value per line.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "http/message.h"
#include "server/cookies.h"

namespace {

using spotauth::beast_http::field;
using spotauth::fuzz::Check;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string name(text.substr(0, newline));
  text.remove_prefix(newline + 1);

  spotauth::http::Request request{spotauth::beast_http::verb::get, "/", 11};
  while (true) {
    const auto end = text.find('\n');
    request.insert(field::cookie, text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  std::vector<std::string_view> headers;
  for (auto [it, last] = request.equal_range(field::cookie); it != last; ++it) {
    headers.emplace_back(it->value().data(), it->value().size());
  }

  const spotauth::server::CookieValues values = spotauth::server::FindCookies(request, name);
  std::size_t header = 0;
  const char* after = headers.empty() ? nullptr : headers[0].data();
  for (const std::string_view value : values) {
    // Each value is a piece of a Cookie header (a view into it, not a copy), in header order.
    while (header < headers.size() &&
           !(value.data() >= after &&
             value.data() + value.size() <= headers[header].data() + headers[header].size())) {
      ++header;
      if (header < headers.size()) after = headers[header].data();
    }
    Check(header < headers.size(), "every value is a substring of a Cookie header, in order");
    const std::string_view line = headers[header];
    const std::size_t begin = static_cast<std::size_t>(value.data() - line.data());
    after = value.data() + value.size();
    // ... which is the value of a pair named `name`, and never spans two pairs.
    Check(value.find(';') == std::string_view::npos, "a value never spans two pairs");
    const auto pair_start = line.substr(0, begin).rfind(';');
    std::string_view prefix =
        line.substr(pair_start == std::string_view::npos ? 0 : pair_start + 1,
                    begin - (pair_start == std::string_view::npos ? 0 : pair_start + 1));
    const auto eq = prefix.find('=');
    Check(eq != std::string_view::npos && Trim(prefix.substr(0, eq)) == name,
          "every value belongs to a pair with the name asked for");
  }
  return 0;
}
