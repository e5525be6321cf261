#include "core/encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace spotauth {
namespace {

std::string AllByteValues() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

struct Base64Vector {
  std::string_view bytes;
  std::string_view standard;
  std::string_view url;
};

// RFC 4648 section 10.
constexpr Base64Vector kRfc4648Vectors[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

TEST(Base64, EncodesTheRfc4648Vectors) {
  for (const Base64Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64Encode(v.bytes), v.standard) << v.bytes;
  }
}

TEST(Base64Url, EncodesTheRfc4648VectorsWithoutPadding) {
  for (const Base64Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64UrlEncode(v.bytes), v.url) << v.bytes;
  }
}

TEST(Base64Url, DecodesTheRfc4648Vectors) {
  for (const Base64Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64UrlDecode(v.url), std::optional<std::string>(v.bytes)) << v.url;
  }
}

TEST(Base64, UsesPlusAndSlashWhereBase64UrlUsesDashAndUnderscore) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(Base64UrlDecode("-_-_"), bytes);
}

TEST(Base64Url, RoundTripsEveryByteValueAtEveryLength) {
  const std::string all = AllByteValues();
  for (std::size_t length = 0; length <= all.size(); ++length) {
    // Rotating the start puts every byte value in every position of a 3-byte group.
    for (std::size_t start : {std::size_t{0}, std::size_t{1}, std::size_t{2}}) {
      const std::string bytes = (all.substr(start) + all.substr(0, start)).substr(0, length);
      const std::string encoded = Base64UrlEncode(bytes);
      ASSERT_EQ(encoded.find_first_of("+/="), std::string::npos) << encoded;
      ASSERT_EQ(Base64UrlDecode(encoded), bytes) << encoded;
    }
  }
}

TEST(Base64Url, IsOpenSslsBase64WithTheUrlAlphabetAndNoPadding) {
  const std::string all = AllByteValues();
  for (std::size_t length = 0; length <= 64; ++length) {
    const std::string bytes = all.substr(length, length);
    std::string expected = Base64Encode(bytes);  // EVP_EncodeBlock
    while (!expected.empty() && expected.back() == '=') expected.pop_back();
    std::replace(expected.begin(), expected.end(), '+', '-');
    std::replace(expected.begin(), expected.end(), '/', '_');
    EXPECT_EQ(Base64UrlEncode(bytes), expected) << length;
  }
}

// The decoder on its own, against OpenSSL's encoder (not only through our own encoder).
TEST(Base64Url, DecodesOpenSslsBase64InTheUrlAlphabetWithoutPadding) {
  const std::string all = AllByteValues();
  for (std::size_t length = 0; length <= 96; ++length) {
    const std::string bytes = all.substr((length * 7) % 128, length);
    std::string url = Base64Encode(bytes);  // EVP_EncodeBlock
    while (!url.empty() && url.back() == '=') url.pop_back();
    std::replace(url.begin(), url.end(), '+', '-');
    std::replace(url.begin(), url.end(), '/', '_');
    EXPECT_EQ(Base64UrlDecode(url), bytes) << length;
  }
}

TEST(Base64Url, RejectsPadding) {
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zg="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm8="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("===="), std::nullopt);
}

TEST(Base64Url, RejectsTheStandardAlphabetsPlusAndSlash) {
  EXPECT_EQ(Base64UrlDecode("+/+/"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9+"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9/"), std::nullopt);
}

TEST(Base64Url, RejectsWhitespaceAndOtherBytes) {
  for (std::string_view text :
       {" Zm9v", "Zm9v ", "Zm 9v", "Zm9v\n", "\tZm9v", "Zm9v\r\n", "Zm.v", "Zm%v"}) {
    EXPECT_EQ(Base64UrlDecode(text), std::nullopt) << text;
  }
  EXPECT_EQ(Base64UrlDecode(std::string_view("Zm\0v", 4)), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm\xffv"), std::nullopt);
}

TEST(Base64Url, RejectsLengthsOneMoreThanAMultipleOfFour) {
  EXPECT_EQ(Base64UrlDecode("Z"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vYmFyZ"), std::nullopt);
}

TEST(Base64Url, RejectsNonCanonicalTrailingBits) {
  // "Zg" is "f"; "Zh".."Zv" carry the same byte with nonzero unused bits.
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zv"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zw"), "\x67");  // a different byte, canonical
  // "Zm8" is "fo"; "Zm9" sets an unused bit.
  EXPECT_EQ(Base64UrlDecode("Zm9"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm-"), std::nullopt);
}

TEST(Hex, EncodesLowerCase) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

TEST(Hex, RoundTripsEveryByteValue) {
  const std::string all = AllByteValues();
  const std::string hex = HexEncode(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  EXPECT_EQ(HexDecode(hex), all);
}

TEST(Hex, AcceptsUpperAndMixedCase) {
  EXPECT_EQ(HexDecode("ABCDEF"), "\xab\xcd\xef");
  EXPECT_EQ(HexDecode("aBcDeF"), "\xab\xcd\xef");
  EXPECT_EQ(HexDecode(""), "");
}

TEST(Hex, RejectsOddLengthsAndNonHexCharacters) {
  for (std::string_view text : {"0", "abc", "0g", "g0", "0x00", " 00", "00 ", "-1", "zz"}) {
    EXPECT_EQ(HexDecode(text), std::nullopt) << text;
  }
  EXPECT_EQ(HexDecode(std::string_view("0\0", 2)), std::nullopt);
}

}  // namespace
}  // namespace spotauth
