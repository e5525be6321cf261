#include "core/scope.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace spotauth {
namespace {

// https://developer.spotify.com/documentation/web-api/concepts/scopes
constexpr std::array<std::string_view, 24> kKnownScopes = {
    "ugc-image-upload",
    "user-read-playback-state",
    "user-modify-playback-state",
    "user-read-currently-playing",
    "app-remote-control",
    "streaming",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-follow-modify",
    "user-follow-read",
    "user-read-playback-position",
    "user-top-read",
    "user-read-recently-played",
    "user-library-modify",
    "user-library-read",
    "user-read-email",
    "user-read-private",
    "user-soa-link",
    "user-soa-unlink",
    "user-manage-entitlements",
    "user-manage-partner",
    "user-create-partner",
};

}  // namespace

Scope::Scope(std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (!name.empty()) {
      names_.emplace(name);
    }
  }
}

Scope Scope::Parse(std::string_view text) {
  Scope scope;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view part = text.substr(0, space);
    if (!part.empty()) {
      scope.names_.emplace(part);
    }
    if (space == std::string_view::npos) {
      break;
    }
    text.remove_prefix(space + 1);
  }
  return scope;
}

std::string Scope::ToString() const {
  std::string out;
  for (const std::string& name : names_) {
    if (!out.empty()) {
      out.push_back(' ');
    }
    out += name;
  }
  return out;
}

bool Scope::Contains(std::string_view name) const { return names_.find(name) != names_.end(); }

Scope Scope::operator|(const Scope& other) const {
  Scope result = *this;
  result.names_.insert(other.names_.begin(), other.names_.end());
  return result;
}

Scope Scope::operator&(const Scope& other) const {
  Scope result;
  std::set_intersection(names_.begin(), names_.end(), other.names_.begin(), other.names_.end(),
                        std::inserter(result.names_, result.names_.end()), names_.value_comp());
  return result;
}

Scope Scope::operator-(const Scope& other) const {
  Scope result;
  std::set_difference(names_.begin(), names_.end(), other.names_.begin(), other.names_.end(),
                      std::inserter(result.names_, result.names_.end()), names_.value_comp());
  return result;
}

bool Scope::IsKnown(std::string_view name) {
  return std::find(kKnownScopes.begin(), kKnownScopes.end(), name) != kKnownScopes.end();
}

}  // namespace spotauth
