#include "core/random.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace spotauth {
namespace {

TEST(SequenceRandom, CountsUpFromTheSeed) {
  SequenceRandom random(5);
  EXPECT_EQ(random.Bytes(4), std::string("\x05\x06\x07\x08", 4));
}

TEST(SequenceRandom, ContinuesAcrossCalls) {
  SequenceRandom random;
  EXPECT_EQ(random.Bytes(2), std::string("\x00\x01", 2));
  EXPECT_EQ(random.Bytes(2), std::string("\x02\x03", 2));
}

TEST(SequenceRandom, WrapsAroundAfter255) {
  SequenceRandom random(254);
  EXPECT_EQ(random.Bytes(4), std::string("\xfe\xff\x00\x01", 4));
}

TEST(SequenceRandom, ZeroBytesLeavesTheCounterAlone) {
  SequenceRandom random(7);
  EXPECT_EQ(random.Bytes(0), "");
  EXPECT_EQ(random.Bytes(1), "\x07");
}

TEST(SequenceRandom, ConcurrentCallersGetContiguousRunsAndNoByteIsHandedOutTwice) {
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 1024;
  constexpr std::size_t kRun = 16;
  SequenceRandom random;
  std::vector<std::vector<std::string>> runs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&random, &runs, t] {
      for (int i = 0; i < kCallsPerThread; ++i) runs[t].push_back(random.Bytes(kRun));
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::array<int, 256> counts{};
  for (const auto& thread_runs : runs) {
    for (const std::string& run : thread_runs) {
      for (std::size_t i = 0; i < run.size(); ++i) {
        const auto byte = static_cast<unsigned char>(run[i]);
        ++counts[byte];
        if (i > 0) {
          ASSERT_EQ(byte, static_cast<unsigned char>(run[i - 1] + 1)) << "run not contiguous";
        }
      }
    }
  }
  // 4 * 1024 * 16 bytes cover the 256-value cycle exactly 256 times; a lost update would
  // hand some values out more often than others.
  for (int count : counts) EXPECT_EQ(count, kThreads * kCallsPerThread * int{kRun} / 256);
}

TEST(OpenSslRandom, FillsTheRequestedLength) {
  OpenSslRandom random;
  EXPECT_EQ(random.Bytes(0).size(), 0u);
  EXPECT_EQ(random.Bytes(1).size(), 1u);
  EXPECT_EQ(random.Bytes(1000).size(), 1000u);
}

TEST(OpenSslRandom, TwoDrawsDiffer) {
  OpenSslRandom random;
  EXPECT_NE(random.Bytes(32), random.Bytes(32));
}

TEST(OpenSslRandom, OverwritesEveryByteOfTheBuffer) {
  // With 64 draws of 32 bytes, a position left at its initial value in all of them would mean
  // Fill skipped it (chance of a false alarm: 256^-64 per position).
  OpenSslRandom random;
  std::array<bool, 32> changed{};
  for (int draw = 0; draw < 64; ++draw) {
    std::array<unsigned char, 32> buffer{};
    random.Fill(buffer);
    for (std::size_t i = 0; i < buffer.size(); ++i) changed[i] = changed[i] || buffer[i] != 0;
  }
  for (bool c : changed) EXPECT_TRUE(c);
}

TEST(OpenSslRandom, SmallDrawsNeverRepeatAcrossBlocksAndThreads) {
  // Small draws come from a per-thread block of RAND_bytes output; 200 draws of 32 bytes use
  // several blocks, and two threads have blocks of their own.
  std::set<std::string> seen;
  OpenSslRandom random;
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(seen.insert(random.Bytes(32)).second) << i;
  std::vector<std::string> other;
  std::thread([&] {
    for (int i = 0; i < 200; ++i) other.push_back(random.Bytes(32));
  }).join();
  for (const std::string& bytes : other) EXPECT_TRUE(seen.insert(bytes).second);
}

TEST(OpenSslRandom, AForkedChildDrawsOtherBytesThanItsParent) {
  OpenSslRandom random;
  (void)random.Bytes(16);  // the block is filled and partly used before the fork
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string bytes = random.Bytes(32);
    const ssize_t written = write(fds[1], bytes.data(), bytes.size());
    _exit(written == 32 ? 0 : 1);
  }
  close(fds[1]);
  const std::string mine = random.Bytes(32);
  std::string theirs(32, '\0');
  EXPECT_EQ(read(fds[0], theirs.data(), theirs.size()), 32);
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(mine, theirs);
}

}  // namespace
}  // namespace spotauth
