// Integration: gateway mode (SPOTAUTH_UPSTREAM) in front of a real app process
// (tests/testing/echo_app.py), through full logins against the stand-in Spotify.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/resource.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fstream>
#include <thread>

#include "core/encoding.h"
#include "testing/echo_app.h"
#include "testing/login_harness.h"
#include "testing/nginx_fixture.h"

namespace spotauth::server::testing {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using spotauth::testing::EchoApp;

std::unique_ptr<EchoApp> StartApp() {
  std::string error;
  auto app = EchoApp::Start(&error);
  if (!app) ADD_FAILURE() << "the test app did not start: " << error;
  return app;
}

// A deployment: the stand-in Spotify, the app, spotauth in gateway mode in front of it.
struct Gateway {
  explicit Gateway(Settings extra = {}, bool pkce = false)
      : app(StartApp()),
        harness(Options(app ? app->Origin() : "http://127.0.0.1:1", extra, pkce)) {}

  static HarnessOptions Options(const std::string& upstream, Settings extra, bool pkce) {
    extra["SPOTAUTH_UPSTREAM"] = upstream;
    return {.pkce = pkce, .extra = std::move(extra)};
  }
  std::string Url(const std::string& target) const { return harness.Origin() + target; }

  std::unique_ptr<EchoApp> app;
  LoginHarness harness;
};

const std::vector<std::pair<std::string, std::string>> kHtml = {
    {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}};

// What reached the app, from its echo.
struct Echo {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::uint64_t body_bytes = 0;
  std::string body_sha256;

  // Every value of a header (case-insensitive name).
  std::vector<std::string> All(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [k, v] : headers) {
      if (beast::iequals(k, name)) values.push_back(v);
    }
    return values;
  }
  std::string One(std::string_view name) const {
    auto values = All(name);
    return values.size() == 1 ? values[0] : "<" + std::to_string(values.size()) + " values>";
  }
};

Echo ReadEcho(const Page& page) {
  Echo echo;
  auto value = json::parse(page.body);
  const auto& object = value.as_object();
  echo.method = std::string(object.at("method").as_string());
  echo.target = std::string(object.at("target").as_string());
  for (const auto& pair : object.at("headers").as_array()) {
    const auto& kv = pair.as_array();
    echo.headers.emplace_back(std::string(kv[0].as_string()), std::string(kv[1].as_string()));
  }
  echo.body_bytes = object.at("body_bytes").to_number<std::uint64_t>();
  echo.body_sha256 = std::string(object.at("body_sha256").as_string());
  return echo;
}

// Signs the browser in through a browser navigation to `target` and returns the final page.
Page SignIn(Gateway& gateway, TestBrowser& browser, const std::string& target = "/") {
  Page first = browser.Request(beast_http::verb::get, gateway.Url(target), {}, kHtml);
  EXPECT_EQ(first.status, 302u);
  return browser.Navigate(gateway.Url(first.Header("Location")));
}

TEST(Gateway, AnonymousBrowserLogsInAndLandsOnTheOriginalPathWithItsQuery) {
  Gateway gateway;
  TestBrowser browser;
  const std::string target = "/reports/2026?month=11&name=%C3%A9t%C3%A9";
  Page first = browser.Request(beast_http::verb::get, gateway.Url(target), {}, kHtml);
  ASSERT_EQ(first.status, 302u);
  EXPECT_EQ(first.Header("Location"),
            "/spotauth/login?rd=%2Freports%2F2026%3Fmonth%3D11%26name%3D%25C3%25A9t%25C3%25A9");
  Page page = browser.Navigate(gateway.Url(first.Header("Location")));
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.url, gateway.Url(target));
  const Echo echo = ReadEcho(page);
  EXPECT_EQ(echo.method, "GET");
  EXPECT_EQ(echo.target, target);
}

