#include "spotify/spotify_wire.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace spotauth::spotify::wire {
namespace {

TEST(FormEncode, KeepsUnreservedTurnsSpacesToPlusAndEscapesTheRestInUpperCaseHex) {
  // What urllib's urlencode (quote_plus) writes for the same pairs, as tekore sends them.
  EXPECT_EQ(FormEncode({{"grant_type", "authorization_code"},
                        {"redirect_uri", "http://127.0.0.1:5000/callback?a=b&c=d"},
                        {"scope", "user-read-currently-playing user-read-email"},
                        {"kept", "AZaz09-._~"},
                        {"odd name", "+%/:;=?@[]!*'()\x7f\xc3\xa9"}}),
            "grant_type=authorization_code"
            "&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback%3Fa%3Db%26c%3Dd"
            "&scope=user-read-currently-playing+user-read-email"
            "&kept=AZaz09-._~"
            "&odd+name=%2B%25%2F%3A%3B%3D%3F%40%5B%5D%21%2A%27%28%29%7F%C3%A9");
}

TEST(FormEncode, EscapesEveryByteOutsideTheUnreservedSet) {
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    const bool kept = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    const std::string encoded = FormEncode({{"v", std::string_view(&c, 1)}});
    if (kept) {
      EXPECT_EQ(encoded, std::string("v=") + c);
    } else if (c == ' ') {
      EXPECT_EQ(encoded, "v=+");
    } else {
      char expected[8];
      std::snprintf(expected, sizeof expected, "v=%%%02X", byte);
      EXPECT_EQ(encoded, expected) << byte;
    }
  }
  EXPECT_EQ(FormEncode({}), "");
  EXPECT_EQ(FormEncode({{"", ""}}), "=");
}

// Kept bytes are copied in runs: escapes at either end, back to back, and runs of every length
// between them.
TEST(FormEncode, KeepsRunsWhole) {
  EXPECT_EQ(FormEncode({{"v", " a%%bc  "}}), "v=+a%25%25bc++");
  EXPECT_EQ(FormEncode({{"v", "&"}, {"w", "xyz"}}), "v=%26&w=xyz");
  std::string text;
  std::string expected = "v=";
  for (int run = 0; run < 20; ++run) {
    text.append(static_cast<std::size_t>(run), 'k').push_back('/');
    expected.append(static_cast<std::size_t>(run), 'k').append("%2F");
  }
  EXPECT_EQ(FormEncode({{"v", text}}), expected);
}

}  // namespace
}  // namespace spotauth::spotify::wire
