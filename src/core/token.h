// Token: what the token endpoint returns, with an absolute expiry.
#pragma once

#include <chrono>
#include <string>

#include "core/clock.h"
#include "core/scope.h"

namespace spotauth {

// As tekore: a token is "expiring" when fewer than 60 seconds remain.
inline constexpr std::chrono::seconds kExpiringMargin{60};

struct Token {
  std::string access_token;
  std::string refresh_token;  // empty for client credentials
  std::string token_type = "Bearer";
  Scope scope;
  TimePoint expires_at;

  std::chrono::seconds ExpiresIn(TimePoint now) const;
  bool IsExpiring(TimePoint now) const { return ExpiresIn(now) < kExpiringMargin; }
};

}  // namespace spotauth
