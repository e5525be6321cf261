#include "spotify/spotify_wire.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <system_error>

namespace spotauth::spotify::wire {

namespace {

// RFC 3986's unreserved characters, the ones urllib's quote_plus keeps, so bodies and URLs
// match tekore's byte for byte.
constexpr std::array<bool, 256> kKept = [] {
  std::array<bool, 256> kept{};
  for (int c = 'A'; c <= 'Z'; ++c) kept[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) kept[c] = true;
  for (int c = '0'; c <= '9'; ++c) kept[c] = true;
  for (unsigned char c : {'-', '.', '_', '~'}) kept[c] = true;
  return kept;
}();

// By table rather than with Boost.URL's encode, which took 14 % of a /login's instructions
// (a grammar check and a size pass per call).
void AppendFormEncodedText(std::string_view text, std::string& out) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::size_t i = 0;
  while (i < text.size()) {
    // Runs of kept bytes (most of a URL or a token) go in one copy, not byte by byte.
    std::size_t run = i;
    while (run < text.size() && kKept[static_cast<unsigned char>(text[run])]) ++run;
    out.append(text.data() + i, run - i);
    if (run == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[run]);
    if (byte == ' ') {
      out.push_back('+');
    } else {
      const char escaped[3] = {'%', kHex[byte >> 4], kHex[byte & 15]};
      out.append(escaped, 3);
    }
    i = run + 1;
  }
}

}  // namespace

std::string FormEncode(std::initializer_list<FormField> fields) {
  std::string out;
  AppendFormEncoded(fields, out);
  return out;
}

void AppendFormEncoded(std::initializer_list<FormField> fields, std::string& out) {
  std::size_t plain = 0;  // the size if nothing needs escaping: one allocation, usually
  for (const auto& [name, value] : fields) plain += name.size() + value.size() + 2;
  out.reserve(out.size() + plain + plain / 8);
  bool first = true;
  for (const auto& [name, value] : fields) {
    if (!first) out += '&';
    first = false;
    AppendFormEncodedText(name, out);
    out += '=';
    AppendFormEncodedText(value, out);
  }
}

Error UpstreamJson::operator()(const json_fields::ReadError& error) const {
  const std::string_view problem = json_fields::Describe(error.problem);
  std::string message(what);
  if (error.key.empty()) {  // the body as a whole
    message.append(" ").append(problem);
    if (!error.detail.empty()) {
      message.append(": ").append(error.detail);
    }
  } else {
    message.append(": field \"").append(error.key).append("\" ").append(problem);
  }
  return Error{ErrorCode::kUpstreamProtocol, std::move(message), {}};
}

std::chrono::seconds RetryAfter(const beast_http::fields& headers, std::chrono::seconds fallback,
                                std::chrono::seconds cap) {
  const auto it = headers.find(beast_http::field::retry_after);
  std::chrono::seconds wait = fallback;
  if (it != headers.end()) {
    std::string_view text(it->value().data(), it->value().size());
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    if (first != std::string_view::npos) {
      text = text.substr(first, last - first + 1);
      std::int64_t seconds = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      // Digits too many for int64 still mean "longer than any cap", not "unparseable".
      if (ec == std::errc::result_out_of_range && end == text.data() + text.size()) {
        wait = cap;
      } else if (ec == std::errc() && end == text.data() + text.size() && seconds >= 0) {
        wait = std::chrono::seconds(seconds);
      }
    }
  }
  return std::min(wait, cap);
}

std::string Clip(std::string_view text) { return std::string(text.substr(0, kMaxUpstreamText)); }

}  // namespace spotauth::spotify::wire
