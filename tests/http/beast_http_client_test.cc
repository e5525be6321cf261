#include "http/beast_http_client.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "testing/child_process.h"
#include "testing/loopback_ports.h"
#include "testing/loopback_server.h"
#include "testing/nginx_fixture.h"
#include "testing/read_file.h"
#include "testing/run_awaitable.h"

namespace spotauth::http {
namespace {

using spotauth::testing::RunAwaitable;
using testing::LoopbackServer;
using testing::NginxFixture;
using namespace std::chrono_literals;

std::unique_ptr<BeastHttpClient> MakeClient(boost::asio::io_context& io,
                                            BeastHttpClient::Options options) {
  auto client = BeastHttpClient::Create(io.get_executor(), std::move(options));
  if (!client) {
    ADD_FAILURE() << "Create failed: " << client.error().message;
    return nullptr;
  }
  return std::move(*client);
}

Result<ClientResponse> Send(boost::asio::io_context& io, BeastHttpClient& client,
                            ClientRequest request) {
  return RunAwaitable(io, client.Send(std::move(request)));
}

Result<ClientResponse> Get(boost::asio::io_context& io, BeastHttpClient& client,
                           const std::string& url) {
  ClientRequest request;
  request.url = url;
  return Send(io, client, std::move(request));
}

std::string Describe(const Result<ClientResponse>& result) {
  if (result) return "status " + std::to_string(result->status);
  return std::string(ToString(result.error().code)) + ": " + result.error().message;
}

// ---- Against a real nginx with a test PKI ----

class BeastHttpClientTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { nginx_ = NginxFixture::Start(&start_error_); }
  static void TearDownTestSuite() { nginx_.reset(); }
  void SetUp() override { ASSERT_NE(nginx_, nullptr) << "nginx fixture: " << start_error_; }

  BeastHttpClient::Options TrustingTestCa() const {
    BeastHttpClient::Options options;
    options.ca_file = nginx_->ca_file();
    return options;
  }
  static std::string Https(std::uint16_t port, const std::string& path,
                           const std::string& host = "127.0.0.1") {
    return "https://" + host + ":" + std::to_string(port) + path;
  }

  static std::unique_ptr<NginxFixture> nginx_;
  static std::string start_error_;
  boost::asio::io_context io_;
};

std::unique_ptr<NginxFixture> BeastHttpClientTlsTest::nginx_;
std::string BeastHttpClientTlsTest::start_error_;

TEST_F(BeastHttpClientTlsTest, VerifiedRequestReturnsStatusBodyAndHeaders) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->good_port(), "/json"));
  ASSERT_TRUE(result.has_value()) << Describe(result);
  EXPECT_EQ(result->status, 200u);
  EXPECT_EQ(result->body, R"({"ok":true})");
  EXPECT_EQ(result->headers["x-spotauth-TEST"], "yes");
  EXPECT_EQ(result->headers[beast_http::field::content_type], "application/json");
}

TEST_F(BeastHttpClientTlsTest, HostNameIsVerifiedAndSentInHostHeader) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->good_port(), "/echo", "localhost"));
  ASSERT_TRUE(result.has_value()) << Describe(result);
  EXPECT_EQ(result->body,
            "GET localhost:" + std::to_string(nginx_->good_port()) + " spotauth/0.1 ");
}

TEST_F(BeastHttpClientTlsTest, PostBodyIsSentWithContentLength) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  ClientRequest request;
  request.method = beast_http::verb::post;
  request.url = Https(nginx_->good_port(), "/echo");
  request.headers.set(beast_http::field::user_agent, "caller-agent");
  request.body = "grant_type=x";
  auto result = Send(io_, *client, std::move(request));
  ASSERT_TRUE(result.has_value()) << Describe(result);
  EXPECT_EQ(result->body,
            "POST 127.0.0.1:" + std::to_string(nginx_->good_port()) + " caller-agent 12");
}

TEST_F(BeastHttpClientTlsTest, SelfSignedServerIsRejected) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->self_signed_port(), "/json"));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTls) << Describe(result);
  EXPECT_NE(result.error().message.find("self-signed"), std::string::npos) << Describe(result);
}

