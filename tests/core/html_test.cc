#include "core/html.h"

#include <gtest/gtest.h>

namespace spotauth {
namespace {

TEST(HtmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(HtmlEscape, KeepsValidUtf8) { EXPECT_EQ(HtmlEscape("Björk · 東京 🎵"), "Björk · 東京 🎵"); }

TEST(HtmlEscape, ReplacesInvalidUtf8AndNul) {
  EXPECT_EQ(HtmlEscape(std::string("a\xff"
                                   "b",
                                   3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(HtmlEscape(std::string("\xc0\xaf", 2)), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(HtmlEscape(std::string("\xed\xa0\x80", 3)), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(HtmlEscape(std::string("x\0y", 3)), "x\xEF\xBF\xBDy");
  EXPECT_EQ(HtmlEscape("\xe2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
}

}  // namespace
}  // namespace spotauth

namespace spotauth {
namespace {

TEST(AppendHtmlEscaped, AppendsAndEscapesAroundLongPlainRuns) {
  std::string out = "<kept>";
  AppendHtmlEscaped("plain text " + std::string(100, 'a') + "&" + std::string(50, 'b') + "\"", out);
  EXPECT_EQ(
      out, "<kept>plain text " + std::string(100, 'a') + "&amp;" + std::string(50, 'b') + "&quot;");
  out.clear();
  AppendHtmlEscaped(std::string("'ok\xff\0x\xc3\xa9<", 9), out);
  EXPECT_EQ(out, "&#39;ok\xEF\xBF\xBD\xEF\xBF\xBDx\xC3\xA9&lt;");
  out.clear();
  AppendHtmlEscaped("", out);
  EXPECT_EQ(out, "");
}

TEST(AppendHtmlEscaped, FindsEverySpecialByteAtEveryOffset) {
  // Plain runs are scanned 16 bytes at a time: a byte that needs care is seen in any lane of
  // any block, and in the tail after the last whole block.
  for (std::string_view special :
       {std::string_view("&"), std::string_view("<"), std::string_view(">"), std::string_view("\""),
        std::string_view("'"), std::string_view("\0", 1), std::string_view("\xff"),
        std::string_view("\xc3\xa9")}) {
    for (std::size_t at = 0; at <= 40; ++at) {
      std::string text(40, 'a');
      text.insert(at, special);
      const std::string expected =
          std::string(at, 'a') + HtmlEscape(special) + std::string(40 - at, 'a');
      EXPECT_EQ(HtmlEscape(text), expected) << "at " << at;
    }
  }
}

}  // namespace
}  // namespace spotauth
