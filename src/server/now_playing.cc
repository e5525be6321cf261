#include "server/now_playing.h"

#include <spdlog/spdlog.h>

namespace spotauth::server {

using boost::asio::awaitable;

std::optional<std::chrono::seconds> RateLimitGate::Remaining(TimePoint now) const {
  const TimePoint until{TimePoint::duration{until_.load(std::memory_order_relaxed)}};
  if (now >= until) return std::nullopt;
  // Round up so the page never says "0 s" while still paused.
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void RateLimitGate::PauseUntil(TimePoint until) {
  const auto wanted = until.time_since_epoch().count();
  auto current = until_.load(std::memory_order_relaxed);
  while (current < wanted && !until_.compare_exchange_weak(current, wanted)) {
  }
}

bool RateLimitGate::ClaimSharedCheck(TimePoint now) {
  auto due = next_shared_check_.load(std::memory_order_relaxed);
  if (now.time_since_epoch().count() < due) return false;
  const auto next = (now + kSharedCheckEvery).time_since_epoch().count();
  return next_shared_check_.compare_exchange_strong(due, next);
}

std::shared_ptr<const NowPlayingView> NowPlayingCache::Get(const std::string& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.expires <= now) {
    entries_.erase(it);
    return nullptr;
  }
  return it->second.view;
}

void NowPlayingCache::Put(const std::string& key, std::shared_ptr<const NowPlayingView> view,
                          TimePoint expires) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.insert_or_assign(key, Entry{expires, std::move(view)});
}

void NowPlayingCache::Erase(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

std::size_t NowPlayingCache::Size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

namespace {

std::optional<std::string> HttpsOnly(const std::optional<std::string>& url) {
  if (url && url->rfind("https://", 0) == 0) return url;
  return std::nullopt;
}

}  // namespace

NowPlayingView ViewOf(const std::optional<spotify::CurrentlyPlaying>& playing) {
  using Kind = NowPlayingView::Kind;
  NowPlayingView view;
  if (!playing) return view;  // kNothing
  view.is_playing = playing->is_playing;
  if (const auto* track = std::get_if<spotify::TrackItem>(&playing->item)) {
    view.kind = Kind::kTrack;
    view.title = track->name;
    for (std::size_t i = 0; i < track->artists.size(); ++i) {
      if (i) view.subtitle += ", ";
      view.subtitle += track->artists[i];
    }
    if (!track->album.empty()) view.subtitle += (view.subtitle.empty() ? "" : " · ") + track->album;
    view.image_url = HttpsOnly(track->image_url);
  } else if (const auto* episode = std::get_if<spotify::EpisodeItem>(&playing->item)) {
    view.kind = Kind::kEpisode;
    view.title = episode->name;
    view.subtitle = episode->show;
    view.image_url = HttpsOnly(episode->image_url);
  } else {
    view.kind = playing->type == spotify::CurrentlyPlaying::Type::kAd ? Kind::kAd : Kind::kUnknown;
  }
  return view;
}

std::shared_ptr<const NowPlayingView> NowPlayingService::Cached(
    const std::string& session_key) const {
  if (policy_.cache_for.count() <= 0) return nullptr;
  return cache_.Get(session_key, clock_.Now());
}

awaitable<std::shared_ptr<const NowPlayingView>> NowPlayingService::Fetch(
    const std::string& session_key, std::string access_token) {
  using Kind = NowPlayingView::Kind;
  const TimePoint now = clock_.Now();
  if (gate_.ClaimSharedCheck(now)) {
    // Another instance may have met a 429; a store that cannot answer pauses nothing.
    auto shared = co_await store_.UpstreamPause();
    if (shared && *shared) gate_.PauseUntil(**shared);
  }
  if (auto paused = gate_.Remaining(now)) {
    NowPlayingView view;
    view.kind = Kind::kRateLimited;
    view.retry_in = *paused;
    co_return std::make_shared<const NowPlayingView>(std::move(view));
  }
  auto playing = co_await api_.CurrentlyPlaying(access_token);
  if (playing) {
    auto view = std::make_shared<const NowPlayingView>(ViewOf(*playing));
    if (policy_.cache_for.count() > 0) cache_.Put(session_key, view, now + policy_.cache_for);
    co_return view;
  }
  NowPlayingView view;
  switch (playing.error().code) {
    case ErrorCode::kRateLimited: {
      const auto pause = std::min(std::max(playing.error().retry_after, std::chrono::seconds(1)),
                                  policy_.max_retry_after);
      gate_.PauseUntil(now + pause);
      pauses_.Inc();
      spdlog::warn("spotify rate limit: pausing now-playing calls for {} s", pause.count());
      if (auto shared = co_await store_.PauseUpstream(now + pause); !shared) {
        spdlog::warn("could not share the pause through the store: {}", shared.error().message);
      }
      view.kind = Kind::kRateLimited;
      view.retry_in = pause;
      break;
    }
    case ErrorCode::kUnauthorized:
    case ErrorCode::kForbidden:
      // A token Spotify refuses (a missing scope, a user not added in development mode):
      // worth an operator's attention, though the page carries on.
      spdlog::warn("now playing: spotify refused the access token: {}: {}",
                   ToString(playing.error().code), playing.error().message);
      view.kind = Kind::kNotAllowed;
      break;
    default:
      spdlog::warn("now playing failed: {}: {}", ToString(playing.error().code),
                   playing.error().message);
      view.kind = Kind::kUnavailable;
      break;
  }
  co_return std::make_shared<const NowPlayingView>(std::move(view));
}

}  // namespace spotauth::server
