#include "http/http_session.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/listener_test_support.h"

namespace spotauth::http {
namespace {

using namespace testing;  // NOLINT: the test support namespace
using SteadyClock = std::chrono::steady_clock;

// The server still answers a fresh connection: the previous abuse hurt nobody else.
void ExpectStillServing(std::uint16_t port) {
  RawClient client(port);
  ASSERT_TRUE(client.connected());
  auto response = client.Get("/after");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "path=/after");
}

// Sends `request` and expects exactly one error response with `status`, then a close.
void ExpectRejected(std::uint16_t port, const std::string& request, unsigned status) {
  RawClient client(port);
  ASSERT_TRUE(client.connected());
  client.Send(request);  // the server may close before taking it all; the answer still counts
  auto response = client.Read();
  ASSERT_TRUE(response.has_value()) << "no response, expected " << status;
  EXPECT_EQ(response->result_int(), status);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(IsClosed(client.ReadToEnd(2s)));
}

TEST(HttpSession, AnswersGetWithTheHandlersBodyAndServerHeader) {
  RunningServer server;
  RawClient client(server.port());
  auto response = client.Get("/hello");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "path=/hello");
  EXPECT_EQ((*response)[beast_http::field::content_length], "11");
  EXPECT_EQ((*response)[beast_http::field::server], "spotauth");
}

TEST(HttpSession, AnswersHeadWithTheGetContentLengthAndNoBody) {
  RunningServer server;
  const std::string get_body = RawClient(server.port()).Get("/page")->body();
  RawClient client(server.port());
  client.Send("HEAD /page HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  const RawClient::Ending ending = client.ReadToEnd();
  EXPECT_EQ(ending.ec, asio::error::eof);
  EXPECT_NE(ending.bytes.find("Content-Length: " + std::to_string(get_body.size()) + "\r\n"),
            std::string::npos)
      << ending.bytes;
  // Nothing may follow the blank line that ends the head.
  EXPECT_EQ(ending.bytes.find("\r\n\r\n"), ending.bytes.size() - 4) << ending.bytes;
}

TEST(HttpSession, ServesTwoRequestsOnOneKeptAliveConnection) {
  RunningServer server;
  RawClient client(server.port());
  auto first = client.Get("/one");
  auto second = client.Get("/two");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body(), "path=/one");
  EXPECT_EQ(second->body(), "path=/two");
  EXPECT_TRUE(second->keep_alive());
}

TEST(HttpSession, AnswersPipelinedRequestsInOrder) {
  RunningServer server;
  RawClient client(server.port());
  client.Send("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n");
  auto a = client.Read();
  auto b = client.Read();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->body(), "path=/a");
  EXPECT_EQ(b->body(), "path=/b");
}

TEST(HttpSession, HonoursConnectionCloseAndClosesAfterTheResponse) {
  RunningServer server;
  RawClient client(server.port());
  auto response = client.Get("/bye", /*keep_alive=*/false);
  ASSERT_TRUE(response.has_value());
  EXPECT_FALSE(response->keep_alive());
  EXPECT_EQ(client.ReadToEnd(2s).ec, asio::error::eof);
}

TEST(HttpSession, ClosesHttp10ConnectionsWithoutKeepAlive) {
  RunningServer server;
  RawClient client(server.port());
  client.Send("GET /old HTTP/1.0\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->version(), 10u);
  EXPECT_EQ(client.ReadToEnd(2s).ec, asio::error::eof);
}

TEST(HttpSession, PassesTheRequestBodyToTheHandler) {
  RunningServer server;
  RawClient client(server.port());
  client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "path=/echo body=hello");
}

TEST(HttpSession, AcceptsAChunkedBody) {
  RunningServer server;
  RawClient client(server.port());
  client.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "path=/echo body=abcde");
}

TEST(HttpSession, SendsContinueBeforeReadingABodyThatExpectsIt) {
  RunningServer server;
  RawClient client(server.port());
  client.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  auto interim = client.Read();
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->result_int(), 100);
  client.Send("ok");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "path=/echo body=ok");
}

