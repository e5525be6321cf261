#include "cli/batched_fd_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

namespace spotauth::cli {
namespace {

using namespace std::chrono_literals;

class BatchedFdSinkTest : public ::testing::Test {
 protected:
  BatchedFdSinkTest() { EXPECT_EQ(pipe2(fds_, O_NONBLOCK | O_CLOEXEC), 0); }
  ~BatchedFdSinkTest() override {
    close(fds_[0]);
    close(fds_[1]);
  }

  std::shared_ptr<spdlog::logger> Logger(std::shared_ptr<BatchedFdSink> sink) {
    sink->set_pattern("%v");
    return std::make_shared<spdlog::logger>("test", std::move(sink));
  }

  // What has reached the pipe, waiting up to `wait` for the first byte.
  std::string Read(std::chrono::milliseconds wait = 0ms) {
    pollfd p{fds_[0], POLLIN, 0};
    poll(&p, 1, static_cast<int>(wait.count()));
    std::string out;
    char chunk[4096];
    for (ssize_t n; (n = read(fds_[0], chunk, sizeof chunk)) > 0;) out.append(chunk, n);
    return out;
  }

  int fds_[2] = {-1, -1};
};

TEST_F(BatchedFdSinkTest, LinesWaitForAFlushAndArriveInOrder) {
  auto sink = std::make_shared<BatchedFdSink>(fds_[1], 64 * 1024, 1h);
  auto logger = Logger(sink);
  logger->info("one");
  logger->info("two");
  logger->info("three");
  EXPECT_EQ(Read(), "");  // nothing written per line
  logger->flush();
  EXPECT_EQ(Read(), "one\ntwo\nthree\n");
}

TEST_F(BatchedFdSinkTest, AFullBatchIsWrittenAtOnce) {
  auto logger = Logger(std::make_shared<BatchedFdSink>(fds_[1], 10, 1h));
  logger->info("short");
  EXPECT_EQ(Read(), "");
  logger->info("long enough now");
  EXPECT_EQ(Read(), "short\nlong enough now\n");
}

TEST_F(BatchedFdSinkTest, LinesReachTheDescriptorWithinTheDelayWithoutAFlush) {
  auto logger = Logger(std::make_shared<BatchedFdSink>(fds_[1], 64 * 1024, 50ms));
  logger->info("soon");
  EXPECT_EQ(Read(5s), "soon\n");
}

TEST_F(BatchedFdSinkTest, NothingIsLostWhenTheSinkGoes) {
  {
    auto logger = Logger(std::make_shared<BatchedFdSink>(fds_[1], 64 * 1024, 1h));
    logger->info("last words");
  }
  EXPECT_EQ(Read(), "last words\n");
}

}  // namespace
}  // namespace spotauth::cli
