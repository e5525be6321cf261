#include "store/memory_session_store.h"

#include <algorithm>
#include <vector>

namespace spotauth::store {

using boost::asio::awaitable;

void MemorySessionStore::EraseLocked(std::unordered_map<std::string, Session>::iterator it) {
  auto user = by_user_.find(it->second.user_id);
  if (user != by_user_.end()) {
    user->second.erase({it->second.created_at, it->first});
    if (user->second.empty()) by_user_.erase(user);
  }
  sessions_.erase(it);
}

awaitable<Result<bool>> MemorySessionStore::UseState(std::string key, TimePoint expires_at) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto [it, inserted] = used_states_.try_emplace(std::move(key), expires_at);
  if (!inserted && it->second <= now) {  // an expired record is as good as absent
    it->second = expires_at;
    inserted = true;
  }
  co_return inserted;
}

awaitable<Result<void>> MemorySessionStore::CreateSession(std::string key, Session session,
                                                          std::size_t max_per_user) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (auto old = sessions_.find(key); old != sessions_.end()) EraseLocked(old);
  const std::string user_id = session.user_id;
  by_user_[user_id].emplace(session.created_at, key);
  sessions_.emplace(key, std::move(session));

  // Expired sessions of this user go first, then the oldest live ones beyond the cap.
  const UserSessions& mine = by_user_[user_id];
  std::vector<std::string> victims;
  std::size_t live = mine.size();
  for (const auto& [created_at, other] : mine) {
    if (sessions_.at(other).expires_at <= now) {
      victims.push_back(other);
      --live;
    }
  }
  for (const auto& [created_at, other] : mine) {  // oldest first
    if (live <= std::max<std::size_t>(max_per_user, 1)) break;
    if (other != key && sessions_.at(other).expires_at > now) {
      victims.push_back(other);
      --live;
    }
  }
  for (const std::string& victim : victims) EraseLocked(sessions_.find(victim));
  co_return Result<void>{};
}

awaitable<Result<bool>> MemorySessionStore::UpdateSession(std::string key, Session session) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end() || it->second.expires_at <= now) co_return false;
  // The user and creation time of a session never change; keep the index as it is.
  session.user_id = it->second.user_id;
  session.created_at = it->second.created_at;
  it->second = std::move(session);
  co_return true;
}

awaitable<Result<std::optional<Session>>> MemorySessionStore::GetSession(std::string key) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) co_return std::nullopt;
  if (it->second.expires_at <= now) {
    EraseLocked(it);
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
  if (auto it = sessions_.find(key); it != sessions_.end()) EraseLocked(it);
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

awaitable<Result<void>> MemorySessionStore::PauseUpstream(TimePoint until) {
  upstream_pause_.Record(until);
  co_return Result<void>{};
}

awaitable<Result<std::optional<TimePoint>>> MemorySessionStore::UpstreamPause() {
  co_return upstream_pause_.Current(clock_.Now());
}

awaitable<Result<void>> MemorySessionStore::Ping() { co_return Result<void>{}; }

awaitable<Result<std::size_t>> MemorySessionStore::SweepExpired() {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  std::size_t removed = std::erase_if(used_states_, [&](const auto& e) { return e.second <= now; });
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto current = it++;
    if (current->second.expires_at <= now) {
      EraseLocked(current);
      ++removed;
    }
  }
  removed += std::erase_if(leases_, [&](const auto& e) { return e.second.until <= now; });
  co_return removed;
}

}  // namespace spotauth::store
