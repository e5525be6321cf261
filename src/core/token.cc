#include "core/token.h"

namespace spotauth {

std::chrono::seconds Token::ExpiresIn(TimePoint now) const {
  // Truncates toward zero like tekore's int(expires_at - time()), so both agree on the margin.
  return std::chrono::duration_cast<std::chrono::seconds>(expires_at - now);
}

}  // namespace spotauth
