#include "cli/json_log_formatter.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <chrono>
#include <iterator>
#include <string_view>

#include "http/access_log.h"

namespace spotauth::cli {

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(msg.time);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(msg.time - seconds).count();
  const spdlog::string_view_t level_name = spdlog::level::to_string_view(msg.level);
  const std::string_view level(level_name.data(), level_name.size());
  const std::string_view payload(msg.payload.data(), msg.payload.size());
  auto out = std::back_inserter(dest);
  fmt::format_to(out, "{{\"time\":\"{:%Y-%m-%dT%H:%M:%S}.{:03}Z\",\"level\":\"{}\",",
                 fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)), millis, level);
  if (std::string_view(msg.logger_name.data(), msg.logger_name.size()) == http::kAccessLoggerName) {
    // The access log wrote its fields as JSON members already (http/access_log.h).
    fmt::format_to(out, "\"message\":\"access\",{}}}\n", payload);
    return;
  }
  // Boost.JSON escapes quotes, backslashes and control characters.
  fmt::format_to(out, "\"message\":{}}}\n",
                 boost::json::serialize(boost::json::string_view(payload.data(), payload.size())));
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace spotauth::cli
