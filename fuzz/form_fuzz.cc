// http::ParseForm reads every query string and form body the login app and the stand-in get.
#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "http/form.h"

namespace {

namespace urls = boost::urls;
using spotauth::fuzz::Check;
using spotauth::http::FormParams;
using spotauth::http::ParseForm;

// Every byte outside the unreserved set percent-encoded: a form that decodes to `params`.
std::string Encode(const FormParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += urls::encode(name, urls::unreserved_chars);
    out += '=';
    out += urls::encode(value, urls::unreserved_chars);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto params = ParseForm(text);
  if (!params) return 0;
  // A fragment is never part of a form.
  Check(text.find('#') == std::string_view::npos, "a form with '#' is refused");
  // No pair is dropped or merged: one name per '&'-separated pair, so none was repeated.
  if (!text.empty()) {
    const auto pairs = static_cast<std::size_t>(std::count(text.begin(), text.end(), '&')) + 1;
    Check(params->size() == pairs, "a successful parse has one distinct name per pair");
  }
  // Encoding the decoded pairs and parsing again gives the same pairs.
  const std::string encoded = Encode(*params);
  const auto again = ParseForm(encoded);
  Check(again.has_value(), "an encoded form parses", encoded);
  Check(*again == *params, "parse, encode and parse again gives the same pairs", encoded);
  return 0;
}
