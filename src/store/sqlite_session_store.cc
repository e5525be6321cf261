#include "store/sqlite_session_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>

namespace spotauth::store {

using boost::asio::awaitable;

namespace {

std::int64_t ToInt(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint ToTime(std::int64_t v) { return TimePoint{TimePoint::duration{v}}; }

// Applied to any older version: version 1 kept pending logins server-side (now in the browser's
// sealed login cookie), so its table goes.
constexpr const char* kSchema = R"sql(
DROP TABLE IF EXISTS pending;
CREATE TABLE IF NOT EXISTS used_states (
  key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
  key TEXT PRIMARY KEY, user_id TEXT NOT NULL, display_name TEXT NOT NULL,
  sealed_token BLOB NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions(expires_at);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id, created_at);
CREATE TABLE IF NOT EXISTS leases (
  key TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL) WITHOUT ROWID;
)sql";

// Debian's SQLite is built without lookaside memory, so a read allocates about five blocks, and
// its allocation statistics are kept under a process-wide mutex taken on every allocation and
// free (a read took 8,250 instructions with them, 7,400 without). Nothing here reads them. The
// setting must precede SQLite's initialisation: in a process that used SQLite before, it is refused
// and harmless.
void TurnOffMemoryStatistics() {
  static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)once;
}

}  // namespace

// One sqlite3 handle and its prepared statements; used by one thread at a time.
class SqliteSessionStore::Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const Options& options) {
    TurnOffMemoryStatistics();
    auto conn = std::unique_ptr<Connection>(new Connection());
    const int rc =
        sqlite3_open_v2(options.path.c_str(), &conn->db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return MakeError(ErrorCode::kStore, conn->Describe("open", rc));
    sqlite3_busy_timeout(conn->db_, static_cast<int>(options.busy_timeout.count()));
    sqlite3_extended_result_codes(conn->db_, 1);
    // journal_size_limit: after a checkpoint the WAL shrinks back instead of keeping its peak
    // size (it reached hundreds of MB under a login benchmark).
    SPOTAUTH_TRY(conn->Exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=16777216;"));
    return conn;
  }

  Result<void> Exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    std::string text = message ? message : "";
    sqlite3_free(message);
    if (rc != SQLITE_OK) return MakeError(ErrorCode::kStore, "sqlite: " + text);
    return {};
  }

  // A reset statement ready for binding; stays owned by the connection.
  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return MakeError(ErrorCode::kStore, Describe("prepare", rc));
    statements_.emplace(sql, stmt);
    return stmt;
  }

  // Steps a statement that returns no rows.
  Result<void> Run(sqlite3_stmt* stmt) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return MakeError(ErrorCode::kStore, Describe("step", rc));
    return {};
  }

  int Changes() const { return sqlite3_changes(db_); }

  // A read snapshot: one read transaction that this thread's reads share for a while, because
  // beginning one per read cost two fcntl locks in WAL mode (7 % of a SQLite page's CPU in a
  // profile) plus SQLite's set-up of the transaction. Guarded by snapshot_mutex: the owning
  // thread reads under it, the writer thread ends old snapshots.
  std::mutex snapshot_mutex;
  std::chrono::steady_clock::time_point snapshot_since;
  std::uint64_t snapshot_writes = 0;  // the store's write count when the snapshot began

  // Only a transaction begun here is a snapshot (never a writer's unfinished one); SQLite may
  // also have ended it itself after an error.
  bool InSnapshot() const { return snapshot_begun_ && sqlite3_get_autocommit(db_) == 0; }
  Result<void> BeginSnapshot() {
    SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * begin, Prepare("BEGIN"));
    SPOTAUTH_TRY(Run(begin));
    snapshot_begun_ = true;
    return {};
  }
  void EndSnapshot() {
    // A read transaction has nothing to commit; COMMIT only releases its locks.
    if (InSnapshot()) {
      if (auto commit = Prepare("COMMIT"); commit) (void)Run(*commit);
    }
    snapshot_begun_ = false;
  }

  std::string Describe(std::string_view what, int rc) const {
    return "sqlite " + std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  }

 private:
  Connection() = default;
  sqlite3* db_ = nullptr;
  bool snapshot_begun_ = false;
  std::map<const char*, sqlite3_stmt*> statements_;  // keyed by the literal's address
};

namespace {

void BindText(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void BindBlob(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
std::string ColumnBytes(sqlite3_stmt* s, int i) {
  const void* data = sqlite3_column_blob(s, i);
  const int n = sqlite3_column_bytes(s, i);
  return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(n))
              : std::string();
}

// Creates the file with owner-only permissions before SQLite opens it: tokens are encrypted,
// but the file still holds who is signed in.
Result<void> CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError(ErrorCode::kStore, "cannot open " + path + ": " + std::strerror(errno));
  }
  ::fchmod(fd, 0600);
  ::close(fd);
  return {};
}

}  // namespace

