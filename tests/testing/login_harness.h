// A whole sign-in deployment on loopback for integration tests: the stand-in Spotify and the
// spotauth server (LoginApp on a real http::Listener), sharing a ManualClock, plus a cookie-keeping
// test browser that speaks HTTP through the real BeastHttpClient.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "http/beast_http_client.h"
#include "http/listener.h"
#include "server/app_context.h"
#include "server/config.h"
#include "store/session_store.h"

namespace spotauth::server::testing {

struct HarnessOptions {
  bool pkce = false;
  bool auto_approve = true;
  std::string store = "memory";  // or "sqlite:///path"
  Settings extra;                // more settings for the server
  unsigned threads = 2;
  // Registered with the stand-in and configured; empty: http://127.0.0.1:{port}/callback.
  std::string redirect_uri;
};

class LoginHarness {
 public:
  explicit LoginHarness(HarnessOptions options = {});
  ~LoginHarness();

  // Stops and starts the server again on the same port, store and secret (a restart).
  void RestartServer();
  void StopServer();

  std::string Origin() const { return config_->public_origin; }
  std::string SpotifyOrigin() const { return "http://127.0.0.1:" + std::to_string(fake_->Port()); }
  std::uint16_t Port() const { return port_; }
  const Config& config() const { return *config_; }

  ManualClock clock;
  fake_spotify::FakeSpotifyState& spotify() { return *spotify_state_; }
  store::SessionStore& store() { return *store_; }
  // Everything the server logged so far.
  std::string Logs() const { return log_stream_->str(); }

  static constexpr const char* kClientId = "spotauth-test";
  static constexpr const char* kClientSecret = "test-client-secret-0123456789";

 private:
  void StartServer();

  HarnessOptions options_;
  OpenSslRandom random_;
  std::unique_ptr<fake_spotify::FakeSpotifyState> spotify_state_;
  std::unique_ptr<http::Listener> fake_;
  std::uint16_t port_ = 0;
  std::optional<Config> config_;
  std::unique_ptr<store::SessionStore> store_;
  std::unique_ptr<AppContext> app_;
  std::unique_ptr<http::Listener> server_;
  std::shared_ptr<std::ostringstream> log_stream_;
  std::shared_ptr<spdlog::logger> previous_logger_;
};

struct Page {
  unsigned status = 0;
  beast_http::fields headers;
  std::string body;
  std::string url;  // where it was answered (after redirects)

  std::string Header(std::string_view name) const;
  bool Contains(std::string_view text) const { return body.find(text) != std::string::npos; }
};

// A browser: keeps cookies per host:port, follows redirects on request.
class TestBrowser {
 public:
  // `ca_file`: PEM roots to trust for https (a test CA); empty: the system store.
  explicit TestBrowser(const std::string& ca_file = "");
  ~TestBrowser();

  // One request, no redirects followed.
  Page Request(beast_http::verb method, const std::string& url, std::string body = {},
               std::vector<std::pair<std::string, std::string>> headers = {});
  Page Get(const std::string& url) { return Request(beast_http::verb::get, url); }
  // GET, following up to 10 redirects across origins, as a browser does.
  Page Navigate(const std::string& url);
  // POSTs a form like a same-origin page would (Origin header set to `origin`).
  Page SubmitForm(const std::string& origin, const std::string& path, const std::string& body);

  // Cookie values for an origin's host:port.
  std::map<std::string, std::string>& Cookies(const std::string& origin);
  // The logout token from the last signed-in page (empty if none).
  static std::string LogoutToken(const Page& page);

 private:
  void StoreCookies(const std::string& host, const beast_http::fields& headers);

  boost::asio::io_context io_;
  std::unique_ptr<http::BeastHttpClient> client_;
  std::map<std::string, std::map<std::string, std::string>> jar_;
};

// Sends raw bytes to 127.0.0.1:port and returns everything read until the server closes or
// `wait` passes: for requests no well-behaved client would send.
std::string RawExchange(std::uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds wait = std::chrono::seconds(3));

// The full login of one browser through the stand-in (auto-approve); returns the final page.
Page LogIn(LoginHarness& harness, TestBrowser& browser);

}  // namespace spotauth::server::testing
