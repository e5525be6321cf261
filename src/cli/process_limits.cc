#include "cli/process_limits.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>

namespace spotauth::cli {

std::size_t ReservedDescriptors(unsigned loops) { return 64 + 32 * std::size_t{loops}; }

std::size_t ConnectionCapFor(std::uint64_t open_files, unsigned loops, std::size_t wanted) {
  const std::size_t reserved = ReservedDescriptors(loops);
  if (open_files <= reserved) return 1;
  return std::clamp<std::size_t>(open_files - reserved, 1, wanted);
}

DescriptorBudget RaiseDescriptorLimit(unsigned loops, std::size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {0, wanted};
  const rlim_t needed = wanted + ReservedDescriptors(loops);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur =
        limit.rlim_max == RLIM_INFINITY ? needed : std::min<rlim_t>(needed, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return {UINT64_MAX, wanted};
  return {limit.rlim_cur, ConnectionCapFor(limit.rlim_cur, loops, wanted)};
}

void KeepSecretsOutOfCoreDumps() { ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

}  // namespace spotauth::cli
