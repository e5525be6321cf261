#include "core/scope.h"

#include <gtest/gtest.h>

namespace spotauth {
namespace {

TEST(Scope, ParseSplitsOnSpacesAndIgnoresEmptyParts) {
  const Scope scope = Scope::Parse("  user-read-email  streaming user-top-read ");
  EXPECT_EQ(scope.Names().size(), 3u);
  EXPECT_TRUE(scope.Contains("user-read-email"));
  EXPECT_TRUE(scope.Contains("streaming"));
  EXPECT_TRUE(scope.Contains("user-top-read"));
  EXPECT_FALSE(scope.Contains(""));
}

TEST(Scope, ParseOfNothingIsEmpty) {
  EXPECT_TRUE(Scope::Parse("").Empty());
  EXPECT_TRUE(Scope::Parse("   ").Empty());
  EXPECT_FALSE(Scope::Parse("streaming").Empty());
}

TEST(Scope, ParseCollapsesDuplicates) {
  EXPECT_EQ(Scope::Parse("streaming streaming").Names().size(), 1u);
}

TEST(Scope, ToStringIsSortedAndSpaceSeparated) {
  EXPECT_EQ(Scope::Parse("user-top-read app-remote-control streaming").ToString(),
            "app-remote-control streaming user-top-read");
  EXPECT_EQ(Scope().ToString(), "");
  EXPECT_EQ(Scope{"streaming"}.ToString(), "streaming");
}

TEST(Scope, ToStringRoundTripsThroughParse) {
  const Scope scope{"user-read-private", "playlist-modify-public", "ugc-image-upload"};
  EXPECT_EQ(Scope::Parse(scope.ToString()), scope);
}

TEST(Scope, InitializerListEqualsParse) {
  EXPECT_EQ((Scope{"b", "a"}), Scope::Parse("a b"));
  EXPECT_NE((Scope{"a"}), Scope::Parse("a b"));
}

TEST(Scope, SetOperations) {
  const Scope left{"a", "b", "c"};
  const Scope right{"b", "c", "d"};
  EXPECT_EQ(left | right, (Scope{"a", "b", "c", "d"}));
  EXPECT_EQ(left & right, (Scope{"b", "c"}));
  EXPECT_EQ(left - right, (Scope{"a"}));
  EXPECT_EQ(right - left, (Scope{"d"}));
  EXPECT_TRUE((left - left).Empty());
  EXPECT_TRUE((left & Scope{}).Empty());
  EXPECT_EQ(left | Scope{}, left);
}

TEST(Scope, IsKnownForEverySpotifyDocumentedScope) {
  for (std::string_view name : {"ugc-image-upload",
                                "user-read-playback-state",
                                "user-modify-playback-state",
                                "user-read-currently-playing",
                                "app-remote-control",
                                "streaming",
                                "playlist-read-private",
                                "playlist-read-collaborative",
                                "playlist-modify-private",
                                "playlist-modify-public",
                                "user-follow-modify",
                                "user-follow-read",
                                "user-read-playback-position",
                                "user-top-read",
                                "user-read-recently-played",
                                "user-library-modify",
                                "user-library-read",
                                "user-read-email",
                                "user-read-private",
                                "user-soa-link",
                                "user-soa-unlink",
                                "user-manage-entitlements",
                                "user-manage-partner",
                                "user-create-partner"}) {
    EXPECT_TRUE(Scope::IsKnown(name)) << name;
  }
}

TEST(Scope, IsNotKnownForOtherNames) {
  for (std::string_view name : {"", "Streaming", "streaming ", "user-read", "user-read-emails",
                                "playlist-read", "openid"}) {
    EXPECT_FALSE(Scope::IsKnown(name)) << name;
  }
}

}  // namespace
}  // namespace spotauth
