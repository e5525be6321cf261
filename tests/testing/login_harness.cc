#include "testing/login_harness.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>
#include <functional>

#include "server/login_app.h"
#include "store/open_session_store.h"
#include "testing/run_awaitable.h"

namespace spotauth::server::testing {

namespace urls = boost::urls;
using spotauth::testing::RunAwaitable;

namespace {

std::uint16_t FreePort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

std::string HostPort(const urls::url_view& url) { return std::string(url.encoded_host_and_port()); }

}  // namespace

LoginHarness::LoginHarness(HarnessOptions options)
    : options_(std::move(options)), log_stream_(std::make_shared<std::ostringstream>()) {
  previous_logger_ = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*log_stream_);
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));

  port_ = FreePort();
  const std::string redirect = options_.redirect_uri.empty()
                                   ? "http://127.0.0.1:" + std::to_string(port_) + "/callback"
                                   : options_.redirect_uri;
  spotify_state_ = std::make_unique<fake_spotify::FakeSpotifyState>(clock, random_);
  fake_spotify::AddDemoDefaults(*spotify_state_, kClientId, options_.pkce ? "" : kClientSecret,
                                {redirect});
  spotify_state_->SetAutoApprove(options_.auto_approve, "demo-user");
  http::ListenerOptions fake_options;
  fake_options.access_log = false;
  fake_ = std::make_unique<http::Listener>(fake_options, [this](boost::asio::io_context&) {
    return std::make_unique<fake_spotify::FakeSpotifyHandler>(*spotify_state_);
  });
  if (!fake_->Start()) throw std::runtime_error("cannot start the stand-in Spotify");

  Settings settings = {
      {"SPOTIFY_CLIENT_ID", kClientId},
      {"SPOTIFY_REDIRECT_URI", redirect},
      {"SPOTAUTH_SECRET", "8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0"},
      {"SPOTAUTH_PORT", std::to_string(port_)},
      {"SPOTAUTH_STORE", options_.store},
      {"SPOTAUTH_ACCOUNTS_URL", SpotifyOrigin()},
      {"SPOTAUTH_API_URL", SpotifyOrigin()},
  };
  if (!options_.pkce) settings["SPOTIFY_CLIENT_SECRET"] = kClientSecret;
  for (const auto& [k, v] : options_.extra) settings[k] = v;
  auto config = BuildConfig(settings, std::filesystem::temp_directory_path().string());
  if (!config) throw std::runtime_error("bad test config: " + config.error().front());
  config_ = std::move(*config);
  StartServer();
}

LoginHarness::~LoginHarness() {
  StopServer();
  fake_->Stop();
  spdlog::set_default_logger(previous_logger_);
}

void LoginHarness::StartServer() {
  // A memory store lives as long as the harness (restarts keep it); a SQLite store is closed
  // and reopened from its file, as a restarted process would.
  if (!store_) {
    auto opened = store::OpenSessionStore(config_->store, clock);
    if (!opened) throw std::runtime_error(opened.error().message);
    store_ = std::move(*opened);
  }
  app_ = std::make_unique<AppContext>(*config_, clock, random_, *store_);
  http::ListenerOptions options;
  options.port = port_;
  options.threads = options_.threads;
  server_ = std::make_unique<http::Listener>(options, [this](boost::asio::io_context& io) {
    return std::move(LoginApp::Create(*app_, io.get_executor()).value());
  });
  if (auto started = server_->Start(); !started) {
    throw std::runtime_error("cannot start the server: " + started.error().message);
  }
}

void LoginHarness::StopServer() {
  if (server_) server_->Stop();
  server_.reset();
  app_.reset();
  if (config_->store.kind == store::StoreLocation::Kind::kSqlite) store_.reset();
}

void LoginHarness::RestartServer() {
  StopServer();
  StartServer();
}

std::string Page::Header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : std::string(it->value());
}

