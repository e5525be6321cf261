#include "core/pkce.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace spotauth {
namespace {

bool AllBase64Url(std::string_view text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

TEST(Pkce, S256ChallengeMatchesRfc7636AppendixB) {
  EXPECT_EQ(S256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, StateIs43Base64UrlCharactersAndDistinctAcrossCalls) {
  OpenSslRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string state = GenerateState(random);
    ASSERT_EQ(state.size(), 43u) << state;
    ASSERT_TRUE(AllBase64Url(state)) << state;
    seen.insert(state);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Pkce, VerifierIs43Base64UrlCharactersValidAndDistinctAcrossCalls) {
  OpenSslRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string verifier = GenerateCodeVerifier(random);
    ASSERT_EQ(verifier.size(), 43u) << verifier;
    ASSERT_TRUE(AllBase64Url(verifier)) << verifier;
    ASSERT_TRUE(IsValidCodeVerifier(verifier)) << verifier;
    seen.insert(verifier);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Pkce, StateAndVerifierEncode32BytesOfTheRandomSource) {
  SequenceRandom random;
  EXPECT_EQ(GenerateState(random), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  // The next 32 counter bytes, 0x20..0x3f.
  EXPECT_EQ(GenerateCodeVerifier(random), "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8");
}

TEST(Pkce, IsValidCodeVerifierEnforcesTheLengthBounds) {
  EXPECT_FALSE(IsValidCodeVerifier(""));
  EXPECT_FALSE(IsValidCodeVerifier(std::string(42, 'a')));
  EXPECT_TRUE(IsValidCodeVerifier(std::string(43, 'a')));
  EXPECT_TRUE(IsValidCodeVerifier(std::string(128, 'a')));
  EXPECT_FALSE(IsValidCodeVerifier(std::string(129, 'a')));
}

TEST(Pkce, IsValidCodeVerifierAcceptsExactlyTheUnreservedCharacters) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  EXPECT_TRUE(IsValidCodeVerifier(unreserved));
  for (char bad : std::string_view("+/= %!*'()\n\t\0\x80", 14)) {
    std::string verifier(43, 'a');
    verifier[20] = bad;
    EXPECT_FALSE(IsValidCodeVerifier(verifier)) << int{bad};
  }
}

}  // namespace
}  // namespace spotauth
