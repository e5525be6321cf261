#include "spotify/metered_http_client.h"

#include <chrono>
#include <optional>

namespace spotauth::spotify {

boost::asio::awaitable<Result<http::ClientResponse>> MeteredHttpClient::Send(
    http::ClientRequest request) {
  const Endpoint endpoint = EndpointOf(request.url);
  const auto start = std::chrono::steady_clock::now();
  auto response = co_await inner_.Send(std::move(request));
  metrics_.Count(endpoint, response ? std::optional<unsigned>(response->status) : std::nullopt,
                 std::chrono::steady_clock::now() - start);
  co_return response;
}

}  // namespace spotauth::spotify