TEST_F(BeastHttpClientTlsTest, CertificateForAnotherIpIsRejected) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->wrong_host_port(), "/json"));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTls) << Describe(result);
  EXPECT_NE(result.error().message.find("mismatch"), std::string::npos) << Describe(result);
}

TEST_F(BeastHttpClientTlsTest, CertificateForAnotherHostNameIsRejected) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->wrong_host_port(), "/json", "localhost"));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTls) << Describe(result);
  EXPECT_NE(result.error().message.find("hostname mismatch"), std::string::npos)
      << Describe(result);
}

TEST_F(BeastHttpClientTlsTest, SystemStoreDoesNotTrustTheTestCa) {
  auto client = MakeClient(io_, BeastHttpClient::Options{});
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->good_port(), "/json"));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTls) << Describe(result);
}

TEST_F(BeastHttpClientTlsTest, TlsToAPlainHttpPortFailsAsTls) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->plain_port(), "/json"));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTls) << Describe(result);
}

TEST_F(BeastHttpClientTlsTest, BodyOverTheCapIsTooLargeAndTheConnectionIsDropped) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->good_port(), "/big"));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTooLarge) << Describe(result);
  EXPECT_EQ(client->IdleConnectionCount(), 0u);
}

TEST_F(BeastHttpClientTlsTest, BodyUnderARaisedCapIsReturnedWhole) {
  auto options = TrustingTestCa();
  options.max_body_bytes = 3 * 1024 * 1024;
  auto client = MakeClient(io_, options);
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Https(nginx_->good_port(), "/big"));
  ASSERT_TRUE(result.has_value()) << Describe(result);
  EXPECT_EQ(result->body.size(), NginxFixture::kBigBodyBytes);
}

TEST_F(BeastHttpClientTlsTest, SequentialRequestsShareOneConnection) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  std::set<std::string> connections;
  for (int i = 0; i < 20; ++i) {
    auto result = Get(io_, *client, Https(nginx_->good_port(), "/json"));
    ASSERT_TRUE(result.has_value()) << i << ": " << Describe(result);
    connections.insert(std::string(result->headers["X-Conn"]));
  }
  EXPECT_EQ(connections.size(), 1u);
  EXPECT_EQ(client->IdleConnectionCount(), 1u);
}

TEST_F(BeastHttpClientTlsTest, ConnectionCloseFromTheServerIsRespected) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  std::set<std::string> connections;
  for (int i = 0; i < 3; ++i) {
    auto result = Get(io_, *client, Https(nginx_->good_port(), "/close"));
    ASSERT_TRUE(result.has_value()) << i << ": " << Describe(result);
    EXPECT_EQ(result->body, "bye");
    connections.insert(std::string(result->headers["X-Conn"]));
    EXPECT_EQ(client->IdleConnectionCount(), 0u);
  }
  EXPECT_EQ(connections.size(), 3u);
}

TEST_F(BeastHttpClientTlsTest, PlainHttpIsRefusedByDefault) {
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  auto result =
      Get(io_, *client, "http://127.0.0.1:" + std::to_string(nginx_->plain_port()) + "/json");
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << Describe(result);
}

TEST_F(BeastHttpClientTlsTest, PlainHttpWorksWhenAllowed) {
  auto options = TrustingTestCa();
  options.allow_plain_http = true;
  auto client = MakeClient(io_, options);
  ASSERT_NE(client, nullptr);
  auto result =
      Get(io_, *client, "http://127.0.0.1:" + std::to_string(nginx_->plain_port()) + "/json");
  ASSERT_TRUE(result.has_value()) << Describe(result);
  EXPECT_EQ(result->status, 200u);
  EXPECT_EQ(result->body, R"({"ok":true})");
}

TEST_F(BeastHttpClientTlsTest, StalledTlsHandshakeHitsTheDeadline) {
  LoopbackServer stalled(io_, LoopbackServer::Mode::kStall);
  auto client = MakeClient(io_, TrustingTestCa());
  ASSERT_NE(client, nullptr);
  ClientRequest request;
  request.url = Https(stalled.port(), "/json");
  request.timeout = 200ms;
  auto result = Send(io_, *client, std::move(request));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTimeout) << Describe(result);
}

