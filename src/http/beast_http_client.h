// BeastHttpClient: the HttpClient on Beast and Asio coroutines, with TLS and connection reuse.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/client.h"
#include "http/request_url.h"
#include "http/upstream_connection.h"

namespace spotauth::http {

// A client TLS context (TLS 1.2+, peer verification) trusting `ca_file`, or the system store
// when empty. Once made it is only read, so clients on several threads may share it (OpenSSL's
// SSL_CTX is thread-safe for creating connections).
// Errors: kInvalidArgument if the CA file cannot be loaded, kTls otherwise.
[[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> MakeTlsClientContext(
    const std::string& ca_file);

// Sends each request on the caller's event loop and never blocks it.
//
// Transport: the URL is parsed with ParseRequestUrl; names are resolved, IP literals are not.
// https verifies the peer's chain against Options::ca_file (or the system store when empty)
// and its name or IP against the URL host, and sends SNI for names. http:// is refused with
// kInvalidArgument unless Options::allow_plain_http.
//
// Deadline: one deadline (ClientRequest::timeout, else Options::timeout) covers resolve,
// connect, TLS handshake, write and read, including the single retry below; on expiry the
// result is kTimeout and the connection is closed.
//
// Reuse: after a complete response that allows keep-alive, the connection is kept for its
// origin (scheme, host, port), at most Options::max_idle_per_origin of them, for at most
// Options::idle_lifetime. A request on a reused connection that the peer closed before
// sending any response byte is retried once on a new connection, if the method is idempotent
// (RFC 9110 section 9.2.2): a POST is never sent twice, since the peer may have acted on it.
//
// Limits: a response header over Options::max_header_bytes or body over Options::max_body_bytes
// gives kTooLarge, and so does a chunk-size line or trailer section larger than the read buffer
// (a head plus two reads); chunk extensions over 256 bytes are kUpstreamProtocol. In each case
// the connection is closed.
//
// Errors: see HttpClient. Messages name the failing step and the origin, never header values
// or the URL's path and query.
//
// Not thread-safe: use one instance from one event loop. The instance must outlive every Send
// it started.
class BeastHttpClient final : public HttpClient {
 public:
  struct Options {
    std::chrono::milliseconds timeout{3000};
    std::size_t max_body_bytes = std::size_t{1} << 20;
    std::size_t max_header_bytes = 16 * 1024;
    // Per loop. Below the loop's concurrency, connections that just finished are closed while
    // the next requests open new ones (a loopback profile of full logins spent 4 % in connect
    // and close at 16; against Spotify each is a TLS handshake). Idle ones still expire.
    std::size_t max_idle_per_origin = 64;
    std::chrono::milliseconds idle_lifetime{30'000};
    bool allow_plain_http = false;
    std::string ca_file;  // PEM bundle of trusted roots; empty: the system store
    std::string user_agent = "spotauth/0.1";  // sent unless the request sets User-Agent
    // https through this forward proxy (CONNECT), where it applies (ForwardProxy::AppliesTo).
    std::optional<ForwardProxy> proxy;
  };

  // Errors: kInvalidArgument if the CA file cannot be loaded, kTls if the TLS context cannot
  // be set up.
  [[nodiscard]] static Result<std::unique_ptr<BeastHttpClient>> Create(
      boost::asio::any_io_executor executor, Options options);
  // With a TLS context made once by MakeTlsClientContext and shared by the clients of every
  // event loop (Options::ca_file is then not read): loading the CA store costs ~25 ms and
  // ~0.9 MB per context.
  [[nodiscard]] static std::unique_ptr<BeastHttpClient> Create(
      boost::asio::any_io_executor executor, Options options,
      std::shared_ptr<boost::asio::ssl::context> tls_context);

  ~BeastHttpClient() override;
  BeastHttpClient(const BeastHttpClient&) = delete;
  BeastHttpClient& operator=(const BeastHttpClient&) = delete;

  [[nodiscard]] boost::asio::awaitable<Result<ClientResponse>> Send(ClientRequest request) override;

  // Idle connections currently kept for reuse, over all origins (for tests and metrics).
  [[nodiscard]] std::size_t IdleConnectionCount() const;

 private:
  using SteadyClock = std::chrono::steady_clock;

  BeastHttpClient(boost::asio::any_io_executor executor, Options options,
                  std::shared_ptr<boost::asio::ssl::context> tls_context);

  boost::asio::awaitable<Result<ClientResponse>> Exchange(
      UpstreamConnection& connection, const RequestUrl& url, const std::string& origin,
      const ClientRequest& request, SteadyClock::time_point deadline, bool& keep_alive,
      bool& closed_before_response);

  boost::asio::any_io_executor executor_;
  Options options_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  IdleConnections idle_;
};

}  // namespace spotauth::http