TEST(HttpSession, RejectsAVeryLongRequestTargetWith414) {
  RunningServer server;
  ExpectRejected(server.port(),
                 "GET /" + std::string(64 * 1024, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n", 414);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsATargetJustOverTheLineLimitWith414) {
  ServerLimits limits = TestLimits();
  limits.max_request_line = 100;
  RunningServer server(TestOptions(limits));
  ExpectRejected(server.port(), "GET /" + std::string(120, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n",
                 414);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsAHugeHeaderWith431) {
  RunningServer server;
  ExpectRejected(server.port(),
                 "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(64 * 1024, 'b') + "\r\n\r\n",
                 431);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsTooManyHeadersWith431) {
  RunningServer server;
  std::string request = "GET / HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 200; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
  ExpectRejected(server.port(), request + "\r\n", 431);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsADeclaredBodyOverTheLimitWith413) {
  RunningServer server;
  ExpectRejected(
      server.port(),
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + std::string(100000, 'x'),
      413);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsAChunkedBodyThatGrowsOverTheLimitWith413) {
  RunningServer server;
  std::string request = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) request += "1000\r\n" + std::string(0x1000, 'y') + "\r\n";
  ExpectRejected(server.port(), request + "0\r\n\r\n", 413);
  ExpectStillServing(server.port());
}

// The process's peak resident memory (VmHWM) in KiB.
long PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(HttpSession, RefusesAHugeChunkExtensionWithoutBufferingIt) {
  RunningServer server;
  const std::string request = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                              std::string(16 << 20, 'x') + "\r\ny\r\n0\r\n\r\n";
  const long before = PeakRssKib();
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  client.Send(request);
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 400);
  // Before the bound, the server's read buffer grew to hold the whole 16 MiB line.
  EXPECT_LT(PeakRssKib() - before, 8 * 1024);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RefusesManySmallChunkExtensions) {
  RunningServer server;
  std::string request = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 100; ++i) request += "1;ext=" + std::string(10, 'e') + "\r\ny\r\n";
  ExpectRejected(server.port(), request + "0\r\n\r\n", 400);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RefusesAHugeTrailerSectionWith400) {
  RunningServer server;
  const std::string request =
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\ny\r\n0\r\nX-Trailer: " +
      std::string(4 << 20, 't') + "\r\n\r\n";
  const long before = PeakRssKib();
  ExpectRejected(server.port(), request, 400);
  EXPECT_LT(PeakRssKib() - before, 8 * 1024);
  ExpectStillServing(server.port());
}

