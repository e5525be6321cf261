#include "http/request_url.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <charconv>
#include <system_error>

namespace spotauth::http {

namespace urls = boost::urls;

std::string RequestUrl::HostHeader() const {
  std::string value = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const std::uint16_t default_port = tls ? 443 : 80;
  if (port != default_port) {
    value += ':';
    value += std::to_string(port);
  }
  return value;
}

std::string RequestUrl::Origin() const {
  std::string origin = tls ? "https://" : "http://";
  origin += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  origin += ':';
  origin += std::to_string(port);
  return origin;
}

Result<RequestUrl> ParseRequestUrl(std::string_view url) {
  if (url.size() > kMaxRequestUrlBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "URL is longer than 8 KiB");
  }
  auto parsed = urls::parse_uri(url);
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidArgument, "URL is not an absolute URI");
  }
  const urls::url_view& view = *parsed;
  RequestUrl result;
  switch (view.scheme_id()) {
    case urls::scheme::https:
      result.tls = true;
      break;
    case urls::scheme::http:
      result.tls = false;
      break;
    default:
      return MakeError(ErrorCode::kInvalidArgument, "URL scheme must be http or https");
  }
  if (view.has_userinfo()) {
    // Credentials belong in headers; a URL ends up in logs.
    return MakeError(ErrorCode::kInvalidArgument, "URL must not carry user-info");
  }
  switch (view.host_type()) {
    case urls::host_type::name: {
      std::string_view name = view.encoded_host();
      if (name.empty() || name.find('%') != std::string_view::npos) {
        return MakeError(ErrorCode::kInvalidArgument, "URL host name is empty or encoded");
      }
      result.host.assign(name.begin(), name.end());
      std::transform(result.host.begin(), result.host.end(), result.host.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      break;
    }
    case urls::host_type::ipv4:
      result.host = view.host_ipv4_address().to_string();
      result.host_is_ip = true;
      break;
    case urls::host_type::ipv6:
      result.host = view.host_ipv6_address().to_string();
      result.host_is_ip = true;
      break;
    default:
      return MakeError(ErrorCode::kInvalidArgument, "URL has no usable host");
  }
  result.port = result.tls ? 443 : 80;
  if (view.has_port() && !view.port().empty()) {
    // port_number() wraps values over 16 bits, so the digits are range-checked here.
    std::string_view digits = view.port();
    std::uint32_t number = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc() || end != digits.data() + digits.size() || number == 0 ||
        number > 65535) {
      return MakeError(ErrorCode::kInvalidArgument, "URL port is out of range");
    }
    result.port = static_cast<std::uint16_t>(number);
  }
  // encoded_target() keeps the path and query as sent and leaves out the fragment.
  std::string_view target = view.encoded_target();
  if (target.empty() || target.front() != '/') result.target.push_back('/');
  result.target.append(target.data(), target.size());
  return result;
}

}  // namespace spotauth::http
