#include "store/memory_session_store.h"

namespace spotauth::store {

using boost::asio::awaitable;

std::size_t MemorySessionStore::SweepLocked(TimePoint now) {
  std::size_t removed =
      std::erase_if(pending_, [&](const auto& e) { return e.second.expires_at <= now; });
  removed += std::erase_if(sessions_, [&](const auto& e) { return e.second.expires_at <= now; });
  removed += std::erase_if(leases_, [&](const auto& e) { return e.second.until <= now; });
  return removed;
}

awaitable<Result<bool>> MemorySessionStore::AddPending(std::string key, PendingLogin login,
                                                       std::size_t max_pending) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (pending_.size() >= max_pending) {
    // Expired entries must not count against the cap, but a full pass per refusal would make
    // each refused /login of a flood cost O(cap) under the lock that page loads need too:
    // sweep at most once per kCapSweepInterval.
    if (now >= next_cap_sweep_) {
      std::erase_if(pending_, [&](const auto& e) { return e.second.expires_at <= now; });
      next_cap_sweep_ = now + kCapSweepInterval;
    }
    if (pending_.size() >= max_pending) co_return false;
  }
  pending_.insert_or_assign(std::move(key), std::move(login));
  co_return true;
}

awaitable<Result<std::optional<PendingLogin>>> MemorySessionStore::TakePending(std::string key) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto node = pending_.extract(key);
  if (node.empty() || node.mapped().expires_at <= now) co_return std::nullopt;
  co_return std::move(node.mapped());
}

awaitable<Result<void>> MemorySessionStore::PutSession(std::string key, Session session) {
  std::lock_guard lock(mutex_);
  sessions_.insert_or_assign(std::move(key), std::move(session));
  co_return Result<void>{};
}

awaitable<Result<std::optional<Session>>> MemorySessionStore::GetSession(std::string key) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) co_return std::nullopt;
  if (it->second.expires_at <= now) {
    sessions_.erase(it);
    co_return std::nullopt;
  }
  co_return it->second;
}

awaitable<Result<void>> MemorySessionStore::TouchSession(std::string key, TimePoint expires_at) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it != sessions_.end() && it->second.expires_at > now) it->second.expires_at = expires_at;
  co_return Result<void>{};
}

awaitable<Result<void>> MemorySessionStore::DeleteSession(std::string key) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
  co_return Result<void>{};
}

awaitable<Result<bool>> MemorySessionStore::TryLock(std::string key, std::string owner,
                                                    TimePoint until) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = leases_.find(key);
  if (it != leases_.end() && it->second.until > now && it->second.owner != owner) {
    co_return false;
  }
  leases_.insert_or_assign(std::move(key), Lease{std::move(owner), until});
  co_return true;
}

awaitable<Result<void>> MemorySessionStore::Unlock(std::string key, std::string owner) {
  std::lock_guard lock(mutex_);
  auto it = leases_.find(key);
  if (it != leases_.end() && it->second.owner == owner) leases_.erase(it);
  co_return Result<void>{};
}

awaitable<Result<void>> MemorySessionStore::Ping() { co_return Result<void>{}; }

awaitable<Result<std::size_t>> MemorySessionStore::SweepExpired() {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  co_return SweepLocked(now);
}

}  // namespace spotauth::store
