#include "core/result.h"

#include <gtest/gtest.h>

namespace spotauth {
namespace {

TEST(Result, ErrorCodesHaveStableNames) {
  EXPECT_EQ(ToString(ErrorCode::kRateLimited), "rate_limited");
  EXPECT_EQ(ToString(ErrorCode::kAuthentication), "authentication");
}

TEST(Result, MakeErrorCarriesCodeAndMessage) {
  Result<int> r = MakeError(ErrorCode::kTimeout, "deadline passed");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(r.error().message, "deadline passed");
}

}  // namespace
}  // namespace spotauth
