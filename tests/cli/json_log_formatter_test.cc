#include "cli/json_log_formatter.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <regex>
#include <sstream>

#include "http/access_log.h"

namespace spotauth::cli {
namespace {

std::vector<boost::json::object> Lines(const std::string& text) {
  std::vector<boost::json::object> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(boost::json::parse(line).as_object());
  }
  return lines;
}

TEST(JsonLogFormatter, EveryLineIsOneObjectWithUtcTimeLevelAndMessage) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(std::make_unique<JsonLogFormatter>());
  spdlog::logger logger("spotauth", sink);
  logger.warn("quote \" backslash \\ newline \n tab \t end");
  logger.info("plain");
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 2u) << out.str();
  EXPECT_EQ(lines[0].at("level").as_string(), "warning");
  EXPECT_EQ(lines[0].at("message").as_string(), "quote \" backslash \\ newline \n tab \t end");
  EXPECT_TRUE(std::regex_match(std::string(lines[0].at("time").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << lines[0].at("time");
  EXPECT_EQ(lines[1].at("message").as_string(), "plain");
}

TEST(JsonLogFormatter, AccessLinesCarryTheirFieldsAtTheTop) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(std::make_unique<JsonLogFormatter>());
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("spotauth", sink));
  {
    http::AccessLog log(http::AccessLogFormat::kJson);
    log.Write({"POST", "/logout", 303, 0, std::chrono::microseconds(42), "127.0.0.1", "id-7"});
  }
  spdlog::set_default_logger(previous);
  const auto lines = Lines(out.str());
  ASSERT_EQ(lines.size(), 1u) << out.str();
  EXPECT_EQ(lines[0].at("message").as_string(), "access");
  EXPECT_EQ(lines[0].at("level").as_string(), "info");
  EXPECT_EQ(lines[0].at("method").as_string(), "POST");
  EXPECT_EQ(lines[0].at("status").as_int64(), 303);
  EXPECT_EQ(lines[0].at("client").as_string(), "127.0.0.1");
  EXPECT_EQ(lines[0].at("request_id").as_string(), "id-7");
}

}  // namespace
}  // namespace spotauth::cli
