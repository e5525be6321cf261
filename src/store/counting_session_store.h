// CountingSessionStore: a SessionStore that counts the errors of the store it wraps, so that a
// failing disk or Redis shows in metrics, whichever caller met the error.
#pragma once

#include "core/metrics.h"
#include "store/session_store.h"

namespace spotauth::store {

// Forwards every call to `inner` unchanged; each call that returns an error adds one to
// Errors(). Thread-safe as `inner` is; `inner` must outlive it.
class CountingSessionStore final : public SessionStore {
 public:
  explicit CountingSessionStore(SessionStore& inner) : inner_(inner) {}

  const Counter& Errors() const { return errors_; }

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
  boost::asio::awaitable<Result<void>> PauseUpstream(TimePoint until) override;
  boost::asio::awaitable<Result<std::optional<TimePoint>>> UpstreamPause() override;
  boost::asio::awaitable<Result<void>> Ping() override;
  boost::asio::awaitable<Result<std::size_t>> SweepExpired() override;

 private:
  template <class T>
  Result<T> Counted(Result<T> result) {
    if (!result) errors_.Inc();
    return result;
  }

  SessionStore& inner_;
  Counter errors_;
};

}  // namespace spotauth::store
