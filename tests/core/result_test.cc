#include "core/result.h"

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <string>

#include "testing/run_awaitable.h"

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

Result<int> Half(int n) {
  if (n % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  SPOTAUTH_TRY_ASSIGN(auto half, Half(n));
  SPOTAUTH_TRY_ASSIGN(auto quarter, Half(half));
  return quarter;
}

Result<void> CheckEven(int n) {
  SPOTAUTH_TRY(Half(n));
  return {};
}

boost::asio::awaitable<Result<std::string>> QuarterText(int n) {
  std::string text = "quarter: ";
  SPOTAUTH_CO_TRY(CheckEven(n));
  SPOTAUTH_CO_TRY_ASSIGN(const int quarter, Quarter(n));
  co_return text + std::to_string(quarter);
}

TEST(Result, TryAssignBindsTheValueOrReturnsTheFirstError) {
  EXPECT_EQ(Quarter(12).value(), 3);
  const auto odd = Quarter(6);  // 6 / 2 = 3 is odd: the second step fails
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().message, "odd");
  EXPECT_TRUE(CheckEven(4));
  EXPECT_FALSE(CheckEven(5));
}

TEST(Result, CoroutineSpellingsPropagateWithCoReturn) {
  EXPECT_EQ(testing::RunAwaitable(QuarterText(8)).value(), "quarter: 2");
  const auto failed = testing::RunAwaitable(QuarterText(10));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace spotauth