TestBrowser::TestBrowser(const std::string& ca_file) {
  http::BeastHttpClient::Options options;
  options.allow_plain_http = true;
  options.ca_file = ca_file;
  options.timeout = std::chrono::seconds(10);
  client_ = std::move(http::BeastHttpClient::Create(io_.get_executor(), options).value());
}

TestBrowser::~TestBrowser() = default;

std::map<std::string, std::string>& TestBrowser::Cookies(const std::string& origin) {
  auto url = urls::parse_uri(origin);
  return jar_[HostPort(url.value())];
}

void TestBrowser::StoreCookies(const std::string& host, const beast_http::fields& headers) {
  auto [begin, end] = headers.equal_range(beast_http::field::set_cookie);
  for (auto it = begin; it != end; ++it) {
    const std::string line(it->value());
    const auto eq = line.find('=');
    const auto semi = line.find(';');
    const std::string name = line.substr(0, eq);
    const std::string value = line.substr(eq + 1, semi - eq - 1);
    if (line.find("Max-Age=0") != std::string::npos) {
      jar_[host].erase(name);
    } else {
      jar_[host][name] = value;
    }
  }
}

Page TestBrowser::Request(beast_http::verb method, const std::string& url, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers) {
  auto parsed = urls::parse_uri(url);
  const std::string host = HostPort(parsed.value());
  http::ClientRequest request;
  request.method = method;
  request.url = url;
  request.body = std::move(body);
  std::string cookie_header;
  for (const auto& [name, value] : jar_[host]) {
    if (!cookie_header.empty()) cookie_header += "; ";
    cookie_header += name + "=" + value;
  }
  if (!cookie_header.empty()) request.headers.set(beast_http::field::cookie, cookie_header);
  for (const auto& [name, value] : headers) request.headers.set(name, value);
  auto response = RunAwaitable(io_, client_->Send(std::move(request)), std::chrono::seconds(15));
  if (!response) throw std::runtime_error("request failed: " + response.error().message);
  StoreCookies(host, response->headers);
  return Page{response->status, std::move(response->headers), std::move(response->body), url};
}

Page TestBrowser::Navigate(const std::string& start) {
  std::string url = start;
  for (int hop = 0; hop < 10; ++hop) {
    Page page = Get(url);
    if (page.status < 300 || page.status >= 400) return page;
    std::string location = page.Header("Location");
    if (!location.empty() && location.front() == '/') {
      auto current = urls::parse_uri(url).value();
      location = std::string(current.scheme()) + "://" + HostPort(current) + location;
    }
    url = location;
  }
  throw std::runtime_error("too many redirects");
}

Page TestBrowser::SubmitForm(const std::string& origin, const std::string& path,
                             const std::string& body) {
  return Request(beast_http::verb::post, origin + path, body,
                 {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Origin", origin},
                  {"Sec-Fetch-Site", "same-origin"}});
}

std::string TestBrowser::LogoutToken(const Page& page) {
  const std::string marker = "name=\"token\" value=\"";
  const auto at = page.body.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  return page.body.substr(start, page.body.find('"', start) - start);
}

std::string RawExchange(std::uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds wait) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  boost::asio::write(socket, boost::asio::buffer(bytes), ec);
  std::string received;
  std::array<char, 4096> chunk;
  boost::asio::steady_timer timer(io, wait);
  timer.async_wait([&](boost::system::error_code) { socket.close(); });
  std::function<void()> read_more = [&] {
    socket.async_read_some(boost::asio::buffer(chunk),
                           [&](boost::system::error_code e, std::size_t n) {
                             received.append(chunk.data(), n);
                             if (e) {
                               timer.cancel();
                               return;
                             }
                             read_more();
                           });
  };
  read_more();
  io.run();
  return received;
}

Page LogIn(LoginHarness& harness, TestBrowser& browser) {
  return browser.Navigate(harness.Origin() + "/login");
}

}  // namespace spotauth::server::testing
