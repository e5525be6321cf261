// SessionStore: persistence of signed-in sessions and pending logins.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace spotauth::store {

// A login that went to Spotify and has not come back yet, keyed by a hash of its state.
struct PendingLogin {
  std::string browser_hash;     // hash of the login cookie's id: binds the state to one browser
  std::string sealed_verifier;  // PKCE verifier, sealed by the caller; empty without PKCE
  TimePoint expires_at;

  bool operator==(const PendingLogin&) const = default;
};

// A signed-in browser, keyed by a hash of its session id.
struct Session {
  std::string user_id;
  std::string display_name;  // may be empty (Spotify's display_name can be null)
  std::string sealed_token;  // the Token, encrypted by the caller; the store sees bytes
  TimePoint created_at;      // for the absolute lifetime
  TimePoint expires_at;      // the store forgets the session after this

  bool operator==(const Session&) const = default;
};

// Contract for every backend (one conformance suite, tests/store/conformance.h, runs them all):
// - Keys are caller-made strings (hashes); values are opaque to the store.
// - "Absent" and "expired" read the same: std::nullopt. Expiry is judged with the store's Clock.
// - Each call is atomic for its key; TakePending is read-and-delete in one step, so a state
//   can be used once even when two callbacks race.
// - Thread-safe: any method may be awaited from any event loop at the same time.
// - Errors (disk, connection) are kStore; they never throw.
// How often a backend at the pending-login cap may look for expired entries to make room: an
// expired login may hold its place this much longer, and a flood of refusals stays cheap.
inline constexpr std::chrono::seconds kCapSweepInterval{1};

// The interface is asynchronous so that a networked backend (Redis) fits without changing callers.
class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Stores a pending login unless `max_pending` unexpired ones already exist: then false,
  // so flooding /login cannot grow the store without bound.
  [[nodiscard]] virtual boost::asio::awaitable<Result<bool>> AddPending(
      std::string key, PendingLogin login, std::size_t max_pending) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Result<std::optional<PendingLogin>>> TakePending(
      std::string key) = 0;

  // Inserts or replaces.
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> PutSession(std::string key,
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

  // The store can be read and written (for /readyz).
  [[nodiscard]] virtual boost::asio::awaitable<Result<void>> Ping() = 0;
  // Removes expired entries; returns how many went. Backends that expire natively return 0.
  [[nodiscard]] virtual boost::asio::awaitable<Result<std::size_t>> SweepExpired() = 0;
};

}  // namespace spotauth::store
