// MemorySessionStore: a SessionStore in process memory. Nothing survives a restart; for tests,
// the demo and single-instance deployments that accept logging everyone out on restart.
#pragma once

#include <mutex>
#include <unordered_map>

#include "store/session_store.h"

namespace spotauth::store {

class MemorySessionStore final : public SessionStore {
 public:
  explicit MemorySessionStore(const Clock& clock) : clock_(clock) {}

  boost::asio::awaitable<Result<bool>> AddPending(std::string key, PendingLogin login,
                                                  std::size_t max_pending) override;
  boost::asio::awaitable<Result<std::optional<PendingLogin>>> TakePending(std::string key) override;
  boost::asio::awaitable<Result<void>> PutSession(std::string key, Session session) override;
  boost::asio::awaitable<Result<std::optional<Session>>> GetSession(std::string key) override;
  boost::asio::awaitable<Result<void>> TouchSession(std::string key, TimePoint expires_at) override;
  boost::asio::awaitable<Result<void>> DeleteSession(std::string key) override;
  boost::asio::awaitable<Result<bool>> TryLock(std::string key, std::string owner,
                                               TimePoint until) override;
  boost::asio::awaitable<Result<void>> Unlock(std::string key, std::string owner) override;
  boost::asio::awaitable<Result<void>> Ping() override;
  boost::asio::awaitable<Result<std::size_t>> SweepExpired() override;

 private:
  struct Lease {
    std::string owner;
    TimePoint until;
  };
  std::size_t SweepLocked(TimePoint now);

  const Clock& clock_;
  std::mutex mutex_;
  TimePoint next_cap_sweep_{};
  std::unordered_map<std::string, PendingLogin> pending_;
  std::unordered_map<std::string, Session> sessions_;
  std::unordered_map<std::string, Lease> leases_;
};

}  // namespace spotauth::store
