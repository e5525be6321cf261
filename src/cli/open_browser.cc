#include "cli/open_browser.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <unistd.h>

#include <array>

extern char** environ;

namespace spotauth::cli {

bool OpenInBrowser(const std::string& url) {
  posix_spawn_file_actions_t actions;
  if (::posix_spawn_file_actions_init(&actions) != 0) return false;
  for (const int fd : {0, 1, 2}) {
    ::posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::string program = "xdg-open";
  std::string argument = url;
  std::array<char*, 3> argv{program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  const int spawned =
      ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  // Not waited for: xdg-open may hand over to a browser that runs for hours. The process ends
  // soon after the sign-in, and its child is then reaped by init.
  return spawned == 0;
}

}  // namespace spotauth::cli
