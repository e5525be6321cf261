#include "http/preset_fields.h"

#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>
#include <stdexcept>

namespace spotauth::http {
namespace {

namespace bh = boost::beast::http;

TEST(PresetFields, KeepsItsFieldsAsTextInOrder) {
  const PresetFields base{{"Cache-Control", "no-store"}, {"X-Frame-Options", "DENY"}};
  EXPECT_EQ(base.text(), "Cache-Control: no-store\r\nX-Frame-Options: DENY\r\n");
  const PresetFields more{base, {{"Referrer-Policy", "same-origin"}}};
  EXPECT_EQ(more.text(),
            "Cache-Control: no-store\r\nX-Frame-Options: DENY\r\nReferrer-Policy: same-origin\r\n");
  ASSERT_EQ(more.fields().size(), 3u);
  EXPECT_EQ(more.fields()[2].name, "Referrer-Policy");
}

TEST(PresetFields, FindsAndNamesFieldsWhateverTheirCase) {
  const PresetFields preset{{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}};
  ASSERT_NE(preset.Find("cache-control"), nullptr);
  EXPECT_EQ(preset.Find("CACHE-CONTROL")->value, "no-store");
  EXPECT_EQ(preset.Find("x-content-type-options")->value, "nosniff");
  EXPECT_EQ(preset.Find("Content-Type"), nullptr);

  bh::fields own;
  own.set(bh::field::cache_control, "public");  // a known name
  own.set("x-CONTENT-type-options", "other");   // an unknown name, another case
  own.set(bh::field::location, "/");
  own.set("X-Other", "1");
  std::vector<bool> named;
  for (const auto& field : own) named.push_back(preset.Names(field));
  EXPECT_EQ(named, (std::vector<bool>{true, true, false, false}));
}

TEST(PresetFields, RefusesTheFieldsTheConnectionFramesWith) {
  for (const char* name :
       {"Content-Length", "transfer-encoding", "Connection", "Server", "x-request-id"}) {
    EXPECT_THROW(PresetFields({{"Cache-Control", "no-store"}, {name, "1"}}), std::invalid_argument)
        << name;
  }
}

}  // namespace
}  // namespace spotauth::http
