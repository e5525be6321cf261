#include "cli/process_limits.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>

namespace spotauth::cli {
namespace {

TEST(ProcessLimits, TheConnectionCapLeavesRoomForEverythingElse) {
  EXPECT_EQ(ConnectionCapFor(1'000'000, 2, 10'000), 10'000u);
  EXPECT_EQ(ConnectionCapFor(1024, 2, 10'000), 1024 - ReservedDescriptors(2));
  EXPECT_EQ(ConnectionCapFor(10, 2, 10'000), 1u);
  EXPECT_GT(ReservedDescriptors(8), ReservedDescriptors(1));
}

TEST(ProcessLimits, RaisesTheSoftOpenFileLimitForTheWantedConnections) {
  rlimit original{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
  rlimit low = original;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  const DescriptorBudget budget = RaiseDescriptorLimit(2, 3000);
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  const rlim_t needed = 3000 + ReservedDescriptors(2);
  // As far as the hard limit allows.
  EXPECT_EQ(now.rlim_cur,
            original.rlim_max == RLIM_INFINITY ? needed : std::min(needed, original.rlim_max));
  EXPECT_EQ(budget.open_files, now.rlim_cur);
  EXPECT_EQ(budget.max_connections, ConnectionCapFor(now.rlim_cur, 2, 3000));
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &original), 0);
}

TEST(ProcessLimits, KeepsSecretsOutOfCoreDumps) {
  const int before = ::prctl(PR_GET_DUMPABLE);
  KeepSecretsOutOfCoreDumps();
  EXPECT_EQ(::prctl(PR_GET_DUMPABLE), 0);
  ::prctl(PR_SET_DUMPABLE, before);
}

}  // namespace
}  // namespace spotauth::cli
