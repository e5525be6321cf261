// The login app's routes: their full paths under the base path, and which route a path is, for
// dispatch and for the route label of metrics.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spotauth::server {

// In label order (RouteLabels); kOther is last, the catch-all ServerMetrics expects.
enum class RouteId : std::size_t {
  kHome,
  kLogin,
  kCallback,
  kLogout,
  kHealthz,
  kReadyz,
  kStatic,
  kAuth,      // gateway mode only
  kUserinfo,  // gateway mode only
  kGateway,   // gateway mode: a request for the app (passed on, or refused for want of a login)
  kOther,     // no such route (404)
};

// The metric label of each RouteId, in order.
std::vector<std::string> RouteLabels();

struct Routes {
  // `base`: "" or "/spotauth" (gateway mode, which also enables kAuth, kUserinfo and kGateway);
  // `callback`: the redirect URI's path.
  Routes(const std::string& base, std::string callback, bool gateway);

  // Which route an (encoded) path is; the method is not looked at.
  RouteId Classify(std::string_view path) const;

  std::string prefix, home, login, callback, logout, healthz, readyz, stylesheet, auth, userinfo;
  bool gateway;
};

}  // namespace spotauth::server
