#include "http/server_stream.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>

namespace spotauth::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A loop with connected pairs: the server end as a ServerStream, the client end plain.
class Loop {
 public:
  Loop() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  struct Pair {
    std::unique_ptr<ServerStream> server;
    std::unique_ptr<tcp::socket> client;
  };
  Pair Connect() {
    Pair pair;
    pair.client = std::make_unique<tcp::socket>(io_);
    pair.client->connect(acceptor_.local_endpoint());
    pair.server = std::make_unique<ServerStream>(acceptor_.accept());
    return pair;
  }

  asio::io_context& io() { return io_; }

  // Runs the loop until `done` holds or `limit` has passed.
  template <class Done>
  void RunUntil(Done done, Clock::duration limit) {
    const auto until = Clock::now() + limit;
    while (!done() && Clock::now() < until) io_.run_one_for(20ms);
  }

 private:
  asio::io_context io_{1};
  ServerAcceptor acceptor_;
};

// A read on a stream: its buffer, and how and when it ended.
struct Read {
  std::array<char, 16> buffer{};
  std::optional<boost::system::error_code> ec;
  Clock::duration after{};

  void Start(ServerStream& stream) {
    const auto start = Clock::now();
    stream.async_read_some(asio::buffer(buffer),
                           [this, start](const boost::system::error_code& error, std::size_t) {
                             ec = error;
                             after = Clock::now() - start;
                           });
  }
};

TEST(ServerStream, AReadEndsWhenTheDeadlinePasses) {
  Loop loop;
  auto pair = loop.Connect();
  Read end;
  pair.server->expires_after(100ms);
  end.Start(*pair.server);
  loop.RunUntil([&] { return end.ec.has_value(); }, 2s);
  ASSERT_TRUE(end.ec.has_value());
  EXPECT_TRUE(*end.ec) << "the read should have failed";
  EXPECT_GE(end.after, 95ms);
  EXPECT_LT(end.after, 1s);
  EXPECT_FALSE(pair.server->socket().is_open());
}

TEST(ServerStream, ADeadlineMovedLaterOrRemovedKeepsTheConnection) {
  Loop loop;
  auto later = loop.Connect();
  auto never = loop.Connect();
  Read later_end;
  Read never_end;
  later.server->expires_after(50ms);
  never.server->expires_after(50ms);
  later.server->expires_after(10s);
  never.server->expires_never();
  later_end.Start(*later.server);
  never_end.Start(*never.server);
  // The clients write well after the first deadlines would have passed.
  asio::steady_timer writer(loop.io(), 300ms);
  writer.async_wait([&](const boost::system::error_code&) {
    asio::write(*later.client, asio::buffer("x", 1));
    asio::write(*never.client, asio::buffer("y", 1));
  });
  loop.RunUntil([&] { return later_end.ec && never_end.ec; }, 1s);
  ASSERT_TRUE(later_end.ec && never_end.ec);
  EXPECT_FALSE(*later_end.ec) << later_end.ec->message();
  EXPECT_FALSE(*never_end.ec) << never_end.ec->message();
  EXPECT_EQ(later_end.buffer[0], 'x');
  EXPECT_EQ(never_end.buffer[0], 'y');
}

// The loop's one timer sleeps until the earliest deadline it knows; a shorter one set later
// must wake it sooner, and each connection keeps its own deadline.
TEST(ServerStream, AnEarlierDeadlineSetLaterIsKeptToo) {
  Loop loop;
  auto slow = loop.Connect();
  auto fast = loop.Connect();
  Read slow_end;
  Read fast_end;
  slow.server->expires_after(700ms);
  slow_end.Start(*slow.server);
  fast.server->expires_after(100ms);
  fast_end.Start(*fast.server);
  loop.RunUntil([&] { return slow_end.ec && fast_end.ec; }, 2s);
  ASSERT_TRUE(slow_end.ec && fast_end.ec);
  EXPECT_TRUE(*fast_end.ec);
  EXPECT_TRUE(*slow_end.ec);
  EXPECT_LT(fast_end.after, 400ms);
  EXPECT_GE(slow_end.after, 690ms);
  EXPECT_LT(slow_end.after, 1500ms);
}

TEST(ServerStream, AConnectionGoneBeforeItsDeadlineIsForgotten) {
  Loop loop;
  auto kept = loop.Connect();
  {
    auto gone = loop.Connect();
    gone.server->expires_after(20ms);
  }  // destroyed with its deadline pending: the loop's timer must not touch it
  Read end;
  kept.server->expires_after(150ms);
  end.Start(*kept.server);
  loop.RunUntil([&] { return end.ec.has_value(); }, 1s);
  ASSERT_TRUE(end.ec.has_value());
  EXPECT_TRUE(*end.ec);
  EXPECT_GE(end.after, 145ms);
}

TEST(ServerStream, CancelEndsTheReadButKeepsTheSocket) {
  Loop loop;
  auto pair = loop.Connect();
  Read end;
  end.Start(*pair.server);
  asio::post(loop.io(), [&] { pair.server->cancel(); });
  loop.RunUntil([&] { return end.ec.has_value(); }, 500ms);
  ASSERT_TRUE(end.ec.has_value());
  EXPECT_EQ(*end.ec, asio::error::operation_aborted);
  EXPECT_TRUE(pair.server->socket().is_open());
}

}  // namespace
}  // namespace spotauth::http
