#include "store/sqlite_session_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "store/session_store_conformance.h"
#include "testing/run_awaitable.h"

namespace spotauth::store::testing {
namespace {

using namespace std::chrono_literals;
using spotauth::testing::RunAwaitable;
namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "spotauth-sqlite-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path Path(const char* name) const { return fs::path(path_) / name; }

 private:
  std::string path_;
};

std::unique_ptr<SqliteSessionStore> OpenOrDie(const fs::path& path, const Clock& clock) {
  auto store = SqliteSessionStore::Open({path.string()}, clock);
  if (!store) throw std::runtime_error(store.error().message);
  return std::move(*store);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SessionStoreConformance,
                         ::testing::Values(StoreFactory{
                             "Sqlite",
                             [](const Clock& clock) -> std::shared_ptr<SessionStore> {
                               auto dir = std::make_shared<TempDir>();
                               // The directory goes when the store does.
                               return std::shared_ptr<SessionStore>(
                                   OpenOrDie(dir->Path("s.db"), clock).release(),
                                   [dir](SessionStore* store) { delete store; });
                             }}),
                         FactoryName);

Session SampleSession(const Clock& clock) {
  return Session{"alice", "Alice", "sealed-bytes", clock.Now(), clock.Now() + 1h};
}

TEST(SqliteSessionStore, SessionSurvivesReopeningTheFile) {
  TempDir dir;
  ManualClock clock;
  {
    auto store = OpenOrDie(dir.Path("s.db"), clock);
    ASSERT_TRUE(RunAwaitable(store->CreateSession("k", SampleSession(clock), 10)));
  }
  auto store = OpenOrDie(dir.Path("s.db"), clock);
  auto got = RunAwaitable(store->GetSession("k"));
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->user_id, "alice");
}

TEST(SqliteSessionStore, FileIsReadableByItsOwnerOnly) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenOrDie(dir.Path("s.db"), clock);
  ASSERT_TRUE(RunAwaitable(store->CreateSession("k", SampleSession(clock), 10)));
  struct stat st {};
  ASSERT_EQ(::stat(dir.Path("s.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST(SqliteSessionStore, UsesWriteAheadLogging) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenOrDie(dir.Path("s.db"), clock);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Path("s.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

// Every allocation SQLite makes took a process-wide mutex to keep these statistics.
TEST(SqliteSessionStore, KeepsNoMemoryStatistics) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenOrDie(dir.Path("s.db"), clock);
  ASSERT_TRUE(RunAwaitable(store->CreateSession("k", SampleSession(clock), 10)));
  ASSERT_TRUE(RunAwaitable(store->GetSession("k")));
  sqlite3_int64 used = -1;
  sqlite3_int64 highest = -1;
  ASSERT_EQ(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &highest, 0), SQLITE_OK);
  EXPECT_EQ(used, 0);  // an open connection holds memory; only uncounted memory reads 0
}

TEST(SqliteSessionStore, RefusesADatabaseWithANewerSchema) {
  TempDir dir;
  ManualClock clock;
  { auto store = OpenOrDie(dir.Path("s.db"), clock); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Path("s.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto reopened = SqliteSessionStore::Open({dir.Path("s.db").string()}, clock);
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, ErrorCode::kStore);
  EXPECT_NE(reopened.error().message.find("newer"), std::string::npos);
}

TEST(SqliteSessionStore, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  ManualClock clock;
  std::ofstream(dir.Path("junk.db")) << std::string(4096, 'x');
  auto opened = SqliteSessionStore::Open({dir.Path("junk.db").string()}, clock);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kStore);
}

TEST(SqliteSessionStore, RefusesAPathInAMissingDirectory) {
  ManualClock clock;
  auto opened = SqliteSessionStore::Open({"/nonexistent-dir-spotauth/s.db"}, clock);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kStore);
}

TEST(SqliteSessionStore, SweepDeletesExpiredRowsFromTheFile) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenOrDie(dir.Path("s.db"), clock);
  ASSERT_TRUE(RunAwaitable(store->CreateSession("k", SampleSession(clock), 10)));
  clock.Advance(2h);
  auto swept = RunAwaitable(store->SweepExpired());
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 1u);
}

// A store on a fresh file in `dir` whose reads share a snapshot for `reuse`.
std::unique_ptr<SqliteSessionStore> OpenWithSnapshotReuse(const TempDir& dir, const Clock& clock,
                                                          std::chrono::microseconds reuse) {
  SqliteSessionStore::Options options{dir.Path("s.db").string()};
  options.snapshot_reuse = reuse;
  auto store = SqliteSessionStore::Open(options, clock);
  if (!store) throw std::runtime_error(store.error().message);
  return std::move(*store);
}

