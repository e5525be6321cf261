#include "store/counting_session_store.h"

#include <memory>

#include "store/memory_session_store.h"
#include "store/session_store_conformance.h"
#include "testing/recording_http_client.h"

namespace spotauth::store::testing {
namespace {

using spotauth::testing::RunSync;

// The wrapper behaves as the store it wraps.
INSTANTIATE_TEST_SUITE_P(CountingMemory, SessionStoreConformance,
                         ::testing::Values(StoreFactory{
                             "CountingMemory",
                             [](const Clock& clock) -> std::shared_ptr<SessionStore> {
                               auto inner = std::make_shared<MemorySessionStore>(clock);
                               auto counting = std::make_shared<CountingSessionStore>(*inner);
                               // Keeps the inner store alive as long as the wrapper.
                               return std::shared_ptr<SessionStore>(
                                   counting.get(), [inner, counting](SessionStore*) {});
                             }}),
                         FactoryName);

// A store whose every call fails, as a database that went away does.
class BrokenStore final : public SessionStore {
 public:
  template <class T>
  static boost::asio::awaitable<Result<T>> Fail() {
    co_return MakeError(ErrorCode::kStore, "gone");
  }
  boost::asio::awaitable<Result<bool>> UseState(std::string, TimePoint) override {
    return Fail<bool>();
  }
  boost::asio::awaitable<Result<void>> CreateSession(std::string, Session, std::size_t) override {
    return Fail<void>();
  }
  boost::asio::awaitable<Result<bool>> UpdateSession(std::string, Session) override {
    return Fail<bool>();
  }
  boost::asio::awaitable<Result<std::optional<Session>>> GetSession(std::string) override {
    return Fail<std::optional<Session>>();
  }
  boost::asio::awaitable<Result<void>> TouchSession(std::string, TimePoint) override {
    return Fail<void>();
  }
  boost::asio::awaitable<Result<void>> DeleteSession(std::string) override { return Fail<void>(); }
  boost::asio::awaitable<Result<bool>> TryLock(std::string, std::string, TimePoint) override {
    return Fail<bool>();
  }
  boost::asio::awaitable<Result<void>> Unlock(std::string, std::string) override {
    return Fail<void>();
  }
  boost::asio::awaitable<Result<void>> PauseUpstream(TimePoint) override { return Fail<void>(); }
  boost::asio::awaitable<Result<std::optional<TimePoint>>> UpstreamPause() override {
    return Fail<std::optional<TimePoint>>();
  }
  boost::asio::awaitable<Result<void>> Ping() override { return Fail<void>(); }
  boost::asio::awaitable<Result<std::size_t>> SweepExpired() override {
    return Fail<std::size_t>();
  }
};

TEST(CountingSessionStore, CountsEveryFailedCallAndPassesTheErrorOn) {
  BrokenStore broken;
  CountingSessionStore store(broken);
  auto got = RunSync(store.GetSession("k"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kStore);
  EXPECT_FALSE(RunSync(store.Ping()));
  EXPECT_FALSE(RunSync(store.TryLock("k", "me", TimePoint{})));
  EXPECT_EQ(store.Errors().Value(), 3u);
}

TEST(CountingSessionStore, DoesNotCountCallsThatSucceedOrFindNothing) {
  ManualClock clock;
  MemorySessionStore memory(clock);
  CountingSessionStore store(memory);
  EXPECT_TRUE(RunSync(store.Ping()));
  auto missing = RunSync(store.GetSession("absent"));
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  EXPECT_EQ(store.Errors().Value(), 0u);
}

}  // namespace
}  // namespace spotauth::store::testing
