#include "server/routes.h"

#include "server/pages.h"

namespace spotauth::server {

std::vector<std::string> RouteLabels() {
  return {"home",   "login", "callback", "logout",  "healthz", "readyz",
          "static", "auth",  "userinfo", "gateway", "other"};
}

Routes::Routes(const std::string& base, std::string callback_path, bool gateway_mode)
    : prefix(base + "/"),
      home(base + "/"),
      login(base + "/login"),
      callback(std::move(callback_path)),
      logout(base + "/logout"),
      healthz(base + "/healthz"),
      readyz(base + "/readyz"),
      stylesheet(base + std::string(kStylesheetPath)),
      auth(base + "/auth"),
      userinfo(base + "/userinfo"),
      gateway(gateway_mode) {}

RouteId Routes::Classify(std::string_view path) const {
  // The order LoginApp::Route has always checked them in.
  if (path == healthz) return RouteId::kHealthz;
  if (path == readyz) return RouteId::kReadyz;
  if (gateway && path == auth) return RouteId::kAuth;
  if (path == home) return RouteId::kHome;
  if (path == login) return RouteId::kLogin;
  if (path == callback) return RouteId::kCallback;
  if (path == logout) return RouteId::kLogout;
  if (path == stylesheet) return RouteId::kStatic;
  if (gateway && path == userinfo) return RouteId::kUserinfo;
  // Gateway mode: everything outside spotauth's own paths is the app's.
  if (gateway && !path.starts_with(prefix)) return RouteId::kGateway;
  return RouteId::kOther;
}

}  // namespace spotauth::server
