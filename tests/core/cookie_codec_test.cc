#include "core/cookie_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding.h"

namespace spotauth {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

class CookieCodec : public ::testing::Test {
 protected:
  const std::string name_ = "sid";
  const std::string key_ = std::string(32, 'k');
  const std::string id_ = "session-id";
  const TimePoint now_{seconds{1'700'000'000}};
  const TimePoint expires_ = now_ + seconds{600};

  std::string Signed() const { return SignCookie(name_, id_, expires_, key_); }
  tl::expected<std::string, CookieRejection> Verify(std::string_view value) const {
    return VerifyCookie(name_, value, key_, now_);
  }
};

TEST_F(CookieCodec, MatchesAnIndependentlyComputedValue) {
  // Computed with Python's hmac/base64 from the format in cookie_codec.h.
  EXPECT_EQ(Signed(), "c2Vzc2lvbi1pZA.1700000600.VqeNEhB1zSGsqTfmsjwiw31h9sBBGPjUNXLG_tJ_FTE");
}

TEST_F(CookieCodec, RoundTripsTheRawId) { EXPECT_EQ(Verify(Signed()), id_); }

TEST_F(CookieCodec, RoundTripsBinaryAndEmptyIds) {
  for (const std::string& id :
       {std::string("\0.\n\xff=", 5), std::string(32, '\x01'), std::string()}) {
    EXPECT_EQ(VerifyCookie(name_, SignCookie(name_, id, expires_, key_), key_, now_), id);
  }
}

TEST_F(CookieCodec, ValueIsCookieSafe) {
  const std::string value = SignCookie(name_, std::string(48, '\xfb'), expires_, key_);
  EXPECT_EQ(
      value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
      std::string::npos)
      << value;
}

TEST_F(CookieCodec, EmptyValueIsEmpty) {
  EXPECT_EQ(Verify(""), tl::unexpected(CookieRejection::kEmpty));
}

TEST_F(CookieCodec, EveryFlippedByteIsRejectedBeforeExpiry) {
  const std::string value = Signed();
  for (std::size_t i = 0; i < value.size(); ++i) {
    for (unsigned char bit : {0x01, 0x20}) {
      std::string tampered = value;
      tampered[i] = static_cast<char>(tampered[i] ^ bit);
      const auto result = Verify(tampered);
      ASSERT_FALSE(result.has_value()) << "byte " << i << ": " << tampered;
      EXPECT_TRUE(result.error() == CookieRejection::kMalformed ||
                  result.error() == CookieRejection::kBadSignature)
          << "byte " << i << ": " << ToString(result.error());
    }
  }
}

TEST_F(CookieCodec, EveryTruncationIsRejected) {
  const std::string value = Signed();
  EXPECT_EQ(Verify(value.substr(0, 0)), tl::unexpected(CookieRejection::kEmpty));
  for (std::size_t length = 1; length < value.size(); ++length) {
    const auto result = Verify(value.substr(0, length));
    ASSERT_FALSE(result.has_value()) << length;
    EXPECT_NE(result.error(), CookieRejection::kExpired) << length;
    EXPECT_NE(result.error(), CookieRejection::kEmpty) << length;
  }
}

TEST_F(CookieCodec, AnotherCookiesNameHasABadSignature) {
  EXPECT_EQ(VerifyCookie("login", Signed(), key_, now_),
            tl::unexpected(CookieRejection::kBadSignature));
  EXPECT_EQ(VerifyCookie("__Host-sid", Signed(), key_, now_),
            tl::unexpected(CookieRejection::kBadSignature));
}

TEST_F(CookieCodec, AnotherKeyHasABadSignature) {
  EXPECT_EQ(VerifyCookie(name_, Signed(), std::string(32, 'K'), now_),
            tl::unexpected(CookieRejection::kBadSignature));
}

TEST_F(CookieCodec, SplicingAnotherIdUnderTheSameMacHasABadSignature) {
  const std::string value = Signed();
  const std::string other = SignCookie(name_, "other-id", expires_, key_);
  const std::string spliced = other.substr(0, other.find('.')) + value.substr(value.find('.'));
  EXPECT_EQ(Verify(spliced), tl::unexpected(CookieRejection::kBadSignature));
}

TEST_F(CookieCodec, ExtendingTheExpiryHasABadSignature) {
  const std::string value = Signed();
  std::string extended = value;
  extended.replace(extended.find("1700000600"), 10, "1800000600");
  EXPECT_EQ(Verify(extended), tl::unexpected(CookieRejection::kBadSignature));
}

TEST_F(CookieCodec, IsExpiredExactlyAtAndAfterTheExpiry) {
  const std::string value = Signed();
  EXPECT_EQ(VerifyCookie(name_, value, key_, expires_ - nanoseconds{1}), id_);
  EXPECT_EQ(VerifyCookie(name_, value, key_, expires_), tl::unexpected(CookieRejection::kExpired));
  EXPECT_EQ(VerifyCookie(name_, value, key_, expires_ + seconds{1}),
            tl::unexpected(CookieRejection::kExpired));
}

TEST_F(CookieCodec, OpenCookieGivesTheIdAndTheExpiryInWholeSeconds) {
  const auto opened = OpenCookie(name_, SignCookie(name_, id_, expires_, key_), key_, now_);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->id, id_);
  EXPECT_EQ(opened->expires, std::chrono::floor<std::chrono::seconds>(expires_));
  EXPECT_EQ(OpenCookie(name_, SignCookie(name_, id_, expires_, key_), std::string(32, 'K'), now_),
            tl::unexpected(CookieRejection::kBadSignature));
}

TEST_F(CookieCodec, ExpiryIsTruncatedToWholeSecondsWhenSigning) {
  const std::string value = SignCookie(name_, id_, expires_ + nanoseconds{999'999'999}, key_);
  EXPECT_EQ(VerifyCookie(name_, value, key_, expires_), tl::unexpected(CookieRejection::kExpired));
}

TEST_F(CookieCodec, AnExpiryBeforeTheEpochIsSignedAsExpired) {
  const std::string value = SignCookie(name_, id_, TimePoint{seconds{-5}}, key_);
  EXPECT_EQ(Verify(value), tl::unexpected(CookieRejection::kExpired));
}

TEST_F(CookieCodec, SignatureIsCheckedBeforeExpiry) {
  const std::string value = Signed();
  EXPECT_EQ(VerifyCookie(name_, value, std::string(32, 'K'), expires_ + seconds{1}),
            tl::unexpected(CookieRejection::kBadSignature));
}

TEST_F(CookieCodec, ValuesOver512BytesAreMalformedEvenWhenSigned) {
  // base64url(342 bytes) is 456 characters: 456 + ".1700000600." (12) + 43 = 511 bytes.
  const std::string fits = SignCookie(name_, std::string(342, 'x'), expires_, key_);
  ASSERT_EQ(fits.size(), 511u);
  EXPECT_EQ(Verify(fits), std::string(342, 'x'));
  const std::string too_long = SignCookie(name_, std::string(343, 'x'), expires_, key_);
  ASSERT_EQ(too_long.size(), 513u);
  EXPECT_EQ(Verify(too_long), tl::unexpected(CookieRejection::kMalformed));
  EXPECT_EQ(Verify(std::string(100'000, 'A')), tl::unexpected(CookieRejection::kMalformed));
}

TEST_F(CookieCodec, WrongShapesAreMalformed) {
  const std::string value = Signed();
  const std::string id_part = value.substr(0, value.find('.'));
  const std::string mac_part = value.substr(value.rfind('.') + 1);
  const std::string short_mac = Base64UrlEncode(std::string(31, 'm'));
  for (const std::string& bad : {
           std::string("."),
           std::string(".."),
           std::string("..."),
           std::string("no-dots-at-all"),
           id_part + ".1700000600",
           id_part + ".1700000600." + mac_part + ".",
           id_part + ".1700000600." + mac_part + ".extra",
           id_part + "..1700000600." + mac_part,
           id_part + "." + "." + mac_part,
           id_part + ".-1700000600." + mac_part,
           id_part + ".+1700000600." + mac_part,
           id_part + ".17000x0600." + mac_part,
           id_part + ". 1700000600." + mac_part,
           id_part + ".1700000600 ." + mac_part,
           id_part + "." + std::string(20, '9') + "." + mac_part,
           id_part + "." + std::string(19, '9') + "." + mac_part,  // overflows int64
           id_part + ".1700000600." + short_mac,
           id_part + ".1700000600." + mac_part + "AA",
           id_part + ".1700000600.",
           id_part + "=.1700000600." + mac_part,
           id_part + ".1700000600." + mac_part + "=",
           id_part + "+.1700000600." + mac_part,
           "c2Vzc2lvbi1pZ.1700000600." + mac_part,  // id length 1 mod 4
       }) {
    EXPECT_EQ(Verify(bad), tl::unexpected(CookieRejection::kMalformed)) << bad;
  }
}

TEST_F(CookieCodec, RejectionsHaveStableNames) {
  EXPECT_EQ(ToString(CookieRejection::kEmpty), "empty");
  EXPECT_EQ(ToString(CookieRejection::kMalformed), "malformed");
  EXPECT_EQ(ToString(CookieRejection::kBadSignature), "bad_signature");
  EXPECT_EQ(ToString(CookieRejection::kExpired), "expired");
}

}  // namespace
}  // namespace spotauth