SqliteSessionStore::SqliteSessionStore(Options options, const Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

SqliteSessionStore::~SqliteSessionStore() {
  writer_.stop();
  writer_.join();
}

Result<std::unique_ptr<SqliteSessionStore>> SqliteSessionStore::Open(Options options,
                                                                     const Clock& clock) {
  if (options.path.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty database path");
  SPOTAUTH_TRY(CreatePrivateFile(options.path));
  auto store =
      std::unique_ptr<SqliteSessionStore>(new SqliteSessionStore(std::move(options), clock));
  SPOTAUTH_TRY_ASSIGN(Connection * conn, store->ForThisThread());
  Connection& db = *conn;

  SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * version_stmt, db.Prepare("PRAGMA user_version"));
  if (sqlite3_step(version_stmt) != SQLITE_ROW) {
    return MakeError(ErrorCode::kStore, db.Describe("read schema version", SQLITE_ERROR));
  }
  const int version = sqlite3_column_int(version_stmt, 0);
  sqlite3_reset(version_stmt);
  if (version > kSchemaVersion) {
    return MakeError(ErrorCode::kStore, "database schema version " + std::to_string(version) +
                                            " is newer than this build knows (" +
                                            std::to_string(kSchemaVersion) + ")");
  }
  if (version < kSchemaVersion) {
    const std::string migrate = std::string("BEGIN IMMEDIATE;") + kSchema +
                                "PRAGMA user_version=" + std::to_string(kSchemaVersion) +
                                "; COMMIT;";
    if (auto r = db.Exec(migrate.c_str()); !r) {
      (void)db.Exec("ROLLBACK;");
      return tl::unexpected(r.error());
    }
  }
  return store;
}

template <class T, class Work>
awaitable<Result<T>> SqliteSessionStore::OnWriter(Work work) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(Result<T>)>(
      [this](auto handler, Work pending) {
        // Keeps the caller's loop from running out of work while the writer has it (a private
        // io_context, such as the sweeper's, would otherwise return from run() and abandon
        // the caller). It travels with the answer, so the writer thread never touches the
        // caller's loop after handing the answer over.
        auto caller = boost::asio::make_work_guard(handler);
        boost::asio::post(writer_, [this, work = std::move(pending), handler = std::move(handler),
                                    caller = std::move(caller)]() mutable {
          auto db = ForThisThread();
          Result<T> result = db ? work(**db) : Result<T>(tl::unexpected(db.error()));
          // Counted before the caller resumes, so its next read takes a newer snapshot.
          writes_.fetch_add(1, std::memory_order_release);
          auto executor = caller.get_executor();
          boost::asio::post(executor, [handler = std::move(handler), result = std::move(result),
                                       caller = std::move(caller)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      boost::asio::use_awaitable, std::move(work));
}

Result<SqliteSessionStore::Connection*> SqliteSessionStore::ForThisThread() {
  std::lock_guard lock(connections_mutex_);
  auto& slot = connections_[std::this_thread::get_id()];
  if (!slot) {
    auto conn = Connection::Open(options_);
    if (!conn) {
      connections_.erase(std::this_thread::get_id());
      return tl::unexpected(conn.error());
    }
    slot = std::move(*conn);
  }
  return slot.get();
}

awaitable<Result<bool>> SqliteSessionStore::UseState(std::string key, TimePoint expires_at) {
  co_return co_await OnWriter<bool>([&](Connection& db) -> Result<bool> {
    // Test-and-set in one statement: inserts, or revives a record that has expired; a live
    // record is left alone and reported as a replay.
    SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * stmt,
                        db.Prepare("INSERT INTO used_states(key, expires_at) VALUES (?1, ?2) "
                                   "ON CONFLICT(key) DO UPDATE SET expires_at = ?2 "
                                   "WHERE used_states.expires_at <= ?3"));
    BindText(stmt, 1, key);
    sqlite3_bind_int64(stmt, 2, ToInt(expires_at));
    sqlite3_bind_int64(stmt, 3, ToInt(clock_.Now()));
    SPOTAUTH_TRY(db.Run(stmt));
    return db.Changes() > 0;
  });
}

Result<void> SqliteSessionStore::InsertCapped(Connection& db, const std::string& key,
                                              const Session& session, std::size_t max_per_user) {
  SPOTAUTH_TRY_ASSIGN(
      sqlite3_stmt * insert,
      db.Prepare("INSERT OR REPLACE INTO sessions(key, user_id, display_name, "
                 "sealed_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"));
  BindText(insert, 1, key);
  BindText(insert, 2, session.user_id);
  BindText(insert, 3, session.display_name);
  BindBlob(insert, 4, session.sealed_token);
  sqlite3_bind_int64(insert, 5, ToInt(session.created_at));
  sqlite3_bind_int64(insert, 6, ToInt(session.expires_at));
  SPOTAUTH_TRY(db.Run(insert));
  // The user's expired sessions, then all but the newest `max_per_user` (the new one first).
  SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * trim,
                      db.Prepare("DELETE FROM sessions WHERE key IN (SELECT key FROM sessions "
                                 "WHERE user_id = ?1 AND expires_at > ?2 "
                                 "ORDER BY key = ?3 DESC, created_at DESC LIMIT -1 OFFSET ?4) "
                                 "OR (user_id = ?1 AND expires_at <= ?2)"));
  BindText(trim, 1, session.user_id);
  sqlite3_bind_int64(trim, 2, ToInt(clock_.Now()));
  BindText(trim, 3, key);
  sqlite3_bind_int64(trim, 4, static_cast<std::int64_t>(std::max<std::size_t>(max_per_user, 1)));
  return db.Run(trim);
}

awaitable<Result<void>> SqliteSessionStore::CreateSession(std::string key, Session session,
                                                          std::size_t max_per_user) {
  co_return co_await OnWriter<void>([&](Connection& db) -> Result<void> {
    SPOTAUTH_TRY(db.Exec("BEGIN IMMEDIATE;"));
    auto done = InsertCapped(db, key, session, max_per_user);
    if (!done) {
      (void)db.Exec("ROLLBACK;");
      return done;
    }
    return db.Exec("COMMIT;");
  });
}

awaitable<Result<bool>> SqliteSessionStore::UpdateSession(std::string key, Session session) {
  co_return co_await OnWriter<bool>([&](Connection& db) -> Result<bool> {
    // Only a live row is updated: a session deleted meanwhile stays deleted.
    SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * stmt,
                        db.Prepare("UPDATE sessions SET display_name = ?, sealed_token = ?, "
                                   "expires_at = ? WHERE key = ? AND expires_at > ?"));
    BindText(stmt, 1, session.display_name);
    BindBlob(stmt, 2, session.sealed_token);
    sqlite3_bind_int64(stmt, 3, ToInt(session.expires_at));
    BindText(stmt, 4, key);
    sqlite3_bind_int64(stmt, 5, ToInt(clock_.Now()));
    SPOTAUTH_TRY(db.Run(stmt));
    return db.Changes() > 0;
  });
}

awaitable<Result<std::optional<Session>>> SqliteSessionStore::GetSession(std::string key) {
  SPOTAUTH_CO_TRY_ASSIGN(Connection * conn, ForThisThread());
  co_return ReadSession(*conn, key);
}

Result<std::optional<Session>> SqliteSessionStore::ReadSession(Connection& db,
                                                               const std::string& key) {
  std::lock_guard lock(db.snapshot_mutex);
  const auto now = std::chrono::steady_clock::now();
  const std::uint64_t writes = writes_.load(std::memory_order_acquire);
  if (db.InSnapshot() &&
      (writes != db.snapshot_writes || now - db.snapshot_since >= options_.snapshot_reuse)) {
    db.EndSnapshot();
  }
  if (!db.InSnapshot()) {
    SPOTAUTH_TRY(db.BeginSnapshot());
    db.snapshot_since = now;
    db.snapshot_writes = writes;
    ScheduleSnapshotEnd();
  }
  SPOTAUTH_TRY_ASSIGN(
      sqlite3_stmt * stmt,
      db.Prepare("SELECT user_id, display_name, sealed_token, created_at, expires_at FROM sessions "
                 "WHERE key = ? AND expires_at > ?"));
  // The key is bound without a copy (SQLITE_STATIC: the read of every page copied it into
  // SQLite's memory) and unbound before `key` can go away.
  sqlite3_bind_text(stmt, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 2, ToInt(clock_.Now()));
  std::optional<Session> found;
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    found = Session{ColumnBytes(stmt, 0), ColumnBytes(stmt, 1), ColumnBytes(stmt, 2),
                    ToTime(sqlite3_column_int64(stmt, 3)), ToTime(sqlite3_column_int64(stmt, 4))};
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    db.EndSnapshot();  // the next read starts afresh
    return MakeError(ErrorCode::kStore, db.Describe("get session", rc));
  }
  return found;
}

void SqliteSessionStore::ScheduleSnapshotEnd() {
  if (snapshot_end_scheduled_.exchange(true)) return;
  boost::asio::post(writer_, [this] {
    snapshot_end_timer_.expires_after(options_.snapshot_reuse);
    snapshot_end_timer_.async_wait([this](boost::system::error_code error) {
      if (!error) EndOldSnapshots();
    });
  });
}

void SqliteSessionStore::EndOldSnapshots() {
  // Cleared first: a snapshot begun during the scan schedules its own end.
  snapshot_end_scheduled_.store(false);
  const auto now = std::chrono::steady_clock::now();
  bool still_open = false;
  std::lock_guard lock(connections_mutex_);
  for (auto& [thread, conn] : connections_) {
    std::lock_guard snapshot_lock(conn->snapshot_mutex);
    if (!conn->InSnapshot()) continue;
    if (now - conn->snapshot_since >= options_.snapshot_reuse) {
      conn->EndSnapshot();
    } else {
      still_open = true;
    }
  }
  if (still_open) ScheduleSnapshotEnd();
}

awaitable<Result<void>> SqliteSessionStore::TouchSession(std::string key, TimePoint expires_at) {
  co_return co_await OnWriter<void>([&](Connection& db) -> Result<void> {
    SPOTAUTH_TRY_ASSIGN(
        sqlite3_stmt * stmt,
        db.Prepare("UPDATE sessions SET expires_at = ? WHERE key = ? AND expires_at > ?"));
    sqlite3_bind_int64(stmt, 1, ToInt(expires_at));
    BindText(stmt, 2, key);
    sqlite3_bind_int64(stmt, 3, ToInt(clock_.Now()));
    return db.Run(stmt);
  });
}

awaitable<Result<void>> SqliteSessionStore::DeleteSession(std::string key) {
  co_return co_await OnWriter<void>([&](Connection& db) -> Result<void> {
    SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * stmt, db.Prepare("DELETE FROM sessions WHERE key = ?"));
    BindText(stmt, 1, key);
    return db.Run(stmt);
  });
}

