#include "http/form.h"

#include <boost/beast/core/string.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>

namespace spotauth::http {

std::optional<FormParams> ParseForm(std::string_view encoded) {
  FormParams params;
  if (encoded.empty()) return params;
  // Parsed as the query of a relative reference rather than with params_view(string_view):
  // Boost 1.81's params_view over a bare string reads the last value past the end of a view that
  // is not NUL-terminated, while a url_view's params stop at its end.
  std::string reference(1, '?');
  reference.append(encoded.data(), encoded.size());
  auto parsed = boost::urls::parse_relative_ref(reference);
  if (!parsed || parsed->has_fragment()) return std::nullopt;
  boost::urls::encoding_opts form;
  form.space_as_plus = true;
  for (const auto& param : parsed->params(form)) {
    if (!params.emplace(param.key, param.value).second) return std::nullopt;
  }
  return params;
}

std::optional<std::string_view> FindParam(const FormParams& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool HasFormContentType(const Request& request) {
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  const std::string_view type = request[beast_http::field::content_type];
  if (type.size() < kForm.size() || !boost::beast::iequals(type.substr(0, kForm.size()), kForm)) {
    return false;
  }
  const std::string_view rest = type.substr(kForm.size());
  return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

}  // namespace spotauth::http
