// HTTP helpers shared by the stand-in Spotify's routes.
#include <boost/json/serialize.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>

#include "fake_spotify/routes.h"

namespace spotauth::fake_spotify::internal {
namespace {


bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

}  // namespace

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

http::Response NoStore(http::Response response) {
  response.set(beast_http::field::cache_control, "no-store");
  response.set(beast_http::field::pragma, "no-cache");
  return response;
}

http::Response AccountsError(unsigned status, std::string_view error,
                             std::string_view description) {
  http::Response response =
      JsonResponse(static_cast<beast_http::status>(status),
                   boost::json::object{{"error", error}, {"error_description", description}});
  if (status == 401) response.set(beast_http::field::www_authenticate, "Basic");
  return NoStore(std::move(response));
}

}  // namespace spotauth::fake_spotify::internal
