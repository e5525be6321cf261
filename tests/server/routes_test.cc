#include "server/routes.h"

#include <gtest/gtest.h>

namespace spotauth::server {
namespace {

TEST(Routes, LabelsFollowTheRouteIdsWithTheCatchAllLast) {
  const auto labels = RouteLabels();
  ASSERT_EQ(labels.size(), static_cast<std::size_t>(RouteId::kOther) + 1);
  EXPECT_EQ(labels[static_cast<std::size_t>(RouteId::kHome)], "home");
  EXPECT_EQ(labels[static_cast<std::size_t>(RouteId::kGateway)], "gateway");
  EXPECT_EQ(labels.back(), "other");
}

TEST(Routes, ClassifiesTheSeedsPaths) {
  const Routes routes("", "/callback", false);
  EXPECT_EQ(routes.Classify("/"), RouteId::kHome);
  EXPECT_EQ(routes.Classify("/login"), RouteId::kLogin);
  EXPECT_EQ(routes.Classify("/callback"), RouteId::kCallback);
  EXPECT_EQ(routes.Classify("/logout"), RouteId::kLogout);
  EXPECT_EQ(routes.Classify("/healthz"), RouteId::kHealthz);
  EXPECT_EQ(routes.Classify("/readyz"), RouteId::kReadyz);
  EXPECT_EQ(routes.Classify("/static/style.css"), RouteId::kStatic);
  EXPECT_EQ(routes.Classify("/auth"), RouteId::kOther);
  EXPECT_EQ(routes.Classify("/userinfo"), RouteId::kOther);
  EXPECT_EQ(routes.Classify("/login/"), RouteId::kOther);
  EXPECT_EQ(routes.Classify(""), RouteId::kOther);
}

TEST(Routes, InGatewayModeOwnRoutesAreUnderTheBaseAndTheRestIsTheApps) {
  const Routes routes("/spotauth", "/spotauth/callback", true);
  EXPECT_EQ(routes.Classify("/spotauth/"), RouteId::kHome);
  EXPECT_EQ(routes.Classify("/spotauth/callback"), RouteId::kCallback);
  EXPECT_EQ(routes.Classify("/spotauth/auth"), RouteId::kAuth);
  EXPECT_EQ(routes.Classify("/spotauth/userinfo"), RouteId::kUserinfo);
  EXPECT_EQ(routes.Classify("/spotauth/nothing"), RouteId::kOther);
  EXPECT_EQ(routes.Classify("/"), RouteId::kGateway);
  EXPECT_EQ(routes.Classify("/login"), RouteId::kGateway);
  EXPECT_EQ(routes.Classify("/spotauth"), RouteId::kGateway);
}

TEST(Routes, ACallbackOutsideTheBaseIsStillTheCallback) {
  const Routes routes("/spotauth", "/oauth/done", true);
  EXPECT_EQ(routes.Classify("/oauth/done"), RouteId::kCallback);
}

}  // namespace
}  // namespace spotauth::server
