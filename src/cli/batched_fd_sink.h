// A log sink that writes its lines to a file descriptor in blocks. The access log writes a line
// per request, and one write(2) per line cost more CPU than the rest of the logging (issue #13);
// here lines collect in memory and reach the descriptor when 64 KiB have gathered, within half a
// second otherwise (a thread of the sink's own), and when the sink is flushed or destroyed. A
// crash loses at most that half second of lines.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

namespace spotauth::cli {

class BatchedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // `fd` is not closed by the sink.
  explicit BatchedFdSink(int fd, std::size_t batch_bytes = 64 * 1024,
                         std::chrono::milliseconds max_delay = std::chrono::milliseconds(500));
  ~BatchedFdSink() override;
  BatchedFdSink(const BatchedFdSink&) = delete;
  BatchedFdSink& operator=(const BatchedFdSink&) = delete;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  // Writes what has gathered; called with the base sink's mutex held.
  void WriteOut();

  const int fd_;
  const std::size_t batch_bytes_;
  const std::chrono::milliseconds max_delay_;
  spdlog::memory_buf_t pending_;
  std::mutex stop_mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace spotauth::cli
