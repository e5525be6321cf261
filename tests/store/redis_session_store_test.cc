// The Redis store: the conformance suite against a real redis-server, then what only a
// networked store has to survive (Redis stopped, restarted, stalled) and its key layout.
#include "store/redis_session_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include "store/open_session_store.h"
#include "store/session_store_conformance.h"
#include "store/store_location.h"
#include "testing/redis_server.h"
#include "testing/run_awaitable.h"

namespace spotauth::store::testing {
namespace {

using namespace std::chrono_literals;
using spotauth::testing::RedisServer;
using spotauth::testing::RedisServerOptions;
using spotauth::testing::RunAwaitable;

RedisServer& SharedServer() {
  static std::unique_ptr<RedisServer> server = [] {
    std::string error;
    auto started = RedisServer::Start({}, &error);
    if (!started) ADD_FAILURE() << "cannot start redis-server: " << error;
    return started;
  }();
  return *server;
}

RedisStoreOptions OptionsFor(const RedisServer& server, std::string prefix) {
  RedisStoreOptions options;
  options.endpoint.host = "127.0.0.1";
  options.endpoint.port = server.port();
  options.prefix = std::move(prefix);
  return options;
}

// Each store gets its own key prefix in the binary's one redis-server: fresh and empty.
INSTANTIATE_TEST_SUITE_P(Redis, SessionStoreConformance,
                         ::testing::Values(StoreFactory{
                             "Redis",
                             [](const Clock& clock) -> std::shared_ptr<SessionStore> {
                               static std::atomic<int> serial{0};
                               return std::make_shared<RedisSessionStore>(
                                   OptionsFor(SharedServer(),
                                              "conformance" + std::to_string(++serial) + ":"),
                                   clock);
                             }}),
                         FactoryName);

Session MakeSession(const Clock& clock, std::chrono::milliseconds lifetime = 1h) {
  return Session{"alice", "Alice", "sealed", clock.Now(), clock.Now() + lifetime};
}

// The store's connections to `server`: every client but the one that asks.
int StoreConnections(const RedisServer& server) {
  std::istringstream lines(server.Command({"CLIENT", "LIST"}));
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.find("cmd=client") == std::string::npos) ++count;
  }
  return count;
}