awaitable<Result<bool>> SqliteSessionStore::TryLock(std::string key, std::string owner,
                                                    TimePoint until) {
  co_return co_await OnWriter<bool>([&](Connection& db) -> Result<bool> {
    // Takes the lease when it is free, expired, or already ours; one statement, so atomic.
    SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * stmt,
                        db.Prepare("INSERT INTO leases(key, owner, until) VALUES (?1, ?2, ?3) "
                                   "ON CONFLICT(key) DO UPDATE SET owner = ?2, until = ?3 "
                                   "WHERE leases.until <= ?4 OR leases.owner = ?2"));
    BindText(stmt, 1, key);
    BindText(stmt, 2, owner);
    sqlite3_bind_int64(stmt, 3, ToInt(until));
    sqlite3_bind_int64(stmt, 4, ToInt(clock_.Now()));
    SPOTAUTH_TRY(db.Run(stmt));
    return db.Changes() > 0;
  });
}

awaitable<Result<void>> SqliteSessionStore::Unlock(std::string key, std::string owner) {
  co_return co_await OnWriter<void>([&](Connection& db) -> Result<void> {
    SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * stmt,
                        db.Prepare("DELETE FROM leases WHERE key = ? AND owner = ?"));
    BindText(stmt, 1, key);
    BindText(stmt, 2, owner);
    return db.Run(stmt);
  });
}

