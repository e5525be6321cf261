#include "store/session_store_conformance.h"

#include <atomic>
#include <thread>
#include <vector>

#include "testing/run_awaitable.h"

namespace spotauth::store::testing {
namespace {

using namespace std::chrono_literals;
using spotauth::testing::RunAwaitable;

Session MakeSession(const Clock& clock, std::string user = "alice") {
  return Session{std::move(user), "Alice", std::string("\x01\x00sealed\xff", 9), clock.Now(),
                 clock.Now() + 1h};
}

PendingLogin MakePending(const Clock& clock, std::chrono::seconds ttl = 600s) {
  return PendingLogin{"browser-hash", std::string("verifier\x00\x01", 10), clock.Now() + ttl};
}

TEST_P(SessionStoreConformance, AbsentSessionReadsEmpty) {
  auto got = RunAwaitable(store_->GetSession("nobody"));
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
}

TEST_P(SessionStoreConformance, StoredSessionReadsBackExactly) {
  const Session s = MakeSession(clock_);
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k1", s)));
  auto got = RunAwaitable(store_->GetSession("k1"));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, s);
}

TEST_P(SessionStoreConformance, PutReplacesTheSession) {
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k1", MakeSession(clock_, "alice"))));
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k1", MakeSession(clock_, "bob"))));
  auto got = RunAwaitable(store_->GetSession("k1"));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->user_id, "bob");
}

TEST_P(SessionStoreConformance, ExpiredSessionReadsEmpty) {
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k1", MakeSession(clock_))));
  clock_.Advance(1h - 1s);
  EXPECT_TRUE(RunAwaitable(store_->GetSession("k1")).value().has_value());
  clock_.Advance(1s);
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
}

TEST_P(SessionStoreConformance, TouchMovesTheExpiryAndKeepsTheData) {
  const Session s = MakeSession(clock_);
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k1", s)));
  ASSERT_TRUE(RunAwaitable(store_->TouchSession("k1", clock_.Now() + 3h)));
  clock_.Advance(2h);
  auto got = RunAwaitable(store_->GetSession("k1"));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->sealed_token, s.sealed_token);
  EXPECT_EQ((*got)->expires_at, s.created_at + 3h);
}

TEST_P(SessionStoreConformance, TouchDoesNotResurrectOrCreate) {
  ASSERT_TRUE(RunAwaitable(store_->TouchSession("absent", clock_.Now() + 1h)));
  EXPECT_FALSE(RunAwaitable(store_->GetSession("absent")).value().has_value());
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k1", MakeSession(clock_))));
  clock_.Advance(1h);
  ASSERT_TRUE(RunAwaitable(store_->TouchSession("k1", clock_.Now() + 1h)));
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
}

TEST_P(SessionStoreConformance, DeletedSessionIsGoneAndOthersStay) {
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k1", MakeSession(clock_, "alice"))));
  ASSERT_TRUE(RunAwaitable(store_->PutSession("k2", MakeSession(clock_, "bob"))));
  ASSERT_TRUE(RunAwaitable(store_->DeleteSession("k1")));
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_->GetSession("k2")).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_->DeleteSession("k1")));  // deleting again succeeds
}

TEST_P(SessionStoreConformance, PendingLoginCanBeTakenOnce) {
  const PendingLogin p = MakePending(clock_);
  ASSERT_EQ(RunAwaitable(store_->AddPending("s1", p, 10)).value(), true);
  auto first = RunAwaitable(store_->TakePending("s1"));
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(**first, p);
  auto second = RunAwaitable(store_->TakePending("s1"));
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->has_value());
}

TEST_P(SessionStoreConformance, ExpiredPendingLoginCannotBeTaken) {
  ASSERT_TRUE(RunAwaitable(store_->AddPending("s1", MakePending(clock_, 600s), 10)).value());
  clock_.Advance(600s);
  EXPECT_FALSE(RunAwaitable(store_->TakePending("s1")).value().has_value());
}

TEST_P(SessionStoreConformance, PendingLoginsAreCapped) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        RunAwaitable(store_->AddPending("s" + std::to_string(i), MakePending(clock_), 5)).value());
  }
  EXPECT_FALSE(RunAwaitable(store_->AddPending("s5", MakePending(clock_), 5)).value());
  // Taking one frees a place.
  ASSERT_TRUE(RunAwaitable(store_->TakePending("s0")).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_->AddPending("s6", MakePending(clock_), 5)).value());
}

TEST_P(SessionStoreConformance, ExpiredPendingLoginsDoNotCountAgainstTheCap) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        RunAwaitable(store_->AddPending("s" + std::to_string(i), MakePending(clock_, 10s), 5))
            .value());
  }
  clock_.Advance(11s);
  EXPECT_TRUE(RunAwaitable(store_->AddPending("fresh", MakePending(clock_), 5)).value());
}

TEST_P(SessionStoreConformance, RacingTakesOfOneStateLetOnlyOneWin) {
  ASSERT_TRUE(RunAwaitable(store_->AddPending("s1", MakePending(clock_), 10)).value());
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto got = RunAwaitable(store_->TakePending("s1"));
      if (got && got->has_value()) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(SessionStoreConformance, LockIsExclusiveUntilReleasedOrExpired) {
  const TimePoint until = clock_.Now() + 5s;
  EXPECT_TRUE(RunAwaitable(store_->TryLock("k", "a", until)).value());
  EXPECT_TRUE(RunAwaitable(store_->TryLock("k", "a", until)).value());  // re-entrant for owner
  EXPECT_FALSE(RunAwaitable(store_->TryLock("k", "b", until)).value());
  ASSERT_TRUE(RunAwaitable(store_->Unlock("k", "b")));  // not the owner: no effect
  EXPECT_FALSE(RunAwaitable(store_->TryLock("k", "b", until)).value());
  ASSERT_TRUE(RunAwaitable(store_->Unlock("k", "a")));
  EXPECT_TRUE(RunAwaitable(store_->TryLock("k", "b", until)).value());
  clock_.Advance(5s);
  EXPECT_TRUE(RunAwaitable(store_->TryLock("k", "c", clock_.Now() + 5s)).value());
}

TEST_P(SessionStoreConformance, SweepRemovesOnlyExpiredEntries) {
  ASSERT_TRUE(RunAwaitable(store_->PutSession("old", MakeSession(clock_))));
  ASSERT_TRUE(RunAwaitable(store_->AddPending("p-old", MakePending(clock_, 10s), 10)).value());
  clock_.Advance(2h);
  ASSERT_TRUE(RunAwaitable(store_->PutSession("new", MakeSession(clock_))));
  auto swept = RunAwaitable(store_->SweepExpired());
  ASSERT_TRUE(swept);
  EXPECT_TRUE(RunAwaitable(store_->GetSession("new")).value().has_value());
  EXPECT_FALSE(RunAwaitable(store_->GetSession("old")).value().has_value());
}

TEST_P(SessionStoreConformance, PingSucceeds) { EXPECT_TRUE(RunAwaitable(store_->Ping())); }

TEST_P(SessionStoreConformance, ManyThreadsWritingDistinctSessionsLoseNothing) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(RunAwaitable(store_->PutSession(key, MakeSession(clock_, key))));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 50; ++i) {
      const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
      auto got = RunAwaitable(store_->GetSession(key));
      ASSERT_TRUE(got && *got) << key;
      EXPECT_EQ((*got)->user_id, key);
    }
  }
}

}  // namespace
}  // namespace spotauth::store::testing
