#include "cli/log_format.h"

#include "cli/json_log_formatter.h"
#include "cli/text_log_formatter.h"

namespace spotauth::cli {

std::unique_ptr<spdlog::formatter> MakeLogFormatter(bool json) {
  if (json) return std::make_unique<JsonLogFormatter>();
  return std::make_unique<TextLogFormatter>();
}

}  // namespace spotauth::cli
