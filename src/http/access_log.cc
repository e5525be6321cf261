#include "http/access_log.h"

#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
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

// A text line's pieces (at most 16, at most 3 of them numbers), copied into the buffer after
// one resize: fmt's append costs about 60 instructions a call, and a line has thirteen pieces.
class LinePieces {
 public:
  void Text(std::string_view s) { pieces_[count_++] = s; }
  void Number(std::uint64_t n) {
    char* digits = digits_[numbers_++].data();
    const auto end = std::to_chars(digits, digits + kDigits, n).ptr;
    Text(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  void AppendTo(fmt::memory_buffer& out) const {
    std::size_t size = 0;
    for (std::size_t i = 0; i < count_; ++i) size += pieces_[i].size();
    const std::size_t at = out.size();
    out.resize(at + size);
    char* p = out.data() + at;
    for (std::size_t i = 0; i < count_; ++i) {
      std::memcpy(p, pieces_[i].data(), pieces_[i].size());
      p += pieces_[i].size();
    }
  }

 private:
  static constexpr std::size_t kDigits = 20;  // 2^64 - 1 has 20
  std::array<std::string_view, 16> pieces_;
  std::size_t count_ = 0;
  std::array<std::array<char, kDigits>, 3> digits_;
  std::size_t numbers_ = 0;
};

}  // namespace

void FormatAccessRecord(const AccessRecord& record, AccessLogFormat format,
                        fmt::memory_buffer& out) {
  if (format == AccessLogFormat::kText) {
    // Pieced together: one fmt::format_to through a back_inserter cost 2,300 instructions a
    // line, more than half of what the access log cost a page (4,300; issue #13).
    LinePieces line;
    line.Text(record.method);
    line.Text(" ");
    line.Text(record.path);
    line.Text(" ");
    line.Number(record.status);
    line.Text(" ");
    line.Number(record.bytes);
    line.Text("B ");
    line.Number(static_cast<std::uint64_t>(record.duration.count()));
    line.Text("us client=");
    line.Text(record.client);
    line.Text(" id=");
    line.Text(record.request_id);
    line.AppendTo(out);
    return;
  }
  const auto text = [&out](std::string_view s) { out.append(s.data(), s.data() + s.size()); };
  const auto number = [&out](auto n) {
    const fmt::format_int digits(n);
    out.append(digits.data(), digits.data() + digits.size());
  };
  text("\"method\":");
  AppendJsonString(record.method, out);
  text(",\"path\":");
  AppendJsonString(record.path, out);
  text(",\"status\":");
  number(record.status);
  text(",\"bytes\":");
  number(record.bytes);
  text(",\"duration_us\":");
  number(record.duration.count());
  text(",\"client\":");
  AppendJsonString(record.client, out);
  text(",\"request_id\":");
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
