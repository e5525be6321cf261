// SqliteSessionStore: a SessionStore in one SQLite file (WAL), the default backend.
// One process owns the file: several instances sharing load use the Redis backend instead.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/process_upstream_pause.h"
#include "store/session_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace spotauth::store {

class SqliteSessionStore final : public SessionStore {
 public:
  struct Options {
    std::string path;  // file path; created with mode 0600 if absent
    std::chrono::milliseconds busy_timeout{5000};
    // How long an event loop's reads may share one read transaction (a snapshot) before it
    // starts a new one. Writes by this process are seen at once regardless; a write by another
    // program (an administrator's sqlite3) is seen at most this much later.
    std::chrono::microseconds snapshot_reuse{2000};
  };
  // Opens (creating if needed) and migrates the schema. Reports a file that cannot be opened,
  // is not a database, or has a newer schema than this build knows.
  [[nodiscard]] static Result<std::unique_ptr<SqliteSessionStore>> Open(Options options,
                                                                        const Clock& clock);
  ~SqliteSessionStore() override;

  boost::asio::awaitable<Result<bool>> UseState(std::string key, TimePoint expires_at) override;
  boost::asio::awaitable<Result<void>> CreateSession(std::string key, Session session,
                                                     std::size_t max_per_user) override;
  boost::asio::awaitable<Result<bool>> UpdateSession(std::string key, Session session) override;
  boost::asio::awaitable<Result<std::optional<Session>>> GetSession(std::string key) override;
  boost::asio::awaitable<Result<void>> TouchSession(std::string key, TimePoint expires_at) override;
  boost::asio::awaitable<Result<void>> DeleteSession(std::string key) override;
  boost::asio::awaitable<Result<bool>> TryLock(std::string key, std::string owner,
                                               TimePoint until) override;
  boost::asio::awaitable<Result<void>> Unlock(std::string key, std::string owner) override;
  // In memory: one process serves a SQLite file (several would be a Redis deployment).
  boost::asio::awaitable<Result<void>> PauseUpstream(TimePoint until) override;
  boost::asio::awaitable<Result<std::optional<TimePoint>>> UpstreamPause() override;
  boost::asio::awaitable<Result<void>> Ping() override;
  boost::asio::awaitable<Result<std::size_t>> SweepExpired() override;

  static constexpr int kSchemaVersion = 2;

 private:
  class Connection;
  SqliteSessionStore(Options options, const Clock& clock);
  // SQLite connections are not shared between threads: each event-loop thread gets its own,
  // so readers never wait for one another (WAL) and statements stay prepared.
  Result<Connection*> ForThisThread();
  // Runs `work(connection)` on the writer thread and resumes the caller on its own loop.
  template <class T, class Work>
  boost::asio::awaitable<Result<T>> OnWriter(Work work);
  // One session, read in this thread's snapshot (begun anew when old or behind a write).
  Result<std::optional<Session>> ReadSession(Connection& db, const std::string& key);
  // Inserts a session and trims its user's sessions to the cap; runs inside a transaction.
  Result<void> InsertCapped(Connection& db, const std::string& key, const Session& session,
                            std::size_t max_per_user);
  // Makes sure the writer thread will end read snapshots once they are older than
  // `snapshot_reuse`, so an idle loop never keeps one (it would stop checkpoints).
  void ScheduleSnapshotEnd();
  // On the writer thread: ends snapshots past their age; schedules itself again while any stay.
  void EndOldSnapshots();

  Options options_;
  const Clock& clock_;
  ProcessUpstreamPause upstream_pause_;
  std::mutex connections_mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> connections_;
  // Counts finished writes; a read snapshot taken before the count moved is not reused, so a
  // caller always reads what this process wrote before.
  std::atomic<std::uint64_t> writes_{0};
  std::atomic<bool> snapshot_end_scheduled_{false};
  // Every write (and the sweep's checkpoint) runs on this one thread: SQLite admits one writer
  // at a time anyway, so no event loop ever waits for the write lock, a slow disk or a
  // checkpoint. Reads stay on the loops, where WAL never makes them wait for a writer.
  // The destructor joins it before the connections and the timer go.
  boost::asio::thread_pool writer_{1};
  boost::asio::steady_timer snapshot_end_timer_{writer_};  // used on the writer thread only
};

}  // namespace spotauth::store
