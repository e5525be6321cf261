#include "server/pending_login.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/encoding.h"

namespace spotauth::server {
namespace {

namespace json = boost::json;

const std::string kKey(32, 'k');
constexpr std::string_view kCookie = "spotauth_login";

std::vector<PendingLogin> Logins() {
  const TimePoint expires{std::chrono::seconds{1'800'000'000}};
  return {
      {"state-1", "verifier-1", expires, "/"},
      // Everything JSON must escape in a string, and text that is not ASCII.
      {"state-2", "", expires + std::chrono::seconds{5},
       std::string("/a?\"quoted\"&back\\slash&ctl=\x01\x1f&tab=\t&nl=\n&u=\xC3\xA9\xE2\x80\xA8") +
           std::string(300, 'x')},
  };
}

TEST(PendingLogins, SealedLoginsOpenAsTheyWere) {
  OpenSslRandom random;
  const std::vector<PendingLogin> logins = Logins();
  const std::string value = SealPendingLogins(logins, kKey, kCookie, random);
  EXPECT_EQ(OpenPendingLogins(value, kKey, kCookie), logins);
  EXPECT_TRUE(OpenPendingLogins(value, kKey, "another_cookie").empty());
}

TEST(PendingLogins, ThePlaintextIsTheJsonBoostWrites) {
  OpenSslRandom random;
  const std::vector<PendingLogin> logins = Logins();
  auto sealed = Base64UrlDecode(SealPendingLogins(logins, kKey, kCookie, random));
  ASSERT_TRUE(sealed);
  const auto plain = AeadOpen(kKey, kLoginKeyId, *sealed, kCookie);
  ASSERT_TRUE(plain);
  json::array expected;
  for (const PendingLogin& login : logins) {
    expected.push_back(json::object{
        {"s", login.state},
        {"v", login.verifier},
        {"e", std::chrono::duration_cast<std::chrono::seconds>(login.expires_at.time_since_epoch())
                  .count()},
        {"r", login.return_to}});
  }
  EXPECT_EQ(*plain, json::serialize(expected));
  EXPECT_TRUE(json::parse(*plain).is_array());
}

}  // namespace
}  // namespace spotauth::server
