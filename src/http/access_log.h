// The access log: one line per request, as text for people or as JSON fields for log
// shippers. Never a query string, header value, cookie or body.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

namespace spotauth::http {

enum class AccessLogFormat { kText, kJson };

// The logger access lines go to. A JSON log formatter (cli/json_log_formatter) recognises it by
// this name and puts the line's fields at the top level of the object.
inline constexpr std::string_view kAccessLoggerName = "access";

struct AccessRecord {
  std::string_view method;  // "-" when the request was unreadable
  std::string_view path;    // without the query; printable ASCII (LoggablePath)
  unsigned status = 0;      // 0: no answer (connection reset or client gone)
  std::size_t bytes = 0;    // response body bytes
  std::chrono::microseconds duration{0};
  std::string_view client;      // the client's address (ClientAddress)
  std::string_view request_id;  // as the response carries it
};

// The line's message. Text: `GET /path 200 867B 123us client=127.0.0.1 id=abc`. JSON: the
// record as members of an object without its braces,
// `"method":"GET","path":"/path","status":200,"bytes":867,"duration_us":123,...`, which the
// JSON formatter completes with time and level.
void FormatAccessRecord(const AccessRecord& record, AccessLogFormat format,
                        fmt::memory_buffer& out);

// Writes access lines to `sink`, or without one to a logger that shares the default logger's
// sinks (and so its format and destination), cloned when the AccessLog is made. Either way at
// the default logger's level. Thread-safe.
class AccessLog {
 public:
  explicit AccessLog(AccessLogFormat format, std::shared_ptr<spdlog::sinks::sink> sink = nullptr);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;
  void Write(const AccessRecord& record) const;

 private:
  AccessLogFormat format_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace spotauth::http
