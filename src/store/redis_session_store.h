// SessionStore on Redis, for several spotauth instances sharing one store.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/redis_connection.h"
#include "store/redis_loop_connections.h"
#include "store/session_store.h"

namespace spotauth::store {

struct RedisStoreOptions {
  RedisEndpoint endpoint;
  std::string prefix = "spotauth:";  // every key starts with it
  RedisTimeouts timeouts;
};

// Layout (P = prefix; every key of one session shares the hash tag {K}, K = the caller's key):
//   P{K}:s      hash u (user), n (display name), t (sealed token), c, e (created, expires:
//               clock ticks since the epoch)      TTL: until e
//   P{K}:lease  hash o (owner), u (until)         TTL: until u
//   P{K}:state  string: the used state's expiry   TTL: until then
//   P{user:U}:sessions  sorted set of the user's session keys by creation, for the per-user cap
//   P{upstream}:pause   string: until when calls to Spotify pause (after a 429)   TTL: until then
// Expiry is judged with the store's Clock (scripts get "now"), and Redis forgets each key at
// the same moment by its TTL, so nothing needs sweeping. Each operation is one command or one
// Lua script, so it is atomic in Redis. CreateSession's script also touches the user's other
// sessions, so it is the one operation that Redis Cluster would refuse (see docs/redis.md).
//
// Threading: each event loop that calls the store gets its own pipelined connection
// (RedisLoopConnections), so a command and its reply stay on the caller's loop and no thread
// ever blocks on Redis. While Redis is away, calls fail with kStore within the deadline.
class RedisSessionStore final : public SessionStore {
 public:
  // Connects in the background: a Redis that is down at start-up is an error per call (and a
  // 503 from /readyz), not a refusal to start.
  RedisSessionStore(RedisStoreOptions options, const Clock& clock);
  RedisSessionStore(const RedisSessionStore&) = delete;
  RedisSessionStore& operator=(const RedisSessionStore&) = delete;

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
  // Redis expires keys itself: always 0.
  boost::asio::awaitable<Result<std::size_t>> SweepExpired() override;

  struct Script;  // a Lua script and its SHA-1 (redis_session_store.cc)

 private:
  // One command (RESP) on the caller's loop's connection. `parse` (Result<T>(const
  // redisReply&)) reads the reply where hiredis hands it over, copying only what a T keeps;
  // an error reply becomes kStore before it.
  template <class T, class Parse>
  boost::asio::awaitable<Result<T>> Command(std::string command, Parse parse);
  // EVALSHA, and EVAL when Redis does not know the script yet (after a restart).
  template <class T, class Parse>
  boost::asio::awaitable<Result<T>> RunScript(const Script& script, std::vector<std::string> keys,
                                              std::vector<std::string> args, Parse parse);
  // P{K}:kind, the layout of every key (above), as the pieces of one command argument.
  std::array<std::string_view, 5> KeyPieces(std::string_view key, std::string_view kind) const;
  std::string Key(std::string_view key, std::string_view kind) const;  // the pieces joined
  std::string SessionKey(std::string_view key) const;

  const std::string prefix_;
  const Clock& clock_;
  RedisLoopConnections connections_;
};

}  // namespace spotauth::store