// ---- Against a scripted loopback server (plain HTTP) ----

class BeastHttpClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<BeastHttpClient> PlainClient(std::chrono::milliseconds timeout = 3s) {
    BeastHttpClient::Options options;
    options.allow_plain_http = true;
    options.timeout = timeout;
    return MakeClient(io_, options);
  }
  static std::string Http(std::uint16_t port, const std::string& path = "/") {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  boost::asio::io_context io_;
};

TEST_F(BeastHttpClientTest, StalledServerHitsTheDeadline) {
  LoopbackServer server(io_, LoopbackServer::Mode::kStall);
  auto client = PlainClient(200ms);
  ASSERT_NE(client, nullptr);
  const auto start = std::chrono::steady_clock::now();
  auto result = Get(io_, *client, Http(server.port()));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTimeout) << Describe(result);
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(client->IdleConnectionCount(), 0u);
}

TEST_F(BeastHttpClientTest, PerRequestTimeoutOverridesTheDefault) {
  LoopbackServer server(io_, LoopbackServer::Mode::kStall);
  auto client = PlainClient(30s);
  ASSERT_NE(client, nullptr);
  ClientRequest request;
  request.url = Http(server.port());
  request.timeout = 100ms;
  const auto start = std::chrono::steady_clock::now();
  auto result = Send(io_, *client, std::move(request));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kTimeout) << Describe(result);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(BeastHttpClientTest, RefusedConnectionIsUnavailable) {
  std::uint16_t port = 0;
  {
    boost::asio::ip::tcp::acceptor probe(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Http(port));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable) << Describe(result);
}

TEST_F(BeastHttpClientTest, MalformedUrlIsInvalidArgument) {
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  for (const char* url : {"", "127.0.0.1:80/x", "gopher://127.0.0.1/", "http://[::1/"}) {
    auto result = Get(io_, *client, url);
    ASSERT_FALSE(result.has_value()) << url;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << url;
  }
}

TEST_F(BeastHttpClientTest, HeaderValueWithLineBreakIsRefusedWithoutEchoingIt) {
  LoopbackServer server(io_, LoopbackServer::Mode::kRespond);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  ClientRequest request;
  request.url = Http(server.port());
  request.headers.set(beast_http::field::authorization, "Bearer secret\r\nX-Injected: 1");
  auto result = Send(io_, *client, std::move(request));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().message.find("secret"), std::string::npos);
  EXPECT_EQ(server.accepted(), 0);
}

TEST_F(BeastHttpClientTest, SendsHostUserAgentLengthAndCallerHeaders) {
  LoopbackServer server(io_, LoopbackServer::Mode::kRespond);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  ClientRequest request;
  request.method = beast_http::verb::post;
  request.url = Http(server.port(), "/api/token?a=1");
  request.headers.set(beast_http::field::authorization, "Basic abc");
  request.headers.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
  request.body = "code=xyz";
  auto result = Send(io_, *client, std::move(request));
  ASSERT_TRUE(result.has_value()) << Describe(result);
  EXPECT_EQ(result->body, "hello from loopback");
  ASSERT_EQ(server.requests().size(), 1u);
  const auto& seen = server.requests()[0];
  EXPECT_EQ(seen.method(), beast_http::verb::post);
  EXPECT_EQ(seen.target(), "/api/token?a=1");
  EXPECT_EQ(seen[beast_http::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[beast_http::field::user_agent], "spotauth/0.1");
  EXPECT_EQ(seen[beast_http::field::content_length], "8");
  EXPECT_EQ(seen[beast_http::field::authorization], "Basic abc");
  EXPECT_EQ(seen[beast_http::field::content_type], "application/x-www-form-urlencoded");
  EXPECT_EQ(seen.body(), "code=xyz");
}

TEST_F(BeastHttpClientTest, SequentialRequestsAcceptOneConnection) {
  LoopbackServer server(io_, LoopbackServer::Mode::kRespond);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 20; ++i) {
    auto result = Get(io_, *client, Http(server.port()));
    ASSERT_TRUE(result.has_value()) << i << ": " << Describe(result);
  }
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(server.requests().size(), 20u);
}

