// MeteredHttpClient: an HttpClient that counts each call to Spotify in CallMetrics, then hands
// it to the client it wraps.
#pragma once

#include "http/client.h"
#include "spotify/call_metrics.h"

namespace spotauth::spotify {

// Same contract as the wrapped client; `inner` and `metrics` must outlive it. Not thread-safe
// (like any HttpClient: one event loop).
class MeteredHttpClient final : public http::HttpClient {
 public:
  MeteredHttpClient(http::HttpClient& inner, CallMetrics& metrics)
      : inner_(inner), metrics_(metrics) {}

  [[nodiscard]] boost::asio::awaitable<Result<http::ClientResponse>> Send(
      http::ClientRequest request) override;

 private:
  http::HttpClient& inner_;
  CallMetrics& metrics_;
};

}  // namespace spotauth::spotify