TEST(HttpSession, CountsTrailerFieldsAgainstTheHeaderLimit) {
  RunningServer server;
  std::string request =
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1\r\ny\r\n0\r\n";
  for (int i = 0; i < 500; ++i) request += "T" + std::to_string(i) + ": v\r\n";
  ExpectRejected(server.port(), request + "\r\n", 431);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsAMissingOrRepeatedHostWith400) {
  RunningServer server;
  ExpectRejected(server.port(), "GET / HTTP/1.1\r\n\r\n", 400);
  ExpectRejected(server.port(), "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsObsoleteLineFoldingWith400) {
  RunningServer server;
  ExpectRejected(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nX-A: one\r\n two\r\n\r\n", 400);
  ExpectRejected(server.port(), "GET / HTTP/1.1\r\nHost: t\r\nX-A: one\r\n\ttwo\r\n\r\n", 400);
  ExpectStillServing(server.port());
}

TEST(HttpSession, ReadsAHeadThatArrivesInPieces) {
  RunningServer server;
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  for (std::string_view piece : {"GET /pie", "ces HTTP/1.1\r\nHo", "st: t\r\n", "\r\n"}) {
    ASSERT_TRUE(client.Send(piece));
    std::this_thread::sleep_for(20ms);
  }
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "path=/pieces");
}

TEST(HttpSession, RejectsATransferEncodingOtherThanChunkedWith400) {
  RunningServer server;
  ExpectRejected(server.port(), "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
                 400);
  ExpectRejected(server.port(),
                 "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                 400);
  ExpectStillServing(server.port());
}

TEST(HttpSession, RejectsHttp2PriorKnowledgeAndHttp09With400) {
  RunningServer server;
  ExpectRejected(server.port(), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400);
  ExpectRejected(server.port(), "GET /\r\n\r\n", 400);
  ExpectStillServing(server.port());
}

TEST(HttpSession, SurvivesOddTargetsByPassingThemOnOrAnswering400) {
  RunningServer server;
  const std::vector<std::string> targets = {"/%zz%", "/caf\xc3\xa9", "/\xff\xfe\x80",
                                            std::string("/a\0b", 4), "/tab\there"};
  for (const std::string& target : targets) {
    RawClient client(server.port());
    client.Send("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    auto response = client.Read();
    ASSERT_TRUE(response.has_value()) << target;
    EXPECT_TRUE(response->result_int() == 200 || response->result_int() == 400) << target;
    if (response->result_int() == 200) {
      EXPECT_EQ(response->body(), "path=" + target);
    }
  }
  ExpectStillServing(server.port());
}

TEST(HttpSession, AnswersOrClosesOnRawGarbage) {
  RunningServer server;
  std::mt19937 random(42);
  std::string binary(3000, '\0');
  for (char& c : binary) c = static_cast<char>(random());
  const std::string tls_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  for (const std::string& garbage : {binary, tls_hello + std::string(500, '\x01'),
                                     std::string("\r\n\r\n\r\n"), std::string("GET")}) {
    RawClient client(server.port());
    client.Send(garbage);
    client.ShutdownSend();
    const RawClient::Ending ending = client.ReadToEnd(3s);
    EXPECT_TRUE(IsClosed(ending)) << ending.ec.message();
    EXPECT_TRUE(ending.bytes.empty() || ending.bytes.starts_with("HTTP/1.1 400 ")) << ending.bytes;
  }
  ExpectStillServing(server.port());
}

TEST(HttpSession, ClosesASlowClientAfterTheHeaderTimeout) {
  ServerLimits limits = TestLimits();
  limits.header_timeout = 200ms;
  RunningServer server(TestOptions(limits));
  RawClient client(server.port());
  client.Send("GET /slowloris HTTP/1.1\r\nHost: t\r\n");
  const auto start = SteadyClock::now();
  const RawClient::Ending ending = client.ReadToEnd(3s);
  const auto waited = SteadyClock::now() - start;
  EXPECT_TRUE(IsClosed(ending)) << ending.ec.message();
  EXPECT_TRUE(ending.bytes.empty()) << ending.bytes;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 2s);
  ExpectStillServing(server.port());
}

TEST(HttpSession, CountsTheFirstHeaderTimeoutFromAcceptNotFromTheFirstByte) {
  ServerLimits limits = TestLimits();
  limits.header_timeout = 300ms;
  RunningServer server(TestOptions(limits));
  const auto start = SteadyClock::now();
  RawClient client(server.port());
  std::this_thread::sleep_for(250ms);
  client.Send("GET /late HTTP/1.1\r\n");
  const RawClient::Ending ending = client.ReadToEnd(3s);
  EXPECT_TRUE(IsClosed(ending)) << ending.ec.message();
  // Re-arming the timeout at the first byte would keep the connection until 550 ms.
  EXPECT_LT(SteadyClock::now() - start, 500ms);
}

TEST(HttpSession, ClosesAClientThatNeverFinishesItsBodyAfterTheBodyTimeout) {
  ServerLimits limits = TestLimits();
  limits.body_timeout = 200ms;
  RunningServer server(TestOptions(limits));
  RawClient client(server.port());
  client.Send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  const RawClient::Ending ending = client.ReadToEnd(3s);
  EXPECT_TRUE(IsClosed(ending)) << ending.ec.message();
  EXPECT_TRUE(ending.bytes.empty()) << ending.bytes;
}

TEST(HttpSession, ClosesAnIdleKeptAliveConnectionSilentlyAfterTheIdleTimeout) {
  ServerLimits limits = TestLimits();
  limits.idle_timeout = 200ms;
  RunningServer server(TestOptions(limits));
  RawClient client(server.port());
  ASSERT_TRUE(client.Get("/first").has_value());
  const auto start = SteadyClock::now();
  const RawClient::Ending ending = client.ReadToEnd(3s);
  EXPECT_TRUE(IsClosed(ending)) << ending.ec.message();
  EXPECT_TRUE(ending.bytes.empty()) << ending.bytes;
  EXPECT_LT(SteadyClock::now() - start, 2s);
}

TEST(HttpSession, EndsTheConnectionAfterMaxRequestsPerConnection) {
  ServerLimits limits = TestLimits();
  limits.max_requests_per_connection = 2;
  RunningServer server(TestOptions(limits));
  RawClient client(server.port());
  auto first = client.Get("/1");
  auto second = client.Get("/2");
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->keep_alive());
  EXPECT_FALSE(second->keep_alive());
  EXPECT_EQ(client.ReadToEnd(2s).ec, asio::error::eof);
}

TEST(HttpSession, AnswersAThrowingHandlerWith500AndKeepsServing) {
  RunningServer server;
  RawClient client(server.port());
  auto response = client.Get("/throw");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 500);
  EXPECT_EQ(response->body().find("handler bug"), std::string::npos);
  auto next = client.Get("/fine");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->result_int(), 200);
  ExpectStillServing(server.port());
}

