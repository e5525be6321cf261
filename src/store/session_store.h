// SessionStore: persistence of signed-in sessions, used login states and refresh leases.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace spotauth::store {

// A signed-in browser, keyed by a hash of its session id.
struct Session {
  std::string user_id;
  std::string display_name;  // may be empty (Spotify's display_name can be null)
  std::string sealed_token;  // the Token, encrypted by the caller; the store sees bytes
  TimePoint created_at;      // for the absolute lifetime
  TimePoint expires_at;      // the store forgets the session after this

  bool operator==(const Session&) const = default;
};

// Contract for every backend (one conformance suite, tests/store/session_store_conformance.cc,
// runs them all):
// - Keys are caller-made strings (hashes); values are opaque to the store.
// - "Absent" and "expired" read the same: std::nullopt. Expiry is judged with the store's Clock.
// - Each call is atomic for its key: UseState is test-and-set, so a state can be used once even
//   when two callbacks race; UpdateSession writes only over a live session.
// - Nothing is stored for a login until its callback comes back (the pending login travels
//   sealed in the browser's cookie), so anonymous /login traffic cannot fill the store.
// - Thread-safe: any method may be awaited from any event loop at the same time.
// - Errors (disk, connection) are kStore; they never throw.
// The interface is asynchronous so that a networked backend (Redis) fits without changing callers.
class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Records that a login state was used, until `expires_at` (the login's own expiry). True the
  // first time for `key`; false when it is already recorded (a replayed callback).
  [[nodiscard]] virtual boost::asio::awaitable<Result<bool>> UseState(std::string key,
                                                                      TimePoint expires_at) = 0;

  // Inserts a new session. When its user then has more than `max_per_user` live sessions, the
  // oldest (by created_at) end, so a login loop cannot grow the store without bound.
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> CreateSession(
      std::string key, Session session, std::size_t max_per_user) = 0;
  // Replaces the data of an existing, unexpired session. False, with nothing written, when the
  // session is gone: a write-back after a slow upstream call (a token refresh) can never bring
  // back a session that a logout or a newer login ended meanwhile.
  [[nodiscard]] virtual boost::asio::awaitable<Result<bool>> UpdateSession(std::string key,
                                                                           Session session) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Result<std::optional<Session>>> GetSession(
      std::string key) = 0;
  // Moves an existing, unexpired session's expiry to `expires_at` without rewriting its data,
  // so sliding the idle lifetime cannot overwrite a token a concurrent refresh just stored.
  // Touching an absent session does nothing and succeeds.
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> TouchSession(std::string key,
                                                                          TimePoint expires_at) = 0;
  // Deleting an absent session succeeds.
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> DeleteSession(std::string key) = 0;

  // A lease for one-at-a-time work on a key (a token refresh), shared by every process that
  // uses the store. True when `owner` now holds it (also when it already did); a lease past
  // `until` is free to take.
  [[nodiscard]] virtual boost::asio::awaitable<Result<bool>> TryLock(std::string key,
                                                                     std::string owner,
                                                                     TimePoint until) = 0;
  // Releases only if `owner` holds it.
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> Unlock(std::string key,
                                                                    std::string owner) = 0;

  // An app-wide pause of calls to Spotify (after a 429: Spotify's rate limit is per app), for
  // every process that shares the store. Records `until` unless a later pause is recorded.
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> PauseUpstream(TimePoint until) = 0;
  // The recorded pause while it lasts; nullopt when there is none or it is over.
  [[nodiscard]] virtual boost::asio::awaitable<Result<std::optional<TimePoint>>>
  UpstreamPause() = 0;

  // The store can be read and written (for /readyz).
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> Ping() = 0;
  // Removes expired entries; returns how many went. Backends that expire natively return 0.
  [[nodiscard]] virtual boost::asio::awaitable<Result<std::size_t>> SweepExpired() = 0;
};

}  // namespace spotauth::store
