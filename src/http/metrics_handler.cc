#include "http/metrics_handler.h"

#include <string_view>

namespace spotauth::http {

boost::asio::awaitable<Response> MetricsHandler::Handle(Request request) {
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  Response response(beast_http::status::ok, request.version());
  // A scrape is read once and thrown away; no cache should keep it.
  response.set(beast_http::field::cache_control, "no-store");
  if (path != "/metrics") {
    response.result(beast_http::status::not_found);
    response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "Not Found: metrics are at /metrics\n";
  } else if (request.method() != beast_http::verb::get &&
             request.method() != beast_http::verb::head) {
    response.result(beast_http::status::method_not_allowed);
    response.set(beast_http::field::allow, "GET, HEAD");
    response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "Method Not Allowed\n";
  } else {
    response.set(beast_http::field::content_type, kMetricsContentType);
    response.body() = registry_.Render();
  }
  co_return response;
}

}  // namespace spotauth::http
