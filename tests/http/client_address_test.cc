#include "http/client_address.h"

#include <gtest/gtest.h>

namespace spotauth::http {
namespace {

namespace ip = boost::asio::ip;

TrustedProxies Trust(std::string_view list) { return TrustedProxies::Parse(list).value(); }

TEST(TrustedProxies, ParsesAddressesAndBlocksOfBothFamilies) {
  auto trusted = Trust(" 10.0.0.0/8, 127.0.0.1 ,::1, fd00::/8,");
  EXPECT_TRUE(trusted.Contains(ip::make_address("10.1.2.3")));
  EXPECT_TRUE(trusted.Contains(ip::make_address("127.0.0.1")));
  EXPECT_TRUE(trusted.Contains(ip::make_address("::ffff:127.0.0.1")));  // dual-stack socket
  EXPECT_TRUE(trusted.Contains(ip::make_address("::1")));
  EXPECT_TRUE(trusted.Contains(ip::make_address("fd12::5")));
  EXPECT_FALSE(trusted.Contains(ip::make_address("11.0.0.1")));
  EXPECT_FALSE(trusted.Contains(ip::make_address("127.0.0.2")));
  EXPECT_FALSE(trusted.Contains(ip::make_address("fe80::1")));
  EXPECT_TRUE(Trust("").empty());
}

TEST(TrustedProxies, RefusesWhatIsNotAnAddressNamingIt) {
  for (const char* bad : {"10.0.0.0/33", "localhost", "10.0.0", "::1/200", "1.2.3.4/x"}) {
    auto parsed = TrustedProxies::Parse(std::string("127.0.0.1,") + bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
  }
}

TEST(ClientAddress, AnUntrustedPeerIsTheClientWhateverItClaims) {
  EXPECT_EQ(ClientAddress(ip::make_address("203.0.113.9"), "1.1.1.1", Trust("10.0.0.0/8")),
            "203.0.113.9");
  EXPECT_EQ(ClientAddress(ip::make_address("10.0.0.5"), "1.1.1.1", Trust("")), "10.0.0.5");
}

TEST(ClientAddress, BehindTrustedProxiesTheRightmostUntrustedHopIsTheClient) {
  const auto trusted = Trust("10.0.0.0/8");
  const auto proxy = ip::make_address("10.0.0.5");
  EXPECT_EQ(ClientAddress(proxy, "198.51.100.7", trusted), "198.51.100.7");
  // The client may put anything on the left; only what trusted proxies appended counts.
  EXPECT_EQ(ClientAddress(proxy, "6.6.6.6, 198.51.100.7, 10.0.0.9", trusted), "198.51.100.7");
  EXPECT_EQ(ClientAddress(proxy, "10.0.0.1, 10.0.0.2", trusted), "10.0.0.1");
  EXPECT_EQ(ClientAddress(proxy, "", trusted), "10.0.0.5");
  // Garbage stops the walk at the last address known good.
  EXPECT_EQ(ClientAddress(proxy, "198.51.100.7, not-an-ip, 10.0.0.9", trusted), "10.0.0.9");
  EXPECT_EQ(ClientAddress(proxy, " 2001:db8::1 ", trusted), "2001:db8::1");
}

}  // namespace
}  // namespace spotauth::http
