// Scope: a set of Spotify scope names (e.g. "user-read-currently-playing").
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace spotauth {

class Scope {
 public:
  Scope() = default;
  Scope(std::initializer_list<std::string_view> names);
  // Splits on spaces (Spotify's wire form); empty parts are ignored.
  static Scope Parse(std::string_view text);

  // Sorted, space separated: the form tekore sends.
  std::string ToString() const;
  bool Contains(std::string_view name) const;
  bool Empty() const { return names_.empty(); }
  const std::set<std::string, std::less<>>& Names() const { return names_; }

  Scope operator|(const Scope& other) const;  // union
  Scope operator&(const Scope& other) const;  // intersection
  Scope operator-(const Scope& other) const;  // difference
  bool operator==(const Scope&) const = default;

  // True for the scope names Spotify documents.
  static bool IsKnown(std::string_view name);

 private:
  std::set<std::string, std::less<>> names_;
};

}  // namespace spotauth
