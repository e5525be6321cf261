#include "testing/echo_app.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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
  const std::string port = std::to_string(app->port_);
  const pid_t pid = ::fork();
  if (pid < 0) {
    *error = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    // Not the test's stdout: a pipe held open by an orphan would hang whoever reads it.
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execl("/usr/bin/python3", "python3", script.c_str(), port.c_str(), nullptr);
    ::_exit(127);
  }
  app->pid_ = pid;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      app->pid_ = -1;
      *error = "echo_app.py exited at start";
      return nullptr;
    }
    if (AcceptsConnections(app->port_)) return app;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *error = "echo_app.py did not listen within 10 s";
  return nullptr;
}

void EchoApp::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

EchoApp::~EchoApp() { Stop(); }

}  // namespace spotauth::testing
