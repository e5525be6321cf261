#include "http/access_log.h"

#include <spdlog/spdlog.h>

#include <iterator>
#include <string>

namespace spotauth::http {
namespace {

// The fields are ASCII already (LoggablePath, tokens, addresses); quotes, backslashes and any
// control character are escaped all the same, so a line is always one valid JSON object.
void AppendJsonString(std::string_view text, fmt::memory_buffer& out) {
  out.push_back('"');
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

void FormatAccessRecord(const AccessRecord& record, AccessLogFormat format,
                        fmt::memory_buffer& out) {
  auto it = std::back_inserter(out);
  if (format == AccessLogFormat::kText) {
    fmt::format_to(it, "{} {} {} {}B {}us client={} id={}", record.method, record.path,
                   record.status, record.bytes, record.duration.count(), record.client,
                   record.request_id);
    return;
  }
  fmt::format_to(it, "\"method\":");
  AppendJsonString(record.method, out);
  fmt::format_to(it, ",\"path\":");
  AppendJsonString(record.path, out);
  fmt::format_to(it, ",\"status\":{},\"bytes\":{},\"duration_us\":{},\"client\":", record.status,
                 record.bytes, record.duration.count());
  AppendJsonString(record.client, out);
  fmt::format_to(it, ",\"request_id\":");
  AppendJsonString(record.request_id, out);
}

AccessLog::AccessLog(AccessLogFormat format, std::shared_ptr<spdlog::sinks::sink> sink)
    : format_(format),
      logger_(
          sink ? std::make_shared<spdlog::logger>(std::string(kAccessLoggerName), std::move(sink))
               : spdlog::default_logger()->clone(std::string(kAccessLoggerName))) {
  logger_->set_level(spdlog::default_logger()->level());
}

AccessLog::~AccessLog() { logger_->flush(); }

void AccessLog::Write(const AccessRecord& record) const {
  if (!logger_->should_log(spdlog::level::info)) return;
  fmt::memory_buffer line;
  FormatAccessRecord(record, format_, line);
  logger_->log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace spotauth::http
