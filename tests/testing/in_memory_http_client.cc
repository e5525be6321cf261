#include "testing/in_memory_http_client.h"

#include <optional>
#include <utility>

#include "http/request_url.h"

namespace spotauth::testing {

Result<http::Request> ToServerRequest(http::ClientRequest request) {
  auto url = http::ParseRequestUrl(request.url);
  if (!url) return tl::unexpected(std::move(url.error()));
  http::Request out{request.method, url->target, 11};
  for (const auto& field : request.headers) out.insert(field.name_string(), field.value());
  out.set(beast_http::field::host, url->HostHeader());
  out.body() = std::move(request.body);
  out.prepare_payload();
  return out;
}

http::ClientResponse ToClientResponse(http::Response response, bool head_request) {
  http::ClientResponse out;
  out.status = response.result_int();
  // These never carry content on the wire (RFC 9110 §6.4.1, §9.3.2).
  const bool has_content = out.status >= 200 && out.status != 204 && out.status != 304;
  // The preset's fields first, as on the wire, then the response's own; an own field replaces
  // a preset one of the same name.
  if (const http::PresetFields* preset = response.preset_fields()) {
    for (const auto& field : preset->fields()) {
      if (response.find(field.name) == response.end()) out.headers.insert(field.name, field.value);
    }
  }
  for (const auto& field : response) out.headers.insert(field.name_string(), field.value());
  // Framed as http::HttpSession frames it: Content-Length from the body (a HEAD's too).
  out.headers.erase(beast_http::field::content_length);
  if (has_content) {
    out.headers.set(beast_http::field::content_length, std::to_string(response.body().size()));
  }
  if (!head_request && has_content) out.body = std::move(response.body());
  return out;
}

boost::asio::awaitable<Result<http::ClientResponse>> InMemoryHttpClient::Send(
    http::ClientRequest request) {
  const bool head_request = request.method == beast_http::verb::head;
  auto server_request = ToServerRequest(std::move(request));
  if (!server_request) co_return tl::unexpected(std::move(server_request.error()));
  std::optional<http::Response> response;
  try {
    response = co_await handler_.Handle(std::move(*server_request));
  } catch (...) {
    // A handler broke its no-throw contract: answer as http::HttpSession does.
    response.emplace(beast_http::status::internal_server_error, 11);
    response->set(beast_http::field::content_type, "text/plain; charset=utf-8");
    response->body() = "Internal Server Error\n";
    response->prepare_payload();
  }
  if (http::IsResetConnection(*response)) {
    co_return MakeError(ErrorCode::kUnavailable, "in-memory: connection reset by the handler");
  }
  co_return ToClientResponse(std::move(*response), head_request);
}

}  // namespace spotauth::testing
