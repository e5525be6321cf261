#include "store/sqlite_session_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace spotauth::store {

using boost::asio::awaitable;

namespace {

std::int64_t ToInt(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint ToTime(std::int64_t v) { return TimePoint{TimePoint::duration{v}}; }

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS pending (
  key TEXT PRIMARY KEY, browser_hash BLOB NOT NULL, sealed_verifier BLOB NOT NULL,
  expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pending_expiry ON pending(expires_at);
CREATE TABLE IF NOT EXISTS sessions (
  key TEXT PRIMARY KEY, user_id TEXT NOT NULL, display_name TEXT NOT NULL,
  sealed_token BLOB NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions(expires_at);
CREATE TABLE IF NOT EXISTS leases (
  key TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL) WITHOUT ROWID;
)sql";

}  // namespace

// One sqlite3 handle and its prepared statements; used by one thread at a time.
class SqliteSessionStore::Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const Options& options) {
    auto conn = std::unique_ptr<Connection>(new Connection());
    const int rc =
        sqlite3_open_v2(options.path.c_str(), &conn->db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return MakeError(ErrorCode::kStore, conn->Describe("open", rc));
    sqlite3_busy_timeout(conn->db_, static_cast<int>(options.busy_timeout.count()));
    sqlite3_extended_result_codes(conn->db_, 1);
    // journal_size_limit: after a checkpoint the WAL shrinks back instead of keeping its peak
    // size (it reached hundreds of MB under a login benchmark).
    if (auto r = conn->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                            "PRAGMA journal_size_limit=16777216;");
        !r) {
      return tl::unexpected(r.error());
    }
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

  std::string Describe(std::string_view what, int rc) const {
    return "sqlite " + std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  }

