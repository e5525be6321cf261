// The app behind spotauth in gateway tests: tests/testing/echo_app.py (python3) on a free
// loopback port, answering with what reached it (method, target, headers, body size and
// SHA-256), plus /download, /slow and an "Upgrade: echo" byte tunnel.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "testing/child_process.h"

namespace spotauth::testing {

class EchoApp {
 public:
  // nullptr and *error when it does not come up within 10 s.
  static std::unique_ptr<EchoApp> Start(std::string* error);
  ~EchoApp();
  EchoApp(const EchoApp&) = delete;
  EchoApp& operator=(const EchoApp&) = delete;

  std::uint16_t port() const { return port_; }
  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // SIGKILL and wait: the app is down (connections refused).
  void Stop();

 private:
  EchoApp() = default;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace spotauth::testing
