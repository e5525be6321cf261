#include "http/access_log.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace spotauth::http {
namespace {

std::string Format(const AccessRecord& record, AccessLogFormat format) {
  fmt::memory_buffer out;
  FormatAccessRecord(record, format, out);
  return fmt::to_string(out);
}

const AccessRecord kRecord{"GET",          "/a\"b\\c", 200, 867, std::chrono::microseconds(123),
                           "198.51.100.7", "req-1"};

TEST(AccessLog, TextLineHasEveryField) {
  EXPECT_EQ(Format(kRecord, AccessLogFormat::kText),
            "GET /a\"b\\c 200 867B 123us client=198.51.100.7 id=req-1");
}

TEST(AccessLog, NumbersAreWrittenWhole) {
  AccessRecord unanswered{"-", "-", 0, 0, std::chrono::microseconds(0), "::1", "-"};
  EXPECT_EQ(Format(unanswered, AccessLogFormat::kText), "- - 0 0B 0us client=::1 id=-");
  AccessRecord large = kRecord;
  large.bytes = 18'446'744'073'709'551'615u;
  large.duration = std::chrono::microseconds(9'876'543'210);
  EXPECT_EQ(Format(large, AccessLogFormat::kText),
            "GET /a\"b\\c 200 18446744073709551615B 9876543210us client=198.51.100.7 id=req-1");
  EXPECT_EQ(Format(large, AccessLogFormat::kJson),
            R"("method":"GET","path":"/a\"b\\c","status":200,"bytes":18446744073709551615,)"
            R"("duration_us":9876543210,"client":"198.51.100.7","request_id":"req-1")");
}

TEST(AccessLog, JsonFieldsMakeAnObjectOnceBraced) {
  const std::string members = Format(kRecord, AccessLogFormat::kJson);
  const auto object = boost::json::parse("{" + members + "}").as_object();
  EXPECT_EQ(object.at("method").as_string(), "GET");
  EXPECT_EQ(object.at("path").as_string(), "/a\"b\\c");
  EXPECT_EQ(object.at("status").as_int64(), 200);
  EXPECT_EQ(object.at("bytes").as_int64(), 867);
  EXPECT_EQ(object.at("duration_us").as_int64(), 123);
  EXPECT_EQ(object.at("client").as_string(), "198.51.100.7");
  EXPECT_EQ(object.at("request_id").as_string(), "req-1");
}

TEST(AccessLog, ControlCharactersAreEscaped) {
  AccessRecord record = kRecord;
  record.path = std::string_view("/x\ny\x01", 5);
  const std::string members = Format(record, AccessLogFormat::kJson);
  EXPECT_EQ(members.find('\n'), std::string::npos);
  EXPECT_EQ(boost::json::parse("{" + members + "}").as_object().at("path").as_string(),
            "/x\ny\x01");
}

}  // namespace
}  // namespace spotauth::http
