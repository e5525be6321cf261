// What the server process asks of the operating system at start-up: enough file descriptors
// for its connection cap, and no core dumps of its key material.
#pragma once

#include <cstddef>
#include <cstdint>

namespace spotauth::cli {

// Descriptors kept back from the connection cap for everything else the process opens:
// listening sockets and event fds per loop, pooled upstream connections per loop, SQLite
// files, the log. Generous, since running out turns into failed accepts for everyone.
std::size_t ReservedDescriptors(unsigned loops);

// The connection cap that fits `open_files` descriptors: `wanted`, or less when the limit is
// too low (but at least 1, so a tiny limit still serves someone).
std::size_t ConnectionCapFor(std::uint64_t open_files, unsigned loops, std::size_t wanted);

struct DescriptorBudget {
  std::uint64_t open_files = 0;     // the soft RLIMIT_NOFILE in force after raising it
  std::size_t max_connections = 0;  // the cap to give the listener
};

// Raises the soft RLIMIT_NOFILE towards the hard limit (enough for `wanted` connections plus
// the reserve; Debian's default soft limit is 1,024) and derives the connection cap from what
// it got.
DescriptorBudget RaiseDescriptorLimit(unsigned loops, std::size_t wanted);

// Marks the process non-dumpable: no core file and no ptrace attach by other users' tools, so
// the master secret, derived keys and tokens in memory do not end up on disk.
void KeepSecretsOutOfCoreDumps();

}  // namespace spotauth::cli
