#include "spotify/spotify_wire.h"

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <system_error>

namespace spotauth::spotify::wire {

std::string FormEncode(std::initializer_list<FormField> fields) {
  // unreserved_chars with space_as_plus is exactly the WHATWG urlencoded serializer's output
  // and urllib's quote_plus, so bodies and URLs match tekore's byte for byte.
  const boost::urls::encoding_opts form(/*space_as_plus=*/true);
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    boost::urls::encode(name, boost::urls::unreserved_chars, form,
                        boost::urls::string_token::append_to(out));
    out += '=';
    boost::urls::encode(value, boost::urls::unreserved_chars, form,
                        boost::urls::string_token::append_to(out));
  }
  return out;
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