// Redis notices a close asynchronously: waits up to 3 s for the count to become `want`.
bool StoreConnectionsBecome(const RedisServer& server, int want) {
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (StoreConnections(server) != want) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Runs `call` on `loop` (which another thread runs) and waits for its answer.
template <class T>
T CallOn(boost::asio::io_context& loop, boost::asio::awaitable<T> call) {
  return boost::asio::co_spawn(loop, std::move(call), boost::asio::use_future).get();
}

boost::asio::awaitable<void> CreateAndRead(SessionStore& store, std::string key, Session session,
                                           std::atomic<int>& good) {
  const std::string user = session.user_id;
  auto created = co_await store.CreateSession(key, std::move(session), 10);
  auto got = co_await store.GetSession(key);
  if (created && got && *got && (*got)->user_id == user) ++good;
}

class RedisSessionStoreTest : public ::testing::Test {
 protected:
  void StartRedis(RedisServerOptions options = {}) {
    std::string error;
    server_ = RedisServer::Start(std::move(options), &error);
    ASSERT_TRUE(server_) << error;
  }
  std::unique_ptr<RedisSessionStore> MakeStore(RedisStoreOptions options) {
    return std::make_unique<RedisSessionStore>(std::move(options), clock_);
  }
  std::unique_ptr<RedisSessionStore> MakeStore() {
    RedisStoreOptions options = OptionsFor(*server_, "spotauth:");
    options.timeouts.command = 300ms;
    options.timeouts.first_retry = 50ms;
    options.timeouts.max_retry = 200ms;
    return MakeStore(std::move(options));
  }
  // Calls `GetSession` until it answers without an error (Redis back), for up to 3 s.
  Result<std::optional<Session>> GetWhenBack(SessionStore& store, const std::string& key) {
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (true) {
      auto got = RunAwaitable(store.GetSession(key));
      if (got || std::chrono::steady_clock::now() > until) return got;
      std::this_thread::sleep_for(20ms);
    }
  }

  ManualClock clock_;
  std::unique_ptr<RedisServer> server_;
};

TEST_F(RedisSessionStoreTest, KeysCarryThePrefixAndOneSessionsKeysShareAHashTag) {
  StartRedis();
  auto store = MakeStore();
  ASSERT_TRUE(RunAwaitable(store->CreateSession("abc", MakeSession(clock_), 10)));
  ASSERT_TRUE(RunAwaitable(store->TryLock("abc", "me", clock_.Now() + 5s)).value());
  ASSERT_TRUE(RunAwaitable(store->UseState("def", clock_.Now() + 600s)).value());
  const std::string keys = server_->Command({"KEYS", "*"});
  for (const char* key : {"spotauth:{abc}:s", "spotauth:{abc}:lease", "spotauth:{def}:state",
                          "spotauth:{user:alice}:sessions"}) {
    EXPECT_NE(keys.find(key), std::string::npos) << key << " in\n" << keys;
  }
  EXPECT_EQ(server_->Command({"DBSIZE"}), "4");
}

TEST_F(RedisSessionStoreTest, RedisForgetsEachKeyWhenItExpires) {
  StartRedis();
  auto store = MakeStore();
  ASSERT_TRUE(RunAwaitable(store->CreateSession("abc", MakeSession(clock_, 1h), 10)));
  ASSERT_TRUE(RunAwaitable(store->TryLock("abc", "me", clock_.Now() + 5s)).value());
  ASSERT_TRUE(RunAwaitable(store->UseState("def", clock_.Now() + 600s)).value());
  const auto ttl = [&](const char* key) { return std::stoll(server_->Command({"PTTL", key})); };
  EXPECT_GT(ttl("spotauth:{abc}:s"), 3'590'000);
  EXPECT_LE(ttl("spotauth:{abc}:s"), 3'600'000);
  EXPECT_GT(ttl("spotauth:{abc}:lease"), 4'000);
  EXPECT_LE(ttl("spotauth:{abc}:lease"), 5'000);
  EXPECT_GT(ttl("spotauth:{def}:state"), 599'000);
  EXPECT_GT(ttl("spotauth:{user:alice}:sessions"), 3'590'000);
  // A touch moves Redis' expiry with the session's.
  ASSERT_TRUE(RunAwaitable(store->TouchSession("abc", clock_.Now() + 2h)));
  EXPECT_GT(ttl("spotauth:{abc}:s"), 7'190'000);
}

TEST_F(RedisSessionStoreTest, ReachesRedisOverAUnixSocketWithAPassword) {
  StartRedis({.password = "s3cret"});
  RedisStoreOptions options;
  options.endpoint.unix_path = server_->unix_socket();
  options.endpoint.password = "s3cret";
  options.endpoint.database = 3;
  auto store = MakeStore(std::move(options));
  ASSERT_TRUE(RunAwaitable(store->Ping()));
  ASSERT_TRUE(RunAwaitable(store->CreateSession("abc", MakeSession(clock_), 10)));
  EXPECT_NE(server_->Command({"INFO", "keyspace"}).find("db3:keys=2"), std::string::npos);
  auto got = RunAwaitable(store->GetSession("abc"));
  ASSERT_TRUE(got && *got);
}

TEST_F(RedisSessionStoreTest, AWrongPasswordIsAStoreErrorNotACrash) {
  StartRedis({.password = "s3cret"});
  RedisStoreOptions options = OptionsFor(*server_, "spotauth:");
  options.endpoint.password = "wrong";
  auto store = MakeStore(std::move(options));
  auto ping = RunAwaitable(store->Ping());
  ASSERT_FALSE(ping);
  EXPECT_EQ(ping.error().code, ErrorCode::kStore);
}

TEST_F(RedisSessionStoreTest, WhileRedisIsDownCallsFailFastAndRecoverWithoutARestart) {
  StartRedis({.append_only = true});
  auto store = MakeStore();
  ASSERT_TRUE(RunAwaitable(store->CreateSession("abc", MakeSession(clock_), 10)));
  server_->Stop();
  for (int i = 0; i < 5; ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto got = RunAwaitable(store->GetSession("abc"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::kStore);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
    EXPECT_FALSE(RunAwaitable(store->Ping()));
  }
  std::string error;
  ASSERT_TRUE(server_->Restart(&error)) << error;
  auto got = GetWhenBack(*store, "abc");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->has_value());  // append-only: the session survived the restart
  EXPECT_TRUE(RunAwaitable(store->Ping()));
}

TEST_F(RedisSessionStoreTest, ARestartWithoutPersistenceLeavesNoSessionAndNoError) {
  StartRedis();
  auto store = MakeStore();
  ASSERT_TRUE(RunAwaitable(store->CreateSession("abc", MakeSession(clock_), 10)));
  std::string error;
  ASSERT_TRUE(server_->Restart(&error)) << error;
  auto got = GetWhenBack(*store, "abc");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_FALSE(got->has_value());
}

TEST_F(RedisSessionStoreTest, AStalledRedisFailsEachCallWithinTheDeadline) {
  StartRedis();
  auto store = MakeStore();
  ASSERT_TRUE(RunAwaitable(store->CreateSession("abc", MakeSession(clock_), 10)));
  server_->Pause();
  for (int i = 0; i < 3; ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto got = RunAwaitable(store->GetSession("abc"));
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, ErrorCode::kStore);
    EXPECT_LT(took, 2s);  // the deadline is 300 ms; generous for a loaded machine
  }
  server_->Resume();
  auto got = GetWhenBack(*store, "abc");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->has_value());
}

TEST_F(RedisSessionStoreTest, EachLoopHasItsOwnConnectionForAsLongAsTheLoopLives) {
  StartRedis();
  auto store = MakeStore();
  boost::asio::io_context first;
  boost::asio::io_context second;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(RunAwaitable(first, store->Ping()));
    ASSERT_TRUE(RunAwaitable(second, store->Ping()));
  }
  EXPECT_EQ(StoreConnections(*server_), 2);  // one per loop, kept from call to call
  {
    boost::asio::io_context third;
    ASSERT_TRUE(RunAwaitable(third, store->Ping()));
    EXPECT_EQ(StoreConnections(*server_), 3);
  }
  EXPECT_TRUE(StoreConnectionsBecome(*server_, 2));  // the loop's end closed its connection
  ASSERT_TRUE(RunAwaitable(first, store->Ping()));
  EXPECT_EQ(StoreConnections(*server_), 2);
}

TEST_F(RedisSessionStoreTest, TheStoresEndClosesItsConnectionsWhileTheLoopRunsOn) {
  StartRedis();
  boost::asio::io_context loop;
  auto work = boost::asio::make_work_guard(loop);
  std::thread runner([&loop] { loop.run(); });
  auto store = MakeStore();
  ASSERT_TRUE(CallOn(loop, store->CreateSession("abc", MakeSession(clock_), 10)));
  EXPECT_EQ(StoreConnections(*server_), 1);
  store.reset();
  EXPECT_TRUE(StoreConnectionsBecome(*server_, 0));
  auto next = MakeStore();  // the loop serves a new store with a new connection
  auto got = CallOn(loop, next->GetSession("abc"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->has_value());
  EXPECT_EQ(StoreConnections(*server_), 1);
  next.reset();
  work.reset();
  runner.join();  // and, with nothing left to do, the loop ends
}

TEST_F(RedisSessionStoreTest, ALoopEndsOnceItsCallsAreAnswered) {
  StartRedis();
  RedisStoreOptions options = OptionsFor(*server_, "spotauth:");
  options.timeouts.command = 60s;  // a deadline left waiting would hold the loop past the check
  auto store = MakeStore(std::move(options));
  boost::asio::io_context loop;
  std::atomic<int> good{0};
  boost::asio::co_spawn(loop, CreateAndRead(*store, "abc", MakeSession(clock_), good),
                        boost::asio::detached);
  // An idle connection must not keep run() going (as a pending read or deadline would).
  auto ran = std::async(std::launch::async, [&loop] { loop.run(); });
  const bool ended = ran.wait_for(5s) == std::future_status::ready;
  if (!ended) loop.stop();
  EXPECT_TRUE(ended) << "run() went on after the last answer";
  EXPECT_EQ(good, 1);
  EXPECT_EQ(StoreConnections(*server_), 1);  // ended, yet kept for the loop's next call
  boost::asio::co_spawn(loop, CreateAndRead(*store, "def", MakeSession(clock_), good),
                        boost::asio::detached);
  loop.restart();
  loop.run();
  EXPECT_EQ(good, 2);
}

TEST_F(RedisSessionStoreTest, AConnectionRedisClosedWhileIdleIsReplacedWithoutFailingACall) {
  StartRedis();
  auto store = MakeStore();
  boost::asio::io_context loop;
  ASSERT_TRUE(RunAwaitable(loop, store->CreateSession("abc", MakeSession(clock_), 10)));
  EXPECT_EQ(server_->Command({"CLIENT", "KILL", "TYPE", "normal"}), "1");
  ASSERT_TRUE(StoreConnectionsBecome(*server_, 0));
  auto got = RunAwaitable(loop, store->GetSession("abc"));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->has_value());
}

TEST_F(RedisSessionStoreTest, ALoopThatSeveralThreadsRunIsServedSafely) {
  StartRedis();
  auto store = MakeStore();
  boost::asio::io_context loop;
  std::atomic<int> good{0};
  constexpr int kCalls = 300;
  for (int i = 0; i < kCalls; ++i) {
    const std::string n = std::to_string(i);
    Session session{"user" + n, "User " + n, "sealed", clock_.Now(), clock_.Now() + 1h};
    boost::asio::co_spawn(loop, CreateAndRead(*store, "k" + n, std::move(session), good),
                          boost::asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) threads.emplace_back([&loop] { loop.run(); });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good, kCalls);
  EXPECT_EQ(StoreConnections(*server_), 1);  // one loop, one connection, on a strand
}

boost::asio::awaitable<void> ReadExpectingFailure(SessionStore& store, std::string key,
                                                  std::atomic<int>& failed) {
  auto got = co_await store.GetSession(std::move(key));
  if (!got && got.error().code == ErrorCode::kStore) ++failed;
}

TEST_F(RedisSessionStoreTest, CommandsInFlightWhenRedisStallsAllFailWithinTheDeadline) {
  StartRedis();
  auto store = MakeStore();
  boost::asio::io_context loop;
  ASSERT_TRUE(RunAwaitable(loop, store->CreateSession("abc", MakeSession(clock_), 10)));
  server_->Pause();
  std::atomic<int> failed{0};
  for (int i = 0; i < 20; ++i) {  // one pipeline, watched by one deadline
    boost::asio::co_spawn(loop, ReadExpectingFailure(*store, "abc", failed), boost::asio::detached);
  }
  const auto started = std::chrono::steady_clock::now();
  loop.restart();
  loop.run();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);  // the deadline is 300 ms
  EXPECT_EQ(failed, 20);
  server_->Resume();
  auto got = GetWhenBack(*store, "abc");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->has_value());
}

TEST_F(RedisSessionStoreTest, OpenSessionStoreOpensARedisLocation) {
  StartRedis();
  auto where = ParseStoreLocation(server_->Url(2), "/unused.db");
  ASSERT_TRUE(where) << where.error().message;
  where->redis_prefix = "custom:";
  auto store = OpenSessionStore(*where, clock_);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE(RunAwaitable((*store)->UseState("x", clock_.Now() + 10s)).value());
  EXPECT_NE(server_->Command({"INFO", "keyspace"}).find("db2:keys=1"), std::string::npos);
}

}  // namespace
}  // namespace spotauth::store::testing
