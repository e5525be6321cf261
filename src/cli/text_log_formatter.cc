#include "cli/text_log_formatter.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <iterator>

namespace spotauth::cli {

void TextLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto second = std::chrono::floor<std::chrono::seconds>(msg.time);
  if (second != second_) {
    second_ = second;
    prefix_.clear();
    fmt::format_to(std::back_inserter(prefix_), "{:%Y-%m-%dT%H:%M:%S}.",
                   fmt::gmtime(std::chrono::system_clock::to_time_t(second)));
  }
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(msg.time - second).count();
  const char time_end[] = {static_cast<char>('0' + millis / 100),
                           static_cast<char>('0' + millis / 10 % 10),
                           static_cast<char>('0' + millis % 10), 'Z', ' '};
  const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
  dest.append(prefix_.data(), prefix_.data() + prefix_.size());
  dest.append(time_end, time_end + sizeof time_end);
  // The level is the part a colour sink (a terminal) colours, as the pattern's %^%l%$ marked it.
  msg.color_range_start = dest.size();
  dest.append(level.data(), level.data() + level.size());
  msg.color_range_end = dest.size();
  dest.push_back(' ');
  dest.append(msg.payload.data(), msg.payload.data() + msg.payload.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> TextLogFormatter::clone() const {
  return std::make_unique<TextLogFormatter>();
}

}  // namespace spotauth::cli
