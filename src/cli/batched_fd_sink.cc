#include "cli/batched_fd_sink.h"

#include <unistd.h>

#include <cerrno>

namespace spotauth::cli {

BatchedFdSink::BatchedFdSink(int fd, std::size_t batch_bytes, std::chrono::milliseconds max_delay)
    : fd_(fd), batch_bytes_(batch_bytes), max_delay_(max_delay) {
  flusher_ = std::thread([this] {
    std::unique_lock lock(stop_mutex_);
    while (!stop_.wait_for(lock, max_delay_, [this] { return stopping_; })) {
      flush();
    }
  });
}

BatchedFdSink::~BatchedFdSink() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  flusher_.join();
  flush();
}

void BatchedFdSink::sink_it_(const spdlog::details::log_msg& msg) {
  formatter_->format(msg, pending_);
  if (pending_.size() >= batch_bytes_) WriteOut();
}

void BatchedFdSink::flush_() { WriteOut(); }

void BatchedFdSink::WriteOut() {
  std::size_t written = 0;
  while (written < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + written, pending_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // nowhere to put the lines (a closed or full descriptor): drop them
    written += static_cast<std::size_t>(n);
  }
  pending_.clear();
}

}  // namespace spotauth::cli
