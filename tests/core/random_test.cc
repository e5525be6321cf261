#include "core/random.h"

#include <gtest/gtest.h>

#include <array>
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

}  // namespace
}  // namespace spotauth
