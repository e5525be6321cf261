#include "cli/text_log_formatter.h"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include <chrono>
#include <string>
#include <vector>

namespace spotauth::cli {
namespace {

using std::chrono::milliseconds;

struct Formatted {
  std::string text;
  std::size_t color_start, color_end;
  bool operator==(const Formatted&) const = default;
};

Formatted Format(spdlog::formatter& formatter, spdlog::log_clock::time_point time,
                 spdlog::level::level_enum level, std::string_view message) {
  spdlog::details::log_msg msg(time, spdlog::source_loc{}, "spotauth", level,
                               spdlog::string_view_t(message.data(), message.size()));
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  return {std::string(out.data(), out.size()), msg.color_range_start, msg.color_range_end};
}

// What the log wrote before: spdlog's pattern formatter with the same pattern, in UTC.
TEST(TextLogFormatter, WritesWhatThePatternFormatterWrote) {
  spdlog::pattern_formatter pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v",
                                    spdlog::pattern_time_type::utc);
  TextLogFormatter ours;
  const spdlog::log_clock::time_point start{std::chrono::seconds{1'800'000'000}};
  // Within one second, across seconds, minutes and a day, and back in time (clocks step).
  const std::vector<spdlog::log_clock::time_point> times{
      start,
      start + milliseconds{5},
      start + milliseconds{999},
      start + milliseconds{1000},
      start + milliseconds{61'042},
      start + std::chrono::hours{24} + milliseconds{70},
      start - milliseconds{1},
      start + std::chrono::microseconds{123'456}};
  const std::vector<spdlog::level::level_enum> levels{
      spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
      spdlog::level::warn,  spdlog::level::err,   spdlog::level::critical};
  for (const auto time : times) {
    for (const auto level : levels) {
      for (std::string_view message : {"", "listening on 127.0.0.1:5000", "a\nb \"c\""}) {
        EXPECT_EQ(Format(ours, time, level, message), Format(pattern, time, level, message))
            << time.time_since_epoch().count() << " " << level << " " << message;
      }
    }
  }
  EXPECT_EQ(Format(ours, start + milliseconds{7}, spdlog::level::info, "x").text,
            "2027-01-15T08:00:00.007Z info x\n");
}

TEST(TextLogFormatter, AClonedFormatterWritesTheSame) {
  TextLogFormatter ours;
  const auto clone = ours.clone();
  const spdlog::log_clock::time_point time{std::chrono::seconds{1'800'000'123}};
  EXPECT_EQ(Format(*clone, time, spdlog::level::warn, "m"),
            Format(ours, time, spdlog::level::warn, "m"));
}

}  // namespace
}  // namespace spotauth::cli
