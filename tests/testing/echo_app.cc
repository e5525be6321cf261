#include "testing/echo_app.h"

#include <array>
#include <chrono>
#include <thread>

#include "testing/loopback_ports.h"

namespace spotauth::testing {

std::unique_ptr<EchoApp> EchoApp::Start(std::string* error) {
  std::unique_ptr<EchoApp> app(new EchoApp());
  std::array<std::uint16_t, 1> ports{};
  if (!PickLoopbackPorts(ports)) {
    *error = "no free port";
    return nullptr;
  }
  app->port_ = ports[0];
  const std::string script = std::string(SPOTAUTH_SOURCE_DIR) + "/tests/testing/echo_app.py";
  app->process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/bin/python3", script, std::to_string(app->port_)},
      std::vector<std::string>{}, "/dev/null", "/dev/null");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    if (!app->process_->Running()) {
      *error = "echo_app.py exited at start";
      return nullptr;
    }
    if (AcceptsConnections(app->port_)) return app;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = "echo_app.py did not listen within 10 s";
  return nullptr;
}

void EchoApp::Stop() { process_.reset(); }

EchoApp::~EchoApp() = default;

}  // namespace spotauth::testing
