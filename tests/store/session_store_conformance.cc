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

constexpr std::size_t kNoCap = 1000;

// Creates a session with no practical per-user cap.
Result<void> Create(SessionStore& store, std::string key, Session session) {
  return RunAwaitable(store.CreateSession(std::move(key), std::move(session), kNoCap));
}

TEST_P(SessionStoreConformance, AbsentSessionReadsEmpty) {
  auto got = RunAwaitable(store_->GetSession("nobody"));
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
}

TEST_P(SessionStoreConformance, StoredSessionReadsBackExactly) {
  const Session s = MakeSession(clock_);
  ASSERT_TRUE(Create(*store_, "k1", s));
  auto got = RunAwaitable(store_->GetSession("k1"));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, s);
}

TEST_P(SessionStoreConformance, CreateWithAnExistingKeyReplacesTheSession) {
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_, "alice")));
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_, "bob")));
  auto got = RunAwaitable(store_->GetSession("k1"));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->user_id, "bob");
}

TEST_P(SessionStoreConformance, ExpiredSessionReadsEmpty) {
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_)));
  clock_.Advance(1h - 1s);
  EXPECT_TRUE(RunAwaitable(store_->GetSession("k1")).value().has_value());
  clock_.Advance(1s);
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
}

TEST_P(SessionStoreConformance, TouchMovesTheExpiryAndKeepsTheData) {
  const Session s = MakeSession(clock_);
  ASSERT_TRUE(Create(*store_, "k1", s));
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
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_)));
  clock_.Advance(1h);
  ASSERT_TRUE(RunAwaitable(store_->TouchSession("k1", clock_.Now() + 1h)));
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
}

TEST_P(SessionStoreConformance, DeletedSessionIsGoneAndOthersStay) {
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_, "alice")));
  ASSERT_TRUE(Create(*store_, "k2", MakeSession(clock_, "bob")));
  ASSERT_TRUE(RunAwaitable(store_->DeleteSession("k1")));
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_->GetSession("k2")).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_->DeleteSession("k1")));  // deleting again succeeds
}

TEST_P(SessionStoreConformance, AStateCanBeUsedOnce) {
  EXPECT_TRUE(RunAwaitable(store_->UseState("s1", clock_.Now() + 600s)).value());
  EXPECT_FALSE(RunAwaitable(store_->UseState("s1", clock_.Now() + 600s)).value());
  EXPECT_TRUE(RunAwaitable(store_->UseState("s2", clock_.Now() + 600s)).value());
}

TEST_P(SessionStoreConformance, AUsedStateIsForgottenWhenItsLoginExpires) {
  ASSERT_TRUE(RunAwaitable(store_->UseState("s1", clock_.Now() + 600s)).value());
  clock_.Advance(599s);
  EXPECT_FALSE(RunAwaitable(store_->UseState("s1", clock_.Now() + 600s)).value());
  clock_.Advance(1s);
  ASSERT_TRUE(RunAwaitable(store_->SweepExpired()));
  // By then the login itself has expired, so the caller refuses it before asking the store.
  EXPECT_TRUE(RunAwaitable(store_->UseState("s1", clock_.Now() + 600s)).value());
}

TEST_P(SessionStoreConformance, RacingUsesOfOneStateLetOnlyOneWin) {
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto got = RunAwaitable(store_->UseState("s1", clock_.Now() + 600s));
      if (got && *got) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(SessionStoreConformance, UpdateReplacesALiveSessionsData) {
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_)));
  Session changed = MakeSession(clock_);
  changed.sealed_token = "new-token";
  changed.expires_at = clock_.Now() + 2h;
  EXPECT_TRUE(RunAwaitable(store_->UpdateSession("k1", changed)).value());
  auto got = RunAwaitable(store_->GetSession("k1"));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, changed);
}

TEST_P(SessionStoreConformance, UpdateNeverBringsBackADeletedSession) {
  // A refresh that read the session, then waited on Spotify while the user logged out.
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_)));
  ASSERT_TRUE(RunAwaitable(store_->DeleteSession("k1")));
  EXPECT_FALSE(RunAwaitable(store_->UpdateSession("k1", MakeSession(clock_))).value());
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
}

