// SPOTAUTH_LOG_FORMAT=json: one JSON object per line for log shippers.
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace spotauth::cli {

// {"time":"2026-12-01T10:00:00.123Z","level":"info","message":"..."}. Lines of the access
// logger (http::kAccessLoggerName) carry their fields at the top level instead:
// {"time":...,"level":"info","message":"access","method":"GET","path":"/",...}.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace spotauth::cli
