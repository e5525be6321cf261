#include "store/counting_session_store.h"

namespace spotauth::store {

using boost::asio::awaitable;

awaitable<Result<bool>> CountingSessionStore::UseState(std::string key, TimePoint expires_at) {
  co_return Counted(co_await inner_.UseState(std::move(key), expires_at));
}

awaitable<Result<void>> CountingSessionStore::CreateSession(std::string key, Session session,
                                                            std::size_t max_per_user) {
  co_return Counted(
      co_await inner_.CreateSession(std::move(key), std::move(session), max_per_user));
}

awaitable<Result<bool>> CountingSessionStore::UpdateSession(std::string key, Session session) {
  co_return Counted(co_await inner_.UpdateSession(std::move(key), std::move(session)));
}

awaitable<Result<std::optional<Session>>> CountingSessionStore::GetSession(std::string key) {
  co_return Counted(co_await inner_.GetSession(std::move(key)));
}

awaitable<Result<void>> CountingSessionStore::TouchSession(std::string key, TimePoint expires_at) {
  co_return Counted(co_await inner_.TouchSession(std::move(key), expires_at));
}

awaitable<Result<void>> CountingSessionStore::DeleteSession(std::string key) {
  co_return Counted(co_await inner_.DeleteSession(std::move(key)));
}

awaitable<Result<bool>> CountingSessionStore::TryLock(std::string key, std::string owner,
                                                      TimePoint until) {
  co_return Counted(co_await inner_.TryLock(std::move(key), std::move(owner), until));
}

awaitable<Result<void>> CountingSessionStore::Unlock(std::string key, std::string owner) {
  co_return Counted(co_await inner_.Unlock(std::move(key), std::move(owner)));
}

awaitable<Result<void>> CountingSessionStore::PauseUpstream(TimePoint until) {
  co_return Counted(co_await inner_.PauseUpstream(until));
}

awaitable<Result<std::optional<TimePoint>>> CountingSessionStore::UpstreamPause() {
  co_return Counted(co_await inner_.UpstreamPause());
}

awaitable<Result<void>> CountingSessionStore::Ping() { co_return Counted(co_await inner_.Ping()); }

awaitable<Result<std::size_t>> CountingSessionStore::SweepExpired() {
  co_return Counted(co_await inner_.SweepExpired());
}

}  // namespace spotauth::store