TEST_P(SessionStoreConformance, UpdateNeverBringsBackAnExpiredSession) {
  ASSERT_TRUE(Create(*store_, "k1", MakeSession(clock_)));
  clock_.Advance(1h);
  Session later = MakeSession(clock_);
  EXPECT_FALSE(RunAwaitable(store_->UpdateSession("k1", later)).value());
  EXPECT_FALSE(RunAwaitable(store_->GetSession("k1")).value().has_value());
}

TEST_P(SessionStoreConformance, UpdateOfAnAbsentSessionCreatesNothing) {
  EXPECT_FALSE(RunAwaitable(store_->UpdateSession("nobody", MakeSession(clock_))).value());
  EXPECT_FALSE(RunAwaitable(store_->GetSession("nobody")).value().has_value());
}

TEST_P(SessionStoreConformance, APerUserCapEndsTheOldestSessionsOfThatUserOnly) {
  ASSERT_TRUE(Create(*store_, "bob-1", MakeSession(clock_, "bob")));
  for (int i = 1; i <= 4; ++i) {
    clock_.Advance(1s);
    ASSERT_TRUE(RunAwaitable(
        store_->CreateSession("alice-" + std::to_string(i), MakeSession(clock_, "alice"), 3)));
  }
  EXPECT_FALSE(RunAwaitable(store_->GetSession("alice-1")).value().has_value());
  for (const char* kept : {"alice-2", "alice-3", "alice-4", "bob-1"}) {
    EXPECT_TRUE(RunAwaitable(store_->GetSession(kept)).value().has_value()) << kept;
  }
}

TEST_P(SessionStoreConformance, ExpiredSessionsDoNotCountAgainstTheUserCap) {
  ASSERT_TRUE(RunAwaitable(store_->CreateSession("a1", MakeSession(clock_, "alice"), 2)));
  ASSERT_TRUE(RunAwaitable(store_->CreateSession("a2", MakeSession(clock_, "alice"), 2)));
  clock_.Advance(1h);  // both expire
  ASSERT_TRUE(RunAwaitable(store_->CreateSession("a3", MakeSession(clock_, "alice"), 2)));
  clock_.Advance(1s);
  ASSERT_TRUE(RunAwaitable(store_->CreateSession("a4", MakeSession(clock_, "alice"), 2)));
  EXPECT_TRUE(RunAwaitable(store_->GetSession("a3")).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_->GetSession("a4")).value().has_value());
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
  ASSERT_TRUE(Create(*store_, "old", MakeSession(clock_)));
  ASSERT_TRUE(RunAwaitable(store_->UseState("s-old", clock_.Now() + 10s)).value());
  clock_.Advance(2h);
  ASSERT_TRUE(Create(*store_, "new", MakeSession(clock_)));
  auto swept = RunAwaitable(store_->SweepExpired());
  ASSERT_TRUE(swept);
  EXPECT_TRUE(RunAwaitable(store_->GetSession("new")).value().has_value());
  EXPECT_FALSE(RunAwaitable(store_->GetSession("old")).value().has_value());
  EXPECT_TRUE(RunAwaitable(store_->UseState("s-old", clock_.Now() + 10s)).value());
}

TEST_P(SessionStoreConformance, AnUpstreamPauseLastsUntilItsEndAndTheLaterOneWins) {
  EXPECT_FALSE(RunAwaitable(store_->UpstreamPause()).value().has_value());
  const TimePoint until = clock_.Now() + 30s;
  ASSERT_TRUE(RunAwaitable(store_->PauseUpstream(until)));
  EXPECT_EQ(RunAwaitable(store_->UpstreamPause()).value(), until);
  ASSERT_TRUE(RunAwaitable(store_->PauseUpstream(clock_.Now() + 10s)));  // shorter: ignored
  EXPECT_EQ(RunAwaitable(store_->UpstreamPause()).value(), until);
  ASSERT_TRUE(RunAwaitable(store_->PauseUpstream(clock_.Now() + 60s)));
  EXPECT_EQ(RunAwaitable(store_->UpstreamPause()).value(), clock_.Now() + 60s);
  clock_.Advance(60s);
  EXPECT_FALSE(RunAwaitable(store_->UpstreamPause()).value().has_value());
}

TEST_P(SessionStoreConformance, PingSucceeds) { EXPECT_TRUE(RunAwaitable(store_->Ping())); }

TEST_P(SessionStoreConformance, ManyThreadsWritingDistinctSessionsLoseNothing) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(Create(*store_, key, MakeSession(clock_, key)));
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