 private:
  Connection() = default;
  sqlite3* db_ = nullptr;
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

SqliteSessionStore::~SqliteSessionStore() = default;

Result<std::unique_ptr<SqliteSessionStore>> SqliteSessionStore::Open(Options options,
                                                                     const Clock& clock) {
  if (options.path.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty database path");
  if (auto r = CreatePrivateFile(options.path); !r) return tl::unexpected(r.error());
  auto store =
      std::unique_ptr<SqliteSessionStore>(new SqliteSessionStore(std::move(options), clock));
  auto conn = store->ForThisThread();
  if (!conn) return tl::unexpected(conn.error());
  Connection& db = **conn;

  auto version_stmt = db.Prepare("PRAGMA user_version");
  if (!version_stmt) return tl::unexpected(version_stmt.error());
  if (sqlite3_step(*version_stmt) != SQLITE_ROW) {
    return MakeError(ErrorCode::kStore, db.Describe("read schema version", SQLITE_ERROR));
  }
  const int version = sqlite3_column_int(*version_stmt, 0);
  sqlite3_reset(*version_stmt);
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
  auto count = store->CountPending(db);
  if (!count) return tl::unexpected(count.error());
  store->pending_count_ = static_cast<std::int64_t>(*count);
  return store;
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

Result<std::size_t> SqliteSessionStore::CountPending(Connection& db) {
  auto stmt = db.Prepare("SELECT count(*) FROM pending");
  if (!stmt) return tl::unexpected(stmt.error());
  if (sqlite3_step(*stmt) != SQLITE_ROW) {
    sqlite3_reset(*stmt);
    return MakeError(ErrorCode::kStore, db.Describe("count pending", SQLITE_ERROR));
  }
  const auto n = static_cast<std::size_t>(sqlite3_column_int64(*stmt, 0));
  sqlite3_reset(*stmt);
  return n;
}

awaitable<Result<bool>> SqliteSessionStore::AddPending(std::string key, PendingLogin login,
                                                       std::size_t max_pending) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  if (pending_count_.load() >= static_cast<std::int64_t>(max_pending)) {
    // As in the memory store: recount after removing expired rows at most once per
    // kCapSweepInterval, so refusals during a flood cost no table scan.
    const std::int64_t now = ToInt(clock_.Now());
    std::int64_t due = next_cap_sweep_.load();
    if (now < due ||
        !next_cap_sweep_.compare_exchange_strong(due, ToInt(clock_.Now() + kCapSweepInterval))) {
      co_return false;
    }
    auto del = db.Prepare("DELETE FROM pending WHERE expires_at <= ?");
    if (!del) co_return tl::unexpected(del.error());
    sqlite3_bind_int64(*del, 1, now);
    if (auto r = db.Run(*del); !r) co_return tl::unexpected(r.error());
    auto count = CountPending(db);
    if (!count) co_return tl::unexpected(count.error());
    pending_count_ = static_cast<std::int64_t>(*count);
    if (*count >= max_pending) co_return false;
  }
  auto stmt = db.Prepare(
      "INSERT OR REPLACE INTO pending(key, browser_hash, sealed_verifier, expires_at) "
      "VALUES (?, ?, ?, ?)");
  if (!stmt) co_return tl::unexpected(stmt.error());
  BindText(*stmt, 1, key);
  BindBlob(*stmt, 2, login.browser_hash);
  BindBlob(*stmt, 3, login.sealed_verifier);
  sqlite3_bind_int64(*stmt, 4, ToInt(login.expires_at));
  if (auto r = db.Run(*stmt); !r) co_return tl::unexpected(r.error());
  ++pending_count_;
  co_return true;
}

awaitable<Result<std::optional<PendingLogin>>> SqliteSessionStore::TakePending(std::string key) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  // DELETE ... RETURNING reads and removes in one statement: two racing callbacks with the
  // same state cannot both get the row.
  auto stmt = db.Prepare(
      "DELETE FROM pending WHERE key = ? RETURNING browser_hash, sealed_verifier, expires_at");
  if (!stmt) co_return tl::unexpected(stmt.error());
  BindText(*stmt, 1, key);
  std::optional<PendingLogin> found;
  int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_ROW) {
    found = PendingLogin{ColumnBytes(*stmt, 0), ColumnBytes(*stmt, 1),
                         ToTime(sqlite3_column_int64(*stmt, 2))};
    rc = sqlite3_step(*stmt);
  }
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) co_return MakeError(ErrorCode::kStore, db.Describe("take pending", rc));
  if (!found) co_return std::nullopt;
  --pending_count_;
  if (found->expires_at <= clock_.Now()) co_return std::nullopt;
  co_return found;
}

awaitable<Result<void>> SqliteSessionStore::PutSession(std::string key, Session session) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  auto stmt = db.Prepare(
      "INSERT OR REPLACE INTO sessions(key, user_id, display_name, sealed_token, created_at, "
      "expires_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (!stmt) co_return tl::unexpected(stmt.error());
  BindText(*stmt, 1, key);
  BindText(*stmt, 2, session.user_id);
  BindText(*stmt, 3, session.display_name);
  BindBlob(*stmt, 4, session.sealed_token);
  sqlite3_bind_int64(*stmt, 5, ToInt(session.created_at));
  sqlite3_bind_int64(*stmt, 6, ToInt(session.expires_at));
  co_return db.Run(*stmt);
}

awaitable<Result<std::optional<Session>>> SqliteSessionStore::GetSession(std::string key) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  auto stmt = db.Prepare(
      "SELECT user_id, display_name, sealed_token, created_at, expires_at FROM sessions "
      "WHERE key = ? AND expires_at > ?");
  if (!stmt) co_return tl::unexpected(stmt.error());
  BindText(*stmt, 1, key);
  sqlite3_bind_int64(*stmt, 2, ToInt(clock_.Now()));
  std::optional<Session> found;
  const int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_ROW) {
    found = Session{ColumnBytes(*stmt, 0), ColumnBytes(*stmt, 1), ColumnBytes(*stmt, 2),
                    ToTime(sqlite3_column_int64(*stmt, 3)), ToTime(sqlite3_column_int64(*stmt, 4))};
  }
  sqlite3_reset(*stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    co_return MakeError(ErrorCode::kStore, db.Describe("get session", rc));
  }
  co_return found;
}

