// What the user is playing, with an app-wide 429 pause and a short per-session cache.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/metrics.h"
#include "server/now_playing_view.h"
#include "spotify/api.h"
#include "store/session_store.h"

namespace spotauth::server {

// Spotify's rate limit is per app, so one 429 pauses every user's now-playing calls until
// Retry-After has passed, in this process and, through the store, in every instance that
// shares it. Thread-safe, lock-free.
class RateLimitGate {
 public:
  // How often a process looks in the store for a pause another instance recorded.
  static constexpr std::chrono::seconds kSharedCheckEvery{1};

  // Time left in the pause, or nullopt when calls may go out.
  std::optional<std::chrono::seconds> Remaining(TimePoint now) const;
  void PauseUntil(TimePoint until);
  // True for one caller per kSharedCheckEvery: that caller reads the store's pause.
  bool ClaimSharedCheck(TimePoint now);

 private:
  std::atomic<TimePoint::rep> until_{0};
  std::atomic<TimePoint::rep> next_shared_check_{0};
};

// Recent answers by session key, so reloads within a few seconds cost no upstream call.
// Thread-safe. Bounded: when full, it starts over (a cache miss is only an upstream call).
class NowPlayingCache {
 public:
  explicit NowPlayingCache(std::size_t max_entries = 100'000) : max_entries_(max_entries) {}
  // Shared, not copied: a page reads the view without allocating. Null: none, or expired.
  std::shared_ptr<const NowPlayingView> Get(const std::string& key, TimePoint now);
  void Put(const std::string& key, std::shared_ptr<const NowPlayingView> view, TimePoint expires);
  void Erase(const std::string& key);
  std::size_t Size();

 private:
  struct Entry {
    TimePoint expires;
    std::shared_ptr<const NowPlayingView> view;
  };
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

// Turns Spotify's answer into a view; never fails (failures are views too).
NowPlayingView ViewOf(const std::optional<spotify::CurrentlyPlaying>& playing);

struct NowPlayingPolicy {
  std::chrono::seconds cache_for{5};          // 0 = no cache
  std::chrono::seconds max_retry_after{300};  // the longest pause a 429 can impose
};

// Per event loop (it uses that loop's SpotifyApi); the gate and cache are shared.
class NowPlayingService {
 public:
  NowPlayingService(spotify::SpotifyApi& api, const Clock& clock, RateLimitGate& gate,
                    NowPlayingCache& cache, store::SessionStore& store, NowPlayingPolicy policy,
                    Counter& pauses)
      : api_(api),
        clock_(clock),
        gate_(gate),
        cache_(cache),
        store_(store),
        policy_(policy),
        pauses_(pauses) {}

  // The view cached for the session, if it is still fresh (null otherwise, or with no cache).
  // Not a coroutine, so a page served from the cache needs no coroutine frame for it.
  std::shared_ptr<const NowPlayingView> Cached(const std::string& session_key) const;
  // Asks Spotify (unless a 429 pause is on) and caches the answer; callers look in Cached
  // first.
  boost::asio::awaitable<std::shared_ptr<const NowPlayingView>> Fetch(
      const std::string& session_key, std::string access_token);
  // The session ended: what was cached for it goes.
  void Forget(const std::string& session_key) { cache_.Erase(session_key); }

 private:
  spotify::SpotifyApi& api_;
  const Clock& clock_;
  RateLimitGate& gate_;
  NowPlayingCache& cache_;
  store::SessionStore& store_;  // where instances share a 429 pause
  NowPlayingPolicy policy_;
  Counter& pauses_;  // each pause a 429 here imposed
};

}  // namespace spotauth::server