TEST(Gateway, SignedInRequestsCarryTheIdentityAndForwardedFields) {
  Gateway gateway;
  gateway.harness.spotify().PutUser({"jürgen.m", "Jürgen Müller 🎧", std::nullopt, {}});
  gateway.harness.spotify().SetAutoApprove(true, "jürgen.m");
  TestBrowser browser;
  const Page page = SignIn(gateway, browser, "/");
  const Echo echo = ReadEcho(page);
  EXPECT_EQ(echo.One("X-Spotify-User-Id"), "j%C3%BCrgen.m");
  EXPECT_EQ(echo.One("X-Spotify-Display-Name"), "J%C3%BCrgen%20M%C3%BCller%20%F0%9F%8E%A7");
  EXPECT_TRUE(echo.All("X-Spotify-Access-Token").empty());  // not asked for
  EXPECT_EQ(echo.One("X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(echo.One("X-Forwarded-Proto"), "http");
  EXPECT_EQ(echo.One("X-Forwarded-Host"), gateway.harness.config().public_host);
  EXPECT_EQ(echo.One("Host"), gateway.harness.config().public_host);
  // spotauth's request id reaches the app and comes back on the answer.
  ASSERT_EQ(echo.All("X-Request-Id").size(), 1u);
  EXPECT_FALSE(page.Header("X-Request-Id").empty());
  EXPECT_EQ(echo.One("X-Request-Id"), page.Header("X-Request-Id"));
}

TEST(Gateway, SpoofedSpotifyFieldsAndSpotauthCookiesNeverReachTheApp) {
  Gateway gateway;
  TestBrowser browser;
  SignIn(gateway, browser);
  const std::string session = browser.Cookies(gateway.harness.Origin())["spotauth"];
  ASSERT_FALSE(session.empty());
  Page page = browser.Request(
      beast_http::verb::get, gateway.Url("/admin"), {},
      {{"X-Spotify-User-Id", "admin"},
       {"x-spotify-display-name", "Admin"},
       {"X-SPOTIFY-ACCESS-TOKEN", "stolen"},
       {"X-Spotify-Anything", "1"},
       {"Cookie", "theme=dark; spotauth=" + session + "; spotauth_login=abc; other=1"},
       {"X-Forwarded-For", "10.0.0.1"},
       // Hop-by-hop: they describe the client's connection to spotauth, not the request.
       {"Connection", "X-Hop-Only"},
       {"X-Hop-Only", "1"},
       {"Keep-Alive", "timeout=5"},
       {"TE", "trailers"},
       {"Proxy-Authorization", "Basic c2VjcmV0"}});
  ASSERT_EQ(page.status, 200u);
  const Echo echo = ReadEcho(page);
  EXPECT_EQ(echo.One("X-Spotify-User-Id"), "demo-user");
  EXPECT_EQ(echo.One("X-Spotify-Display-Name"), "Demo%20User");
  EXPECT_TRUE(echo.All("X-Spotify-Access-Token").empty());
  EXPECT_TRUE(echo.All("X-Spotify-Anything").empty());
  const std::string cookies = echo.One("Cookie");
  EXPECT_NE(cookies.find("theme=dark"), std::string::npos) << cookies;
  EXPECT_NE(cookies.find("other=1"), std::string::npos) << cookies;
  EXPECT_EQ(cookies.find("spotauth"), std::string::npos) << cookies;
  EXPECT_EQ(cookies.find(session), std::string::npos) << cookies;
  EXPECT_EQ(echo.One("X-Forwarded-For"), "10.0.0.1, 127.0.0.1");
  for (const char* hop : {"X-Hop-Only", "Keep-Alive", "TE", "Proxy-Authorization"}) {
    EXPECT_TRUE(echo.All(hop).empty()) << hop;
  }
  // The app's own cookie comes back to the browser.
  EXPECT_EQ(page.Header("Set-Cookie"), "app_cookie=1; Path=/");
}

TEST(Gateway, ApiClientsWithoutSessionGet401AndTheAppSeesNothing) {
  Gateway gateway;
  TestBrowser browser;
  Page json_get = browser.Request(beast_http::verb::get, gateway.Url("/api/items"), {},
                                  {{"Accept", "application/json"}});
  EXPECT_EQ(json_get.status, 401u);
  EXPECT_TRUE(json_get.body.empty());
  Page post = browser.Request(beast_http::verb::post, gateway.Url("/api/items"), "x=1",
                              {{"Accept", "text/html"}});
  EXPECT_EQ(post.status, 401u);
  Page forged = browser.Request(beast_http::verb::get, gateway.Url("/api/items"), {},
                                {{"Accept", "application/json"}, {"Cookie", "spotauth=forged"}});
  EXPECT_EQ(forged.status, 401u);
}

TEST(Gateway, ReturnPathsToOtherSitesLandOnRoot) {
  Gateway gateway;
  for (const std::string rd :
       {"//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
        "javascript:alert(1)", "evil", "%2F%2Fevil.example", ""}) {
    TestBrowser browser;
    const std::string login =
        "/spotauth/login?rd=" + boost::urls::encode(rd, boost::urls::unreserved_chars);
    Page start = browser.Get(gateway.Url(login));
    ASSERT_EQ(start.status, 302u) << rd;
    Page authorize = browser.Get(start.Header("Location"));
    ASSERT_EQ(authorize.status, 302u) << rd;
    Page callback = browser.Get(authorize.Header("Location"));
    ASSERT_EQ(callback.status, 303u) << rd;
    EXPECT_EQ(callback.Header("Location"), "/") << rd;
  }
}

TEST(Gateway, PublicPathsPassWithoutSignInButNeverWithIdentity) {
  Gateway gateway(Settings{{"SPOTAUTH_PUBLIC_PATHS", "/static/,/favicon.ico"}});
  TestBrowser browser;
  Page page = browser.Request(beast_http::verb::get, gateway.Url("/static/app.css"), {},
                              {{"X-Spotify-User-Id", "admin"}});
  ASSERT_EQ(page.status, 200u);
  const Echo echo = ReadEcho(page);
  EXPECT_EQ(echo.target, "/static/app.css");
  EXPECT_TRUE(echo.All("X-Spotify-User-Id").empty());
  EXPECT_EQ(browser.Get(gateway.Url("/favicon.ico")).status, 200u);
  // A way out of the public prefix is not public.
  EXPECT_EQ(browser.Get(gateway.Url("/static/../admin")).status, 401u);
  EXPECT_EQ(browser.Get(gateway.Url("/static/%2e%2e/admin")).status, 401u);
  EXPECT_EQ(browser.Get(gateway.Url("/staticfile")).status, 401u);
}

TEST(Gateway, AuthEndpointAnswersForNginxAuthRequest) {
  Gateway gateway(Settings{{"SPOTAUTH_PASS_ACCESS_TOKEN", "1"}});
  TestBrowser browser;
  Page anonymous = browser.Get(gateway.Url("/spotauth/auth"));
  EXPECT_EQ(anonymous.status, 401u);
  EXPECT_TRUE(anonymous.body.empty());
  SignIn(gateway, browser);
  Page auth = browser.Get(gateway.Url("/spotauth/auth"));
  EXPECT_EQ(auth.status, 202u);
  EXPECT_EQ(auth.Header("X-Spotify-User-Id"), "demo-user");
  EXPECT_EQ(auth.Header("X-Spotify-Display-Name"), "Demo%20User");
  EXPECT_FALSE(auth.Header("X-Spotify-Access-Token").empty());
  Page info = browser.Get(gateway.Url("/spotauth/userinfo"));
  EXPECT_EQ(info.status, 200u);
  EXPECT_EQ(info.Header("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(info.body),
            json::parse(R"({"id":"demo-user","display_name":"Demo User"})"));
  TestBrowser stranger;
  EXPECT_EQ(stranger.Get(gateway.Url("/spotauth/userinfo")).status, 401u);
}

TEST(Gateway, SpotauthPagesLiveUnderItsPrefixAndLogoutLandsThere) {
  Gateway gateway;
  TestBrowser browser;
  SignIn(gateway, browser);
  Page home = browser.Get(gateway.Url("/spotauth/"));
  ASSERT_EQ(home.status, 200u);
  EXPECT_TRUE(home.Contains("action=\"/spotauth/logout\""));
  EXPECT_TRUE(home.Contains("href=\"/spotauth/static/style.css\""));
  EXPECT_EQ(browser.Get(gateway.Url("/spotauth/static/style.css")).status, 200u);
  EXPECT_EQ(browser.Get(gateway.Url("/spotauth/healthz")).status, 200u);
  EXPECT_EQ(browser.Get(gateway.Url("/spotauth/readyz")).status, 200u);
  EXPECT_EQ(browser.Get(gateway.Url("/spotauth/nothing")).status, 404u);
  Page out = browser.SubmitForm(gateway.harness.Origin(), "/spotauth/logout",
                                "token=" + TestBrowser::LogoutToken(home));
  EXPECT_EQ(out.status, 303u);
  EXPECT_EQ(out.Header("Location"), "/spotauth/");
  EXPECT_EQ(browser.Request(beast_http::verb::get, gateway.Url("/x"), {}, kHtml).status, 302u);
}

TEST(Gateway, AccessTokenIsRefreshedOnceForParallelRequestsAfterExpiry) {
  Gateway gateway(Settings{{"SPOTAUTH_PASS_ACCESS_TOKEN", "1"}});
  TestBrowser browser;
  const Echo first = ReadEcho(SignIn(gateway, browser));
  const std::string old_token = first.One("X-Spotify-Access-Token");
  ASSERT_FALSE(old_token.empty());
  const std::string cookie = browser.Cookies(gateway.harness.Origin())["spotauth"];
  const auto refreshes = gateway.harness.spotify().RequestCount("/api/token");
  gateway.harness.clock.Advance(3600s);

  constexpr int kParallel = 8;
  std::vector<std::string> tokens(kParallel);
  std::vector<std::thread> threads;
  for (int i = 0; i < kParallel; ++i) {
    threads.emplace_back([&, i] {
      TestBrowser tab;
      tab.Cookies(gateway.harness.Origin())["spotauth"] = cookie;
      Page page = tab.Get(gateway.Url("/api/me"));
      if (page.status == 200u) tokens[i] = ReadEcho(page).One("X-Spotify-Access-Token");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(gateway.harness.spotify().RequestCount("/api/token"), refreshes + 1);
  for (const auto& token : tokens) {
    EXPECT_FALSE(token.empty());
    EXPECT_NE(token, old_token);
    EXPECT_EQ(token, tokens[0]);
  }
}

TEST(Gateway, AppDownIs502AndTooSlowIs504) {
  Gateway gateway(Settings{{"SPOTAUTH_APP_TIMEOUT_MS", "300"}});
  TestBrowser browser;
  SignIn(gateway, browser);
  const auto started = std::chrono::steady_clock::now();
  Page slow = browser.Get(gateway.Url("/slow?ms=3000"));
  EXPECT_EQ(slow.status, 504u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(slow.Contains("did not answer in time"));
  gateway.app->Stop();
  Page down = browser.Get(gateway.Url("/"));
  EXPECT_EQ(down.status, 502u);
  EXPECT_TRUE(down.Contains("did not answer properly"));
  // spotauth itself is fine.
  EXPECT_EQ(browser.Get(gateway.Url("/spotauth/healthz")).status, 200u);
}

TEST(Gateway, AnHttpsAppIsVerifiedLikeSpotify) {
  std::string error;
  auto nginx = http::testing::NginxFixture::Start(&error);
  ASSERT_TRUE(nginx) << error;
  const auto origin = [](std::uint16_t port) {
    return "https://127.0.0.1:" + std::to_string(port);
  };
  {
    LoginHarness harness({.extra = {{"SPOTAUTH_UPSTREAM", origin(nginx->good_port())},
                                    {"SPOTAUTH_CA_FILE", nginx->ca_file()}}});
    TestBrowser browser;
    // The callback lands on the app's "/" (nginx answers 404 there; that is fine).
    browser.Navigate(harness.Origin() + "/spotauth/login");
    Page page = browser.Get(harness.Origin() + "/json");
    EXPECT_EQ(page.status, 200u);
    EXPECT_EQ(page.body, "{\"ok\":true}");
    EXPECT_EQ(page.Header("X-Spotauth-Test"), "yes");
  }
  {
    LoginHarness harness({.extra = {{"SPOTAUTH_UPSTREAM", origin(nginx->self_signed_port())},
                                    {"SPOTAUTH_CA_FILE", nginx->ca_file()}}});
    TestBrowser browser;
    browser.Navigate(harness.Origin() + "/spotauth/login");
    EXPECT_EQ(browser.Get(harness.Origin() + "/json").status, 502u);
    EXPECT_NE(harness.Logs().find("certificate"), std::string::npos);
  }
}

// --- Streaming, with a client that never holds a whole body either.

std::string Hex(const unsigned char* bytes, unsigned size) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), size));
}

long PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Lets the kernel count peak RSS from now on (Linux: 5 into clear_refs resets VmHWM).
void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

struct Streamed {
  unsigned status = 0;
  std::uint64_t bytes = 0;
  std::string sha256;
  std::string body_start;  // the first KiB, for JSON answers
};

// One request with `upload` bytes of body (byte i = i % 251) sent in 64 KiB pieces; the
// answer's body is hashed piece by piece.
Streamed Exchange(std::uint16_t port, beast_http::verb method, const std::string& target,
                  const std::string& host, const std::string& cookie, std::uint64_t upload) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  beast_http::request<beast_http::buffer_body> request{method, target, 11};
  request.set(beast_http::field::host, host);
  request.set(beast_http::field::cookie, "spotauth=" + cookie);
  request.content_length(upload);
  std::string piece(65536, '\0');
  beast_http::request_serializer<beast_http::buffer_body> writer(request);
  beast_http::write_header(socket, writer);
  for (std::uint64_t sent = 0; sent < upload;) {
    const std::size_t n = std::min<std::uint64_t>(piece.size(), upload - sent);
    for (std::size_t i = 0; i < n; ++i) piece[i] = static_cast<char>((sent + i) % 251);
    request.body().data = piece.data();
    request.body().size = n;
    sent += n;
    request.body().more = sent < upload;
    boost::system::error_code ec;
    beast_http::write(socket, writer, ec);
    if (ec && ec != beast_http::error::need_buffer) throw boost::system::system_error(ec);
  }
  if (upload == 0) {
    request.body().data = nullptr;
    request.body().more = false;
    boost::system::error_code ec;
    beast_http::write(socket, writer, ec);
  }

  beast::flat_buffer buffer;
  beast_http::response_parser<beast_http::buffer_body> parser;
  parser.body_limit(boost::none);
  beast_http::read_header(socket, buffer, parser);
  Streamed result;
  result.status = parser.get().result_int();
  EVP_MD_CTX* sha = EVP_MD_CTX_new();
  EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
  std::string chunk(65536, '\0');
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    boost::system::error_code ec;
    beast_http::read(socket, buffer, parser, ec);
    if (ec && ec != beast_http::error::need_buffer) throw boost::system::system_error(ec);
    const std::size_t n = chunk.size() - parser.get().body().size;
    EVP_DigestUpdate(sha, chunk.data(), n);
    if (result.body_start.size() < 1024)
      result.body_start.append(chunk.data(), std::min<std::size_t>(n, 1024));
    result.bytes += n;
  }
  unsigned char digest[32];
  unsigned size = 0;
  EVP_DigestFinal_ex(sha, digest, &size);
  EVP_MD_CTX_free(sha);
  result.sha256 = Hex(digest, size);
  return result;
}

std::string PatternSha256(std::uint64_t size) {
  EVP_MD_CTX* sha = EVP_MD_CTX_new();
  EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
  for (std::uint64_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(i % 251);
    EVP_DigestUpdate(sha, &c, 1);
  }
  unsigned char digest[32];
  unsigned n = 0;
  EVP_DigestFinal_ex(sha, digest, &n);
  EVP_MD_CTX_free(sha);
  return Hex(digest, n);
}

TEST(Gateway, FiveMebibytesStreamBothWaysWithBoundedMemory) {
  Gateway gateway;
  TestBrowser browser;
  SignIn(gateway, browser);
  const std::string cookie = browser.Cookies(gateway.harness.Origin())["spotauth"];
  constexpr std::uint64_t kSize = 5 * 1024 * 1024;
  const std::string expected = PatternSha256(kSize);
  const std::string host = gateway.harness.config().public_host;

  ResetPeakRss();
  const long before = PeakRssKiB();
  Streamed up =
      Exchange(gateway.harness.Port(), beast_http::verb::post, "/upload", host, cookie, kSize);
  Streamed down = Exchange(gateway.harness.Port(), beast_http::verb::get,
                           "/download?bytes=" + std::to_string(kSize), host, cookie, 0);
  const long growth = PeakRssKiB() - before;

  ASSERT_EQ(up.status, 200u);
  const auto echo = json::parse(up.body_start).as_object();
  EXPECT_EQ(echo.at("body_bytes").to_number<std::uint64_t>(), kSize);
  EXPECT_EQ(echo.at("body_sha256").as_string(), expected);
  ASSERT_EQ(down.status, 200u);
  EXPECT_EQ(down.bytes, kSize);
  EXPECT_EQ(down.sha256, expected);
  // Holding either body whole would take 5 MiB; the relay holds 16 KiB pieces.
  EXPECT_LT(growth, 2 * 1024) << "peak RSS grew by " << growth << " KiB";
}

TEST(Gateway, HeadAnswersKeepTheirLengthWithoutABody) {
  Gateway gateway;
  TestBrowser browser;
  SignIn(gateway, browser);
  Page head = browser.Request(beast_http::verb::head, gateway.Url("/thing"));
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  // The connection stays usable: the next request on it is answered.
  EXPECT_EQ(browser.Get(gateway.Url("/thing")).status, 200u);
}

TEST(Gateway, UpgradedConnectionsBecomeATunnel) {
  Gateway gateway;
  TestBrowser browser;
  SignIn(gateway, browser);
  const std::string cookie = browser.Cookies(gateway.harness.Origin())["spotauth"];
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), gateway.harness.Port()});
  const std::string handshake =
      "GET /live HTTP/1.1\r\nHost: " + gateway.harness.config().public_host +
      "\r\nCookie: spotauth=" + cookie + "\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n";
  asio::write(socket, asio::buffer(handshake));
  std::string head;
  asio::read_until(socket, asio::dynamic_buffer(head), "\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 101", 0), 0u) << head;
  const std::string message = "hello through the tunnel";
  asio::write(socket, asio::buffer(message));
  std::string back(message.size(), '\0');
  head.erase(0, head.find("\r\n\r\n") + 4);  // bytes after the head, if any
  asio::read(socket, asio::buffer(back.data() + head.size(), back.size() - head.size()));
  back.replace(0, head.size(), head);
  EXPECT_EQ(back, message);
}

}  // namespace
}  // namespace spotauth::server::testing
