#include "fake_spotify/state.h"

#include <algorithm>
#include <utility>

namespace spotauth::fake_spotify {

FakeSpotifyState::FakeSpotifyState(const Clock& clock, Random& random, FakeSpotifySettings settings)
    : clock_(clock), random_(random), settings_(std::move(settings)) {}

void FakeSpotifyState::AddClient(FakeClient client) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(clients_.begin(), clients_.end(),
                         [&](const FakeClient& c) { return c.id == client.id; });
  if (it != clients_.end()) {
    *it = std::move(client);
  } else {
    clients_.push_back(std::move(client));
  }
}

std::optional<FakeClient> FakeSpotifyState::FindClient(std::string_view id) const {
  std::lock_guard lock(mutex_);
  for (const FakeClient& client : clients_) {
    if (client.id == id) return client;
  }
  return std::nullopt;
}

void FakeSpotifyState::PutUser(FakeUser user) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(users_.begin(), users_.end(),
                         [&](const FakeUser& u) { return u.id == user.id; });
  if (it != users_.end()) {
    user.playback_changed_at =
        it->playback == user.playback ? it->playback_changed_at : clock_.Now();
    *it = std::move(user);
  } else {
    user.playback_changed_at = clock_.Now();
    users_.push_back(std::move(user));
  }
}

std::optional<FakeUser> FakeSpotifyState::FindUser(std::string_view id) const {
  std::lock_guard lock(mutex_);
  for (const FakeUser& user : users_) {
    if (user.id == id) return user;
  }
  return std::nullopt;
}

std::vector<FakeUser> FakeSpotifyState::Users() const {
  std::lock_guard lock(mutex_);
  return users_;
}

bool FakeSpotifyState::SetPlayback(std::string_view user_id, std::optional<FakePlayback> playback) {
  std::lock_guard lock(mutex_);
  for (FakeUser& user : users_) {
    if (user.id == user_id) {
      if (user.playback != playback) user.playback_changed_at = clock_.Now();
      user.playback = std::move(playback);
      return true;
    }
  }
  return false;
}

FakeSpotifySettings FakeSpotifyState::Settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

void FakeSpotifyState::SetAutoApprove(bool enabled, std::string user_id) {
  std::lock_guard lock(mutex_);
  settings_.auto_approve = enabled;
  settings_.auto_approve_user = std::move(user_id);
}

std::string FakeSpotifyState::AutoApproveUser() const {
  std::lock_guard lock(mutex_);
  if (!settings_.auto_approve_user.empty()) return settings_.auto_approve_user;
  return users_.empty() ? std::string() : users_.front().id;
}

void FakeSpotifyState::SetAccessTokenLifetime(std::chrono::seconds lifetime) {
  std::lock_guard lock(mutex_);
  settings_.access_token_lifetime = lifetime;
}

void FakeSpotifyState::SetRotateConfidentialRefreshTokens(bool enabled) {
  std::lock_guard lock(mutex_);
  settings_.rotate_confidential_refresh_tokens = enabled;
}

void FakeSpotifyState::AddFault(std::string path, FakeFault fault) {
  if (fault.count <= 0) return;
  std::lock_guard lock(mutex_);
  faults_[std::move(path)].push_back(fault);
}

void FakeSpotifyState::ClearFaults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

std::optional<FakeFault> FakeSpotifyState::TakeFault(std::string_view path) {
  std::lock_guard lock(mutex_);
  auto it = faults_.find(path);
  if (it == faults_.end() || it->second.empty()) return std::nullopt;
  FakeFault& front = it->second.front();
  FakeFault taken = front;
  if (--front.count <= 0) it->second.pop_front();
  if (it->second.empty()) faults_.erase(it);
  return taken;
}

void FakeSpotifyState::CountRequest(std::string_view path) {
  std::lock_guard lock(mutex_);
  auto it = request_counts_.find(path);
  if (it == request_counts_.end()) {
    request_counts_.emplace(std::string(path), 1);
  } else {
    ++it->second;
  }
}

std::uint64_t FakeSpotifyState::RequestCount(std::string_view path) const {
  std::lock_guard lock(mutex_);
  auto it = request_counts_.find(path);
  return it == request_counts_.end() ? 0 : it->second;
}

std::map<std::string, std::uint64_t, std::less<>> FakeSpotifyState::RequestCounts() const {
  std::lock_guard lock(mutex_);
  return request_counts_;
}

void AddDemoDefaults(FakeSpotifyState& state, std::string client_id, std::string client_secret,
                     std::vector<std::string> redirect_uris) {
  using std::chrono::milliseconds;
  state.AddClient(
      FakeClient{std::move(client_id), std::move(client_secret), std::move(redirect_uris)});
  state.PutUser(FakeUser{"demo-user", "Demo User",
                         FakePlayback{FakeTrack{"Windowlicker",
                                                {"Aphex Twin"},
                                                "Windowlicker",
                                                // No album art: a made-up CDN address would show a
                                                // broken image in the demo.
                                                "",
                                                milliseconds{366'000},
                                                "6Hmj7SrLRbreLVfVS7mV1S"},
                                      true, milliseconds{83'000}}});
  state.PutUser(
      FakeUser{"second-user", "Second User",
               FakePlayback{FakeEpisode{"Episode 1: Loopback", "The Stand-in Show",
                                        milliseconds{1'800'000}, "4rOoJ6Egrf8K2IrywzwOMk"},
                            false, milliseconds{600'000}}});
}

std::vector<std::string> FakeSpotifyState::IssuedSecrets() const {
  std::lock_guard lock(mutex_);
  return issued_secrets_;
}

}  // namespace spotauth::fake_spotify
