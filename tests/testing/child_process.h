// A program run by a test (the spotauth binary), with its output in files: a child that held
// the test's own stdout or a pipe ctest reads would keep ctest waiting after the test ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace spotauth::testing {

class ChildProcess {
 public:
  // Starts args[0] with `args` and exactly `env`; stdin is /dev/null, stdout and stderr go to
  // the given files (created or truncated), and no other descriptor of the test is inherited.
  // The child gets SIGTERM if the test process dies.
  ChildProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
               const std::string& stdout_path, const std::string& stderr_path);
  ~ChildProcess();  // kills (SIGKILL) and reaps a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The exit code (128 + signal for a signal), or nullopt if the child is still running after
  // `limit`.
  std::optional<int> Wait(std::chrono::milliseconds limit = std::chrono::seconds(30));
  bool Running();

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Runs a child to completion (at most `limit`) and returns its exit code, stdout and stderr;
// exit code -1 when it had to be killed.
struct ChildResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
ChildResult RunChild(const std::vector<std::string>& args, const std::vector<std::string>& env,
                     const std::string& scratch_dir,
                     std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace spotauth::testing
