// HTTP helpers shared by the stand-in Spotify's routes.
#include <boost/json/serialize.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>

#include "spotify/fake_spotify_routes.h"

namespace spotauth::spotify::fake_internal {
namespace {

namespace beast_http = boost::beast::http;

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<Params> ParseForm(std::string_view encoded) {
  Params params;
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

std::optional<std::string_view> Find(const Params& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool HasFormContentType(const http::Request& request) {
  const auto type = request[beast_http::field::content_type];
  if (!StartsWithNoCase(type, "application/x-www-form-urlencoded")) return false;
  const auto rest = type.substr(std::string_view("application/x-www-form-urlencoded").size());
  return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

std::optional<std::string_view> AuthorizationCredentials(const http::Request& request,
                                                         std::string_view scheme) {
  std::string_view value = request[beast_http::field::authorization];
  if (value.size() <= scheme.size() || !StartsWithNoCase(value, scheme) ||
      value[scheme.size()] != ' ') {
    return std::nullopt;
  }
  value.remove_prefix(scheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  return value;
}

http::Response MakeResponse(beast_http::status status, std::string_view content_type,
                            std::string body) {
  http::Response response{status, 11};
  if (!content_type.empty()) response.set(beast_http::field::content_type, content_type);
  response.body() = std::move(body);
  return response;
}

http::Response JsonResponse(beast_http::status status, const boost::json::value& body) {
  return MakeResponse(status, "application/json; charset=utf-8", boost::json::serialize(body));
}

http::Response ApiError(unsigned status, std::string_view message) {
  boost::json::object error{{"status", status}, {"message", message}};
  return JsonResponse(static_cast<beast_http::status>(status),
                      boost::json::object{{"error", std::move(error)}});
}

}  // namespace spotauth::spotify::fake_internal