TEST_F(BeastHttpClientTest, ReusedConnectionClosedBeforeAnswerIsRetriedOnANewOne) {
  LoopbackServer server(io_, LoopbackServer::Mode::kCloseOnSecondRequest);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  auto first = Get(io_, *client, Http(server.port()));
  ASSERT_TRUE(first.has_value()) << Describe(first);
  ASSERT_EQ(client->IdleConnectionCount(), 1u);
  auto second = Get(io_, *client, Http(server.port()));
  ASSERT_TRUE(second.has_value()) << Describe(second);
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests().size(), 3u);  // first, the unanswered retry, and the retry
}

TEST_F(BeastHttpClientTest, APostOnAReusedConnectionThatDiesIsNeverSentTwice) {
  // The peer may have acted on the request before the connection died (a token POST that
  // redeemed a code); sending it again could turn one exchange into two (RFC 9110 9.2.2).
  LoopbackServer server(io_, LoopbackServer::Mode::kCloseOnSecondRequest);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(Get(io_, *client, Http(server.port())).has_value());
  ASSERT_EQ(client->IdleConnectionCount(), 1u);
  ClientRequest post;
  post.method = beast_http::verb::post;
  post.url = Http(server.port());
  post.body = "grant_type=authorization_code&code=once";
  auto result = Send(io_, *client, std::move(post));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(server.requests().size(), 2u);  // the first GET and the one POST
}

TEST_F(BeastHttpClientTest, AHugeChunkLineFromTheUpstreamIsRefusedNotBuffered) {
  LoopbackServer server(io_, LoopbackServer::Mode::kHugeChunkExtension);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Http(server.port()));
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(result.error().code == ErrorCode::kTooLarge ||
              result.error().code == ErrorCode::kUpstreamProtocol)
      << Describe(result);
  EXPECT_EQ(client->IdleConnectionCount(), 0u);
}

TEST_F(BeastHttpClientTest, IdleConnectionClosedByThePeerIsReplaced) {
  LoopbackServer server(io_, LoopbackServer::Mode::kRespondThenClose);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto result = Get(io_, *client, Http(server.port()));
    ASSERT_TRUE(result.has_value()) << i << ": " << Describe(result);
  }
  EXPECT_EQ(server.accepted(), 3);
}

TEST_F(BeastHttpClientTest, FreshConnectionClosedWithoutAnswerIsUnavailableAndNotRetried) {
  LoopbackServer server(io_, LoopbackServer::Mode::kCloseWithoutResponse);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Http(server.port()));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable) << Describe(result);
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(BeastHttpClientTest, ResponseThatIsNotHttpIsAProtocolError) {
  LoopbackServer server(io_, LoopbackServer::Mode::kGarbage);
  auto client = PlainClient();
  ASSERT_NE(client, nullptr);
  auto result = Get(io_, *client, Http(server.port()));
  ASSERT_FALSE(result.has_value()) << Describe(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUpstreamProtocol) << Describe(result);
  EXPECT_EQ(client->IdleConnectionCount(), 0u);
}

TEST_F(BeastHttpClientTest, MissingCaFileFailsCreate) {
  BeastHttpClient::Options options;
  options.ca_file = "/nonexistent/spotauth-ca.pem";
  auto client = BeastHttpClient::Create(io_.get_executor(), options);
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code, ErrorCode::kInvalidArgument);
}

// ---- Through a forward proxy (HTTPS_PROXY): tests/testing/connect_proxy.py ----

