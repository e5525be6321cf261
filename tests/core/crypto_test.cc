#include "core/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/encoding.h"

namespace spotauth {
namespace {

std::string Hex(std::string_view hex) {
  std::optional<std::string> bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or("");
}

std::string Range(int first, int last) {
  std::string bytes;
  for (int i = first; i <= last; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

TEST(Sha256, MatchesFips180Vectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

struct HmacVector {
  const char* name;
  std::string key;
  std::string data;
  std::string_view mac_hex;
};

TEST(HmacSha256, MatchesRfc4231TestCases) {
  const std::string key_aa_131(131, '\xaa');
  const HmacVector vectors[] = {
      {"case 1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case 2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case 3", std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"case 4", Range(0x01, 0x19), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"case 6", key_aa_131, "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"case 7", key_aa_131,
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const HmacVector& v : vectors) {
    EXPECT_EQ(HexEncode(HmacSha256(v.key, v.data)), v.mac_hex) << v.name;
  }
}

TEST(HmacSha256, AnEmptyKeyEqualsAnAllZeroBlockKey) {
  // HMAC pads short keys with zeros to the 64-byte block (RFC 2104), so these must agree.
  EXPECT_EQ(HmacSha256("", "data"), HmacSha256(std::string(64, '\0'), "data"));
  EXPECT_EQ(HmacSha256(std::string_view{}, "data"), HmacSha256("", "data"));  // null pointer
  EXPECT_NE(HmacSha256("", "data"), HmacSha256("x", "data"));
}

// Contexts are kept per thread and key (crypto.cc): results must not depend on which keys were
// used before, how many (more than are kept), or on which thread.
TEST(HmacSha256, GivesTheSameMacWhateverKeysWereUsedBeforeAndOnAnyThread) {
  const std::string_view kFoxMac =
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
  const std::string fox = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(HexEncode(HmacSha256("key", fox)), kFoxMac);
  EXPECT_EQ(HexEncode(HmacSha256("key", fox)), kFoxMac);  // the same context, again
  std::vector<std::string> first;
  for (int i = 0; i < 20; ++i) first.push_back(HmacSha256("key " + std::to_string(i), fox));
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());
  EXPECT_EQ(HexEncode(HmacSha256("key", fox)), kFoxMac);
  for (int i = 19; i >= 0; --i) {
    EXPECT_EQ(HmacSha256("key " + std::to_string(i), fox), first[i]) << i;
  }
  std::string on_other_thread;
  std::thread([&] { on_other_thread = HexEncode(HmacSha256("key", fox)); }).join();
  EXPECT_EQ(on_other_thread, kFoxMac);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "xbc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEqual("", "a"));
  EXPECT_TRUE(ConstantTimeEqual(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEqual(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

struct HkdfVector {
  const char* name;
  std::string ikm;
  std::string salt;
  std::string info;
  std::size_t length;
  std::string_view okm_hex;
};

TEST(HkdfSha256, MatchesRfc5869TestCases) {
  const HkdfVector vectors[] = {
      {"case 1", std::string(22, '\x0b'), Range(0x00, 0x0c), Range(0xf0, 0xf9), 42,
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      {"case 2", Range(0x00, 0x4f), Range(0x60, 0xaf), Range(0xb0, 0xff), 82,
       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e5"
       "90e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
      {"case 3", std::string(22, '\x0b'), "", "", 42,
       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
  };
  for (const HkdfVector& v : vectors) {
    EXPECT_EQ(HexEncode(HkdfSha256(v.ikm, v.salt, v.info, v.length)), v.okm_hex) << v.name;
  }
}

TEST(HkdfSha256, MatchesTheRfc5869ConstructionForAnEmptyInputKey) {
  // One block of RFC 5869 section 2: PRK = HMAC(salt, IKM); T(1) = HMAC(PRK, info || 0x01).
  const std::string prk = HmacSha256("salt", "");
  EXPECT_EQ(HkdfSha256("", "salt", "info", 32), HmacSha256(prk, std::string("info\x01")));
}

TEST(DerivedKeys, AreHkdfOfTheMasterWithOneInfoStringPerPurpose) {
  const std::string master = "correct horse battery staple, but longer";
  const DerivedKeys keys = DerivedKeys::FromMaster(master);
  EXPECT_EQ(keys.cookie_mac, HkdfSha256(master, "spotauth v1", "cookie-mac", 32));
  EXPECT_EQ(keys.token_enc, HkdfSha256(master, "spotauth v1", "token-enc", 32));
  EXPECT_EQ(keys.id_hash, HkdfSha256(master, "spotauth v1", "id-hash", 32));
  EXPECT_EQ(std::set<std::string>({keys.cookie_mac, keys.token_enc, keys.id_hash}).size(), 3u);
}

TEST(DerivedKeys, DependOnTheMasterSecret) {
  const DerivedKeys a = DerivedKeys::FromMaster("master one");
  const DerivedKeys b = DerivedKeys::FromMaster("master two");
  EXPECT_EQ(a.cookie_mac, DerivedKeys::FromMaster("master one").cookie_mac);
  EXPECT_NE(a.cookie_mac, b.cookie_mac);
  EXPECT_NE(a.token_enc, b.token_enc);
  EXPECT_NE(a.id_hash, b.id_hash);
}

class Aead : public ::testing::Test {
 protected:
  const std::string key_ = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const std::string other_key_ = std::string(32, '\x42');
  const std::string plaintext_ = "access-token-value";
  const std::string aad_ = "session-hash";
  static constexpr std::uint8_t kKeyId = 7;
  OpenSslRandom random_;
};

TEST_F(Aead, SealedValueHasTheDocumentedLayout) {
  SequenceRandom counter(100);
  const std::string sealed = AeadSeal(key_, kKeyId, plaintext_, aad_, counter);
  ASSERT_EQ(sealed.size(), 1 + 1 + 12 + plaintext_.size() + 16);
  EXPECT_EQ(static_cast<std::uint8_t>(sealed[0]), kAeadVersion);
  EXPECT_EQ(static_cast<std::uint8_t>(sealed[1]), kKeyId);
  EXPECT_EQ(sealed.substr(2, 12), SequenceRandom(100).Bytes(12));
  EXPECT_EQ(sealed.find(plaintext_), std::string::npos);
}

TEST_F(Aead, SealsKnownBytesWhateverKeysWereUsedBefore) {
  // Sealed by the one-shot OpenSSL calls spotauth used before contexts were kept per key.
  const std::string_view kKnown =
      "01076465666768696a6b6c6d6e6f2978bd030a9a7bea51093a86f7130b9137a79026f8aeea6e6011ff1350821c"
      "f2703e";
  SequenceRandom counter(100);
  EXPECT_EQ(HexEncode(AeadSeal(key_, kKeyId, plaintext_, aad_, counter)), kKnown);
  const std::string sealed = AeadSeal(key_, kKeyId, plaintext_, aad_, random_);
  for (int i = 0; i < 12; ++i) {  // more keys than a thread keeps contexts for
    const std::string key(32, static_cast<char>(i));
    const std::string other = AeadSeal(key, kKeyId, plaintext_, aad_, random_);
    EXPECT_EQ(AeadOpen(key, kKeyId, other, aad_), plaintext_);
    EXPECT_EQ(AeadOpen(key, kKeyId, sealed, aad_), std::nullopt);
  }
  SequenceRandom again(100);
  EXPECT_EQ(HexEncode(AeadSeal(key_, kKeyId, plaintext_, aad_, again)), kKnown);
  EXPECT_EQ(AeadOpen(key_, kKeyId, sealed, aad_), plaintext_);
  std::optional<std::string> on_other_thread;
  std::thread([&] { on_other_thread = AeadOpen(key_, kKeyId, sealed, aad_); }).join();
  EXPECT_EQ(on_other_thread, plaintext_);
}

TEST_F(Aead, RoundTrips) {
  const std::string sealed = AeadSeal(key_, kKeyId, plaintext_, aad_, random_);
  EXPECT_EQ(AeadOpen(key_, kKeyId, sealed, aad_), plaintext_);
}

TEST_F(Aead, RoundTripsEmptyAndBinaryPlaintextsAndAnEmptyAad) {
  for (const std::string& plaintext :
       {std::string(), std::string("\0\xff\n", 3), std::string(1000, 'x')}) {
    const std::string sealed = AeadSeal(key_, kKeyId, plaintext, "", random_);
    EXPECT_EQ(AeadOpen(key_, kKeyId, sealed, ""), plaintext);
  }
}

TEST_F(Aead, UsesAFreshNonceEachTime) {
  EXPECT_NE(AeadSeal(key_, kKeyId, plaintext_, aad_, random_),
            AeadSeal(key_, kKeyId, plaintext_, aad_, random_));
}

TEST_F(Aead, AnyFlippedBitFailsToOpen) {
  const std::string sealed = AeadSeal(key_, kKeyId, plaintext_, aad_, random_);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (unsigned char bit : {0x01, 0x80}) {
      std::string tampered = sealed;
      tampered[i] = static_cast<char>(tampered[i] ^ bit);
      EXPECT_EQ(AeadOpen(key_, kKeyId, tampered, aad_), std::nullopt)
          << "byte " << i << " bit " << int{bit};
    }
  }
}

TEST_F(Aead, EveryTruncationAndAnExtensionFailToOpen) {
  const std::string sealed = AeadSeal(key_, kKeyId, plaintext_, aad_, random_);
  for (std::size_t length = 0; length < sealed.size(); ++length) {
    EXPECT_EQ(AeadOpen(key_, kKeyId, sealed.substr(0, length), aad_), std::nullopt) << length;
  }
  EXPECT_EQ(AeadOpen(key_, kKeyId, sealed + '\0', aad_), std::nullopt);
}

TEST_F(Aead, WrongKeyAadOrKeyIdFailsToOpen) {
  const std::string sealed = AeadSeal(key_, kKeyId, plaintext_, aad_, random_);
  EXPECT_EQ(AeadOpen(other_key_, kKeyId, sealed, aad_), std::nullopt);
  EXPECT_EQ(AeadOpen(key_, kKeyId, sealed, "other-session-hash"), std::nullopt);
  EXPECT_EQ(AeadOpen(key_, kKeyId, sealed, ""), std::nullopt);
  EXPECT_EQ(AeadOpen(key_, kKeyId + 1, sealed, aad_), std::nullopt);
}

TEST_F(Aead, RewritingTheHeaderToMatchAnotherKeyIdFailsToOpen) {
  // The header is authenticated, so relabelling a value for another key id is caught even
  // when the caller opens it with the same key under that id.
  std::string relabelled = AeadSeal(key_, kKeyId, plaintext_, aad_, random_);
  relabelled[1] = static_cast<char>(kKeyId + 1);
  EXPECT_EQ(AeadOpen(key_, kKeyId + 1, relabelled, aad_), std::nullopt);
}

TEST_F(Aead, KeysOfTheWrongLengthFailToOpen) {
  const std::string sealed = AeadSeal(key_, kKeyId, plaintext_, aad_, random_);
  EXPECT_EQ(AeadOpen(key_.substr(0, 31), kKeyId, sealed, aad_), std::nullopt);
  EXPECT_EQ(AeadOpen(key_ + 'x', kKeyId, sealed, aad_), std::nullopt);
  EXPECT_EQ(AeadOpen("", kKeyId, sealed, aad_), std::nullopt);
}

}  // namespace
}  // namespace spotauth
