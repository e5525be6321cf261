#include "cli/log_format.h"

#include <spdlog/pattern_formatter.h>

#include "cli/json_log_formatter.h"

namespace spotauth::cli {

std::unique_ptr<spdlog::formatter> MakeLogFormatter(bool json) {
  if (json) return std::make_unique<JsonLogFormatter>();
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v",
                                                     spdlog::pattern_time_type::utc);
}

}  // namespace spotauth::cli
