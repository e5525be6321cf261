// MemorySessionStore: a SessionStore in process memory. Nothing survives a restart; for tests,
// the demo and single-instance deployments that accept logging everyone out on restart.
#pragma once

#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "store/process_upstream_pause.h"
#include "store/session_store.h"

namespace spotauth::store {

class MemorySessionStore final : public SessionStore {
 public:
  explicit MemorySessionStore(const Clock& clock) : clock_(clock) {}

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
  // In memory: this store serves one process.
  boost::asio::awaitable<Result<void>> PauseUpstream(TimePoint until) override;
  boost::asio::awaitable<Result<std::optional<TimePoint>>> UpstreamPause() override;
  boost::asio::awaitable<Result<void>> Ping() override;
  boost::asio::awaitable<Result<std::size_t>> SweepExpired() override;

 private:
  struct Lease {
    std::string owner;
    TimePoint until;
  };
  using UserSessions = std::set<std::pair<TimePoint, std::string>>;  // (created_at, key)
  // Removes the session at `it` and its entry in the per-user index.
  void EraseLocked(std::unordered_map<std::string, Session>::iterator it);

  const Clock& clock_;
  ProcessUpstreamPause upstream_pause_;
  std::mutex mutex_;
  std::unordered_map<std::string, TimePoint> used_states_;
  std::unordered_map<std::string, Session> sessions_;
  std::unordered_map<std::string, UserSessions> by_user_;  // for the per-user cap
  std::unordered_map<std::string, Lease> leases_;
};

}  // namespace spotauth::store
