#include "core/result.h"

namespace spotauth {

std::string_view ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kAuthentication:
      return "authentication";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kTls:
      return "tls";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kUpstreamProtocol:
      return "upstream_protocol";
    case ErrorCode::kStore:
      return "store";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace spotauth
