#include "server/opened_sessions.h"

#include <utility>

namespace spotauth::server {

OpenedSessions::Entry* OpenedSessions::Find(std::string_view cookie_value, TimePoint now) {
  auto it = entries_.find(cookie_value);
  if (it == entries_.end()) return nullptr;
  if (now >= it->second.cookie_expires) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void OpenedSessions::Remember(std::string_view cookie_value, Entry entry) {
  if (capacity_ == 0) return;
  auto it = entries_.find(cookie_value);
  if (it != entries_.end()) {
    it->second = std::move(entry);
    return;
  }
  // Which entry goes matters little: a dropped session costs one full open on its next view.
  if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
  entries_.emplace(std::string(cookie_value), std::move(entry));
}

void OpenedSessions::Forget(std::string_view cookie_value) {
  if (auto it = entries_.find(cookie_value); it != entries_.end()) entries_.erase(it);
}

}  // namespace spotauth::server
