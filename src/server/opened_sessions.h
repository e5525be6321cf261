// A loop's memory of the sessions it opened lately, so that a page view does not check the
// cookie's MAC, hash the id and decrypt and parse the token again when nothing changed: on a
// signed-in page that was a quarter of the CPU (issue #13).
//
// The store stays the truth. The caller reads the record on every request and uses a remembered
// token only when the record's sealed token is, byte for byte, the one it was opened from; so
// a logout, a refresh or a new login on any instance sharing the store is seen at once. An entry
// is found only by the exact cookie value that was verified, and only until that cookie expires.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/token.h"

namespace spotauth::server {

// What a session cookie's verified id gives (the raw id itself is not kept: nothing after the
// cookie check needs it). Made once per cookie value and shared by the loop's cache and every
// page that uses the session: a page copies none of it.
struct SessionIds {
  std::string key;           // the store key derived from the id
  std::string logout_token;  // the logout form's token for this session
};

// Thread-safety: none; one per event loop (in SessionService). Pointers returned by Find are
// valid until the next call that changes the cache: look again after any co_await.
class OpenedSessions {
 public:
  struct Entry {
    std::shared_ptr<const SessionIds> ids;
    TimePoint cookie_expires;            // the cookie's own expiry
    std::string sealed_token;            // the stored value `token` was opened from
    std::shared_ptr<const Token> token;  // shared with the pages that use it
  };

  // At most `capacity` entries; a full cache drops one to take another.
  explicit OpenedSessions(std::size_t capacity) : capacity_(capacity) {}

  // The entry remembered for exactly this cookie value, unless the cookie has expired.
  Entry* Find(std::string_view cookie_value, TimePoint now);
  void Remember(std::string_view cookie_value, Entry entry);
  void Forget(std::string_view cookie_value);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::size_t capacity_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace spotauth::server