awaitable<Result<void>> SqliteSessionStore::TouchSession(std::string key, TimePoint expires_at) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  auto stmt = db.Prepare("UPDATE sessions SET expires_at = ? WHERE key = ? AND expires_at > ?");
  if (!stmt) co_return tl::unexpected(stmt.error());
  sqlite3_bind_int64(*stmt, 1, ToInt(expires_at));
  BindText(*stmt, 2, key);
  sqlite3_bind_int64(*stmt, 3, ToInt(clock_.Now()));
  co_return db.Run(*stmt);
}

awaitable<Result<void>> SqliteSessionStore::DeleteSession(std::string key) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  auto stmt = db.Prepare("DELETE FROM sessions WHERE key = ?");
  if (!stmt) co_return tl::unexpected(stmt.error());
  BindText(*stmt, 1, key);
  co_return db.Run(*stmt);
}

awaitable<Result<bool>> SqliteSessionStore::TryLock(std::string key, std::string owner,
                                                    TimePoint until) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  // Takes the lease when it is free, expired, or already ours; one statement, so atomic.
  auto stmt = db.Prepare(
      "INSERT INTO leases(key, owner, until) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(key) DO UPDATE SET owner = ?2, until = ?3 "
      "WHERE leases.until <= ?4 OR leases.owner = ?2");
  if (!stmt) co_return tl::unexpected(stmt.error());
  BindText(*stmt, 1, key);
  BindText(*stmt, 2, owner);
  sqlite3_bind_int64(*stmt, 3, ToInt(until));
  sqlite3_bind_int64(*stmt, 4, ToInt(clock_.Now()));
  if (auto r = db.Run(*stmt); !r) co_return tl::unexpected(r.error());
  co_return db.Changes() > 0;
}

awaitable<Result<void>> SqliteSessionStore::Unlock(std::string key, std::string owner) {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  auto stmt = db.Prepare("DELETE FROM leases WHERE key = ? AND owner = ?");
  if (!stmt) co_return tl::unexpected(stmt.error());
  BindText(*stmt, 1, key);
  BindText(*stmt, 2, owner);
  co_return db.Run(*stmt);
}

awaitable<Result<void>> SqliteSessionStore::Ping() {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  // A write, not just a read: a full disk or a read-only file must make /readyz fail.
  co_return (*conn)->Exec("BEGIN IMMEDIATE; ROLLBACK;");
}

awaitable<Result<std::size_t>> SqliteSessionStore::SweepExpired() {
  auto conn = ForThisThread();
  if (!conn) co_return tl::unexpected(conn.error());
  Connection& db = **conn;
  const std::int64_t now = ToInt(clock_.Now());
  std::size_t removed = 0;
  for (const char* sql :
       {"DELETE FROM pending WHERE expires_at <= ?", "DELETE FROM sessions WHERE expires_at <= ?",
        "DELETE FROM leases WHERE until <= ?"}) {
    auto stmt = db.Prepare(sql);
    if (!stmt) co_return tl::unexpected(stmt.error());
    sqlite3_bind_int64(*stmt, 1, now);
    if (auto r = db.Run(*stmt); !r) co_return tl::unexpected(r.error());
    removed += static_cast<std::size_t>(db.Changes());
  }
  auto count = CountPending(db);
  if (!count) co_return tl::unexpected(count.error());
  pending_count_ = static_cast<std::int64_t>(*count);
  // Readers that never pause can keep automatic checkpoints from finishing; the sweep (once a
  // minute) truncates the WAL so it cannot grow without bound.
  if (auto r = db.Exec("PRAGMA wal_checkpoint(TRUNCATE);"); !r) co_return tl::unexpected(r.error());
  co_return removed;
}

}  // namespace spotauth::store