class ConnectProxy {
 public:
  explicit ConnectProxy(const std::string& credentials = "") {
    std::array<std::uint16_t, 1> ports{};
    EXPECT_TRUE(spotauth::testing::PickLoopbackPorts(ports));
    port_ = ports[0];
    log_ = ::testing::TempDir() + "connect-proxy-" + std::to_string(port_) + ".log";
    std::vector<std::string> args = {"/usr/bin/python3",
                                     SPOTAUTH_SOURCE_DIR "/tests/testing/connect_proxy.py",
                                     std::to_string(port_), log_};
    if (!credentials.empty()) args.push_back(credentials);
    process_ = std::make_unique<spotauth::testing::ChildProcess>(args, std::vector<std::string>{},
                                                                 "/dev/null", "/dev/null");
    for (int i = 0; i < 500 && !spotauth::testing::AcceptsConnections(port_); ++i) {
      std::this_thread::sleep_for(10ms);
    }
  }
  ~ConnectProxy() { std::remove(log_.c_str()); }
  std::string Url(const std::string& userinfo = "") const {
    return "http://" + userinfo + "127.0.0.1:" + std::to_string(port_);
  }
  std::string Log() const { return spotauth::testing::ReadFile(log_); }

 private:
  std::uint16_t port_ = 0;
  std::string log_;
  std::unique_ptr<spotauth::testing::ChildProcess> process_;
};

class BeastHttpClientProxyTest : public BeastHttpClientTlsTest {
 protected:
  BeastHttpClient::Options Through(const std::string& proxy_url, const std::string& no_proxy = "") {
    BeastHttpClient::Options options = TrustingTestCa();
    options.proxy = ParseForwardProxy(proxy_url, no_proxy).value();
    return options;
  }
};

TEST_F(BeastHttpClientProxyTest, HttpsGoesThroughTheProxyWithTlsEndToEnd) {
  ConnectProxy proxy;
  auto client = MakeClient(io_, Through(proxy.Url()));
  // api.spotify.test resolves nowhere but at the proxy; the certificate names it.
  auto result = Get(io_, *client, Https(nginx_->good_port(), "/json", "api.spotify.test"));
  ASSERT_TRUE(result) << Describe(result);
  EXPECT_EQ(result->status, 200u);
  EXPECT_EQ(result->body, "{\"ok\":true}");
  EXPECT_EQ(proxy.Log(), "CONNECT api.spotify.test:" + std::to_string(nginx_->good_port()) + "\n");
  // The pooled connection is the tunnel: a second request opens no second CONNECT.
  ASSERT_TRUE(Get(io_, *client, Https(nginx_->good_port(), "/json", "api.spotify.test")));
  EXPECT_EQ(proxy.Log(), "CONNECT api.spotify.test:" + std::to_string(nginx_->good_port()) + "\n");
}

TEST_F(BeastHttpClientProxyTest, CredentialsFromTheProxyUrlAreSent) {
  ConnectProxy proxy("user:p@ss");
  auto with = MakeClient(io_, Through(proxy.Url("user:p%40ss@")));
  EXPECT_TRUE(Get(io_, *with, Https(nginx_->good_port(), "/json", "api.spotify.test")));
  auto without = MakeClient(io_, Through(proxy.Url()));
  auto refused = Get(io_, *without, Https(nginx_->good_port(), "/json", "api.spotify.test"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message.find("407"), std::string::npos) << refused.error().message;
  EXPECT_EQ(refused.error().message.find("p@ss"), std::string::npos);
}

TEST_F(BeastHttpClientProxyTest, ARefusedTunnelIsAnErrorNamingTheStatus) {
  ConnectProxy proxy;
  auto client = MakeClient(io_, Through(proxy.Url()));
  auto result = Get(io_, *client, Https(443, "/", "refused.test"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("refused the tunnel: HTTP/1.1 403"), std::string::npos)
      << result.error().message;
}

TEST_F(BeastHttpClientProxyTest, NoProxyHostsAndLoopbackGoDirect) {
  ConnectProxy proxy;
  auto client = MakeClient(io_, Through(proxy.Url(), "spotify.test"));
  EXPECT_TRUE(Get(io_, *client, Https(nginx_->good_port(), "/json")));  // 127.0.0.1: direct
  auto direct = Get(io_, *client, Https(nginx_->good_port(), "/json", "api.spotify.test"));
  EXPECT_FALSE(direct);  // .test names resolve nowhere (RFC 2606) when not asked of the proxy
  EXPECT_EQ(proxy.Log(), "");
}

}  // namespace
}  // namespace spotauth::http