// Reads share a snapshot for a while (Options::snapshot_reuse); none of that may hide a write
// this process made: a logout must hold on the very next page.
TEST(SqliteSessionStore, AReadAfterThisProcessWritesSeesTheWrite) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenWithSnapshotReuse(dir, clock, std::chrono::hours(1));
  ASSERT_TRUE(RunAwaitable(store->CreateSession("k", SampleSession(clock), 10)));
  ASSERT_TRUE(RunAwaitable(store->GetSession("k")).value().has_value());

  Session updated = SampleSession(clock);
  updated.sealed_token = "refreshed";
  ASSERT_TRUE(RunAwaitable(store->UpdateSession("k", updated)).value());
  auto read = RunAwaitable(store->GetSession("k"));
  ASSERT_TRUE(read && read->has_value());
  EXPECT_EQ((*read)->sealed_token, "refreshed");

  ASSERT_TRUE(RunAwaitable(store->CreateSession("k2", SampleSession(clock), 10)));
  EXPECT_TRUE(RunAwaitable(store->GetSession("k2")).value().has_value());

  ASSERT_TRUE(RunAwaitable(store->DeleteSession("k")));
  EXPECT_FALSE(RunAwaitable(store->GetSession("k")).value().has_value());
}

// Runs `sql` in a connection of its own, as another program would.
void RunElsewhere(const fs::path& path, const char* sql) {
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, sql, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(other);
  sqlite3_close(other);
}

TEST(SqliteSessionStore, AnotherProgramsWriteIsSeenOnceTheSnapshotIsOld) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenWithSnapshotReuse(dir, clock, 20ms);
  ASSERT_TRUE(RunAwaitable(store->CreateSession("k", SampleSession(clock), 10)));
  ASSERT_TRUE(RunAwaitable(store->GetSession("k")).value().has_value());
  // An administrator ends the session by hand.
  RunElsewhere(dir.Path("s.db"), "DELETE FROM sessions;");
  std::this_thread::sleep_for(40ms);
  EXPECT_FALSE(RunAwaitable(store->GetSession("k")).value().has_value());
}

// A loop that read once and then went quiet must not keep its snapshot: it would stop
// checkpoints from emptying the write-ahead log.
TEST(SqliteSessionStore, AnIdleReaderLetsTheLogBeCheckpointed) {
  TempDir dir;
  ManualClock clock;
  auto store = OpenWithSnapshotReuse(dir, clock, 20ms);
  ASSERT_TRUE(RunAwaitable(store->CreateSession("k", SampleSession(clock), 10)));
  ASSERT_TRUE(RunAwaitable(store->GetSession("k")).value().has_value());
  ASSERT_TRUE(RunAwaitable(store->CreateSession("k2", SampleSession(clock), 10)));

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Path("s.db").c_str(), &other), SQLITE_OK);
  // A first read makes this connection find the write-ahead log.
  ASSERT_EQ(sqlite3_exec(other, "SELECT count(*) FROM sessions;", nullptr, nullptr, nullptr),
            SQLITE_OK);
  // No waiting inside: while a reader holds its snapshot, this reports SQLITE_BUSY. Tried for
  // far longer than the snapshot's age, so a slow (sanitized, loaded) machine still passes.
  int rc = SQLITE_BUSY;
  for (int attempt = 0; attempt < 250 && rc == SQLITE_BUSY; ++attempt) {
    std::this_thread::sleep_for(20ms);
    rc = sqlite3_wal_checkpoint_v2(other, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  }
  EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(other);
  EXPECT_EQ(fs::file_size(dir.Path("s.db-wal")), 0u);
  sqlite3_close(other);
}

TEST(SqliteSessionStore, AHeldWriteLockStallsNoEventLoop) {
  TempDir dir;
  ManualClock clock;
  auto store = SqliteSessionStore::Open({dir.Path("s.db").string(), 3s}, clock);
  ASSERT_TRUE(store);
  ASSERT_TRUE(RunAwaitable((*store)->CreateSession("k", SampleSession(clock), 10)));
  // Another writer (a backup tool, a stuck process, a slow disk) holds the write lock.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Path("s.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE;", nullptr, nullptr, nullptr), SQLITE_OK);

  boost::asio::io_context loop;
  std::optional<Result<bool>> write;
  std::optional<Result<std::optional<Session>>> read;
  int ticks = 0;
  boost::asio::co_spawn(
      loop,
      [&]() -> boost::asio::awaitable<void> {
        write = co_await (*store)->UseState("state", clock.Now() + 600s);
      },
      boost::asio::detached);
  boost::asio::co_spawn(
      loop, [&]() -> boost::asio::awaitable<void> { read = co_await (*store)->GetSession("k"); },
      boost::asio::detached);
  boost::asio::co_spawn(
      loop,
      [&]() -> boost::asio::awaitable<void> {
        boost::asio::steady_timer timer(loop);
        for (int i = 0; i < 30; ++i) {
          timer.expires_after(10ms);
          co_await timer.async_wait(boost::asio::use_awaitable);
          ++ticks;
        }
      },
      boost::asio::detached);
  loop.run_for(500ms);
  // The loop kept running while the write waited for the lock, and reads were not held up.
  EXPECT_GE(ticks, 25);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->has_value() && read->value().has_value());
  EXPECT_FALSE(write.has_value());
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK;", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  loop.restart();
  loop.run_for(3s);
  ASSERT_TRUE(write.has_value());
  EXPECT_TRUE(write->has_value() && write->value());
}

}  // namespace
}  // namespace spotauth::store::testing