awaitable<Result<void>> SqliteSessionStore::PauseUpstream(TimePoint until) {
  upstream_pause_.Record(until);
  co_return Result<void>{};
}

awaitable<Result<std::optional<TimePoint>>> SqliteSessionStore::UpstreamPause() {
  co_return upstream_pause_.Current(clock_.Now());
}

awaitable<Result<void>> SqliteSessionStore::Ping() {
  co_return co_await OnWriter<void>([&](Connection& db) -> Result<void> {
    // A write, not just a read: a full disk or a read-only file must make /readyz fail.
    return db.Exec("BEGIN IMMEDIATE; ROLLBACK;");
  });
}

awaitable<Result<std::size_t>> SqliteSessionStore::SweepExpired() {
  co_return co_await OnWriter<std::size_t>([&](Connection& db) -> Result<std::size_t> {
    const std::int64_t now = ToInt(clock_.Now());
    std::size_t removed = 0;
    for (const char* sql :
         {"DELETE FROM used_states WHERE expires_at <= ?",
          "DELETE FROM sessions WHERE expires_at <= ?", "DELETE FROM leases WHERE until <= ?"}) {
      SPOTAUTH_TRY_ASSIGN(sqlite3_stmt * stmt, db.Prepare(sql));
      sqlite3_bind_int64(stmt, 1, now);
      SPOTAUTH_TRY(db.Run(stmt));
      removed += static_cast<std::size_t>(db.Changes());
    }
    // Readers that never pause can keep automatic checkpoints from finishing; the sweep (once a
    // minute) truncates the WAL so it cannot grow without bound.
    SPOTAUTH_TRY(db.Exec("PRAGMA wal_checkpoint(TRUNCATE);"));
    return removed;
  });
}

}  // namespace spotauth::store