TEST(HttpSession, ResetsTheConnectionWithoutAnswerWhenTheHandlerAsks) {
  RunningServer server;
  RawClient client(server.port());
  client.Send("GET /reset HTTP/1.1\r\nHost: t\r\n\r\n");
  const RawClient::Ending ending = client.ReadToEnd(3s);
  EXPECT_EQ(ending.ec, asio::error::connection_reset) << ending.ec.message();
  EXPECT_TRUE(ending.bytes.empty()) << ending.bytes;
  ExpectStillServing(server.port());
}

TEST(HttpSession, DropsTheBodyOfA204AndKeepsTheConnectionUsable) {
  RunningServer server;
  RawClient client(server.port());
  auto response = client.Get("/no-content");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 204);
  EXPECT_TRUE(response->body().empty());
  auto next = client.Get("/next");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->body(), "path=/next");
}

TEST(HttpSession, AccessLogHasMethodPathAndStatusButNoQueryOrHeaders) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  {
    ListenerOptions options = TestOptions();
    options.access_log = true;
    RunningServer server(options);
    RawClient client(server.port());
    client.Send(
        "GET /callback?code=SECRETCODE HTTP/1.1\r\nHost: t\r\nCookie: sid=SECRETSID\r\n\r\n");
    ASSERT_TRUE(client.Read().has_value());
    server.listener.Stop();
  }
  spdlog::set_default_logger(previous);
  const std::string log = captured.str();
  EXPECT_NE(log.find("GET /callback 200"), std::string::npos) << log;
  EXPECT_EQ(log.find("SECRET"), std::string::npos) << log;
}

// Runs `request` through a server with `options` and returns what the access log wrote.
std::string AccessLogOf(ListenerOptions options, const std::string& request) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  sink->set_pattern("%v");
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  {
    options.access_log = true;
    RunningServer server(options);
    RawClient client(server.port());
    client.Send(request);
    EXPECT_TRUE(client.Read().has_value());
    server.listener.Stop();
  }
  spdlog::set_default_logger(previous);
  return captured.str();
}

TEST(HttpSession, AccessLogNamesThePeerAsClientUnlessItIsATrustedProxy) {
  const std::string request =
      "GET /x HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 6.6.6.6, 198.51.100.7\r\n"
      "X-Request-Id: abc\r\n\r\n";
  EXPECT_NE(AccessLogOf(TestOptions(), request).find("client=127.0.0.1 id=abc"), std::string::npos);
  ListenerOptions behind_proxy = TestOptions();
  behind_proxy.trusted_proxies = TrustedProxies::Parse("127.0.0.0/8").value();
  EXPECT_NE(AccessLogOf(behind_proxy, request).find("client=198.51.100.7 id=abc"),
            std::string::npos);
}

TEST(HttpSession, JsonAccessLogWritesTheFieldsAsJsonMembers) {
  ListenerOptions options = TestOptions();
  options.access_log_format = AccessLogFormat::kJson;
  const std::string log = AccessLogOf(options, "GET /x?secret=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(log.find("\"method\":\"GET\",\"path\":\"/x\",\"status\":200"), std::string::npos)
      << log;
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
}

}  // namespace
}  // namespace spotauth::http
