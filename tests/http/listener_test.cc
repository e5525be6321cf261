#include "http/listener.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "testing/listener_test_support.h"

namespace spotauth::http {
namespace {

using namespace testing;  // NOLINT: the test support namespace
using SteadyClock = std::chrono::steady_clock;

// Polls `condition` for up to two seconds.
template <class Condition>
bool Eventually(Condition condition) {
  const auto deadline = SteadyClock::now() + 2s;
  while (!condition()) {
    if (SteadyClock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

TEST(Listener, ResolvesPortZeroToARealPortAndServes) {
  RunningServer server;
  ASSERT_NE(server.port(), 0);
  RawClient client(server.port());
  ASSERT_TRUE(client.connected());
  auto response = client.Get("/");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200);
}

TEST(Listener, ReportsAnAddressInUseAsAnError) {
  asio::io_context ioc;
  tcp::acceptor taken(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  ListenerOptions options = TestOptions();
  options.port = taken.local_endpoint().port();
  Listener listener(options, TestFactory(std::make_shared<HandlerLog>()));
  auto started = listener.Start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("already in use"), std::string::npos)
      << started.error().message;
}

TEST(Listener, ASecondListenerOnTheSamePortIsRefusedThoughBothUseReusePort) {
  // Our own acceptors share a port through SO_REUSEPORT; another process of the same user
  // doing the same would silently take half the connections (with another secret).
  RunningServer first(TestOptions(TestLimits(), /*threads=*/2));
  ListenerOptions options = TestOptions();
  options.port = first.port();
  Listener second(options, TestFactory(std::make_shared<HandlerLog>()));
  auto started = second.Start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("already in use"), std::string::npos)
      << started.error().message;
  RawClient client(first.port());  // the first one is untouched
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.Get("/")->result_int(), 200);
}

TEST(Listener, RejectsAHostThatIsNotAnAddress) {
  ListenerOptions options = TestOptions();
  options.host = "not an address";
  Listener listener(options, TestFactory(std::make_shared<HandlerLog>()));
  auto started = listener.Start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
}

TEST(Listener, RejectsAFactoryThatReturnsNoHandler) {
  Listener listener(TestOptions(), [](asio::io_context&) { return nullptr; });
  auto started = listener.Start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
}

TEST(Listener, RefusesToStartTwice) {
  RunningServer server;
  auto again = server.listener.Start();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
}

TEST(Listener, AnswersManyConcurrentConnectionsAcrossTwoThreads) {
  RunningServer server(TestOptions(TestLimits(), /*threads=*/2));
  constexpr int kConnections = 200;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kConnections; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
    ASSERT_TRUE(
        clients.back()->Send("GET /c" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n"));
  }
  for (int i = 0; i < kConnections; ++i) {
    auto response = clients[i]->Read();
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_EQ(response->body(), "path=/c" + std::to_string(i));
  }
  EXPECT_TRUE(Eventually([&] { return server.listener.ActiveConnections() == kConnections; }));
  std::lock_guard lock(server.log->mutex);
  // SO_REUSEPORT spreads connections by hash: with 200 of them both loops get some.
  EXPECT_EQ(server.log->threads.size(), 2u);
}

TEST(Listener, ClosesConnectionsPastMaxConnectionsWhileTheOthersKeepWorking) {
  ServerLimits limits = TestLimits();
  limits.max_connections = 2;
  RunningServer server(TestOptions(limits));
  RawClient first(server.port());
  RawClient second(server.port());
  ASSERT_TRUE(first.Get("/1").has_value());
  ASSERT_TRUE(second.Get("/2").has_value());

  RawClient third(server.port());
  third.Send("GET /3 HTTP/1.1\r\nHost: t\r\n\r\n");
  const RawClient::Ending ending = third.ReadToEnd(2s);
  EXPECT_TRUE(IsClosed(ending)) << ending.ec.message();
  EXPECT_TRUE(ending.bytes.empty()) << ending.bytes;

  ASSERT_TRUE(first.Get("/1again").has_value());
  ASSERT_TRUE(second.Get("/2again").has_value());
  EXPECT_EQ(server.listener.ActiveConnections(), 2u);
}

TEST(Listener, CountsConnectionsUntilTheyClose) {
  RunningServer server;
  {
    RawClient client(server.port());
    ASSERT_TRUE(client.Get("/").has_value());
    EXPECT_EQ(server.listener.ActiveConnections(), 1u);
  }
  EXPECT_TRUE(Eventually([&] { return server.listener.ActiveConnections() == 0; }));
}

TEST(Listener, StopLetsAnInFlightRequestFinishAndClosesIdleConnections) {
  RunningServer server;
  RawClient idle(server.port());
  ASSERT_TRUE(idle.Get("/warm").has_value());
  RawClient busy(server.port());
  const int entered_before = server.log->entered;
  busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(Eventually([&] { return server.log->entered > entered_before; }));

  const auto start = SteadyClock::now();
  auto stopped = std::async(std::launch::async, [&] { server.listener.Stop(2s); });
  auto response = busy.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "path=/slow");
  // Whether the answer still says keep-alive depends on whether Stop began before the handler
  // finished; either way the server closes the connection afterwards.
  EXPECT_TRUE(IsClosed(busy.ReadToEnd(2s)));
  EXPECT_TRUE(IsClosed(idle.ReadToEnd(2s)));
  stopped.get();
  EXPECT_LT(SteadyClock::now() - start, 2s);
  EXPECT_EQ(server.listener.ActiveConnections(), 0u);

  RawClient late(server.port());
  EXPECT_FALSE(late.connected() && late.Get("/late").has_value());
}

TEST(Listener, StopAbortsRequestsStillRunningAfterTheGracePeriod) {
  RunningServer server;
  RawClient client(server.port());
  const int entered_before = server.log->entered;
  client.Send("GET /hang HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(Eventually([&] { return server.log->entered > entered_before; }));
  const auto start = SteadyClock::now();
  server.listener.Stop(100ms);
  const auto took = SteadyClock::now() - start;
  EXPECT_GE(took, 90ms);
  EXPECT_LT(took, 2s);
  const RawClient::Ending ending = client.ReadToEnd(2s);
  EXPECT_TRUE(IsClosed(ending)) << ending.ec.message();
  EXPECT_TRUE(ending.bytes.empty()) << ending.bytes;
}

// The connection's own reads carry no cancellation slot (http_session.cc): Abort must end them
// by closing the socket, well before the body timeout or the loop's last-resort stop.
TEST(Listener, StopAbortsAConnectionStillReadingABodyAfterTheGracePeriod) {
  RunningServer server;
  RawClient client(server.port());
  client.Send("POST /body HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
  // Time for the connection to read the head and wait for the rest of the body (were it still
  // waiting for a first byte, the stop would close it at once and the lower bound would fail).
  std::this_thread::sleep_for(200ms);
  const auto start = SteadyClock::now();
  server.listener.Stop(100ms);
  const auto took = SteadyClock::now() - start;
  EXPECT_GE(took, 90ms);
  EXPECT_LT(took, 450ms);  // abort unwinding gets 500 ms before the loop is stopped regardless
  EXPECT_TRUE(IsClosed(client.ReadToEnd(2s)));
}

TEST(Listener, StopIsIdempotentAndSafeFromSeveralThreads) {
  RunningServer server(TestOptions(TestLimits(), 2));
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 3; ++i) stoppers.emplace_back([&] { server.listener.Stop(1s); });
  for (auto& t : stoppers) t.join();
  server.listener.Stop();
  EXPECT_EQ(server.listener.ActiveConnections(), 0u);
}

TEST(Listener, DestructionWhileServingStopsPromptly) {
  const auto start = SteadyClock::now();
  std::uint16_t port = 0;
  {
    RunningServer server(TestOptions(TestLimits(), 2));
    port = server.port();
    RawClient client(port);
    ASSERT_TRUE(client.Get("/").has_value());
    // The kept-alive connection is still open when the listener goes away.
  }
  EXPECT_LT(SteadyClock::now() - start, 2s);
  RawClient after(port);
  EXPECT_FALSE(after.connected() && after.Get("/").has_value());
}

}  // namespace
}  // namespace spotauth::http
