#include "http/forward_proxy.h"

#include <gtest/gtest.h>

namespace spotauth::http {
namespace {

TEST(ForwardProxy, NoneWhenUnset) {
  auto proxy = ParseForwardProxy("", "example.org");
  ASSERT_TRUE(proxy);
  EXPECT_FALSE(proxy->has_value());
}

TEST(ForwardProxy, ParsesHostPortAndCredentials) {
  auto proxy = ParseForwardProxy("http://user:p%40ss@Proxy.Corp:3128/", "").value().value();
  EXPECT_EQ(proxy.host, "proxy.corp");
  EXPECT_EQ(proxy.port, 3128);
  EXPECT_EQ(proxy.authorization, "Basic dXNlcjpwQHNz");  // user:p@ss
  auto plain = ParseForwardProxy("http://[::1]", "").value().value();
  EXPECT_EQ(plain.host, "::1");
  EXPECT_EQ(plain.port, 80);
  EXPECT_TRUE(plain.authorization.empty());
}

TEST(ForwardProxy, RefusesWhatIsNotAnHttpProxyWithoutEchoingIt) {
  for (const char* bad : {"https://proxy:443", "socks5://proxy:1080", "proxy:3128",
                          "http://user:secret@proxy:3128/path", "http://proxy:0"}) {
    auto proxy = ParseForwardProxy(bad, "");
    ASSERT_FALSE(proxy) << bad;
    EXPECT_EQ(proxy.error().message.find("secret"), std::string::npos);
  }
}

TEST(ForwardProxy, NoProxyAndLoopbackGoDirect) {
  auto proxy =
      ParseForwardProxy("http://proxy:3128", " internal.example, .corp ,10.1.2.3").value().value();
  EXPECT_TRUE(proxy.AppliesTo("accounts.spotify.com"));
  EXPECT_FALSE(proxy.AppliesTo("internal.example"));
  EXPECT_FALSE(proxy.AppliesTo("api.internal.example"));
  EXPECT_TRUE(proxy.AppliesTo("notinternal.example"));
  EXPECT_FALSE(proxy.AppliesTo("app.corp"));
  EXPECT_FALSE(proxy.AppliesTo("10.1.2.3"));
  EXPECT_FALSE(proxy.AppliesTo("127.0.0.1"));
  EXPECT_FALSE(proxy.AppliesTo("localhost"));
  EXPECT_FALSE(proxy.AppliesTo("::1"));
  EXPECT_FALSE(ParseForwardProxy("http://proxy:3128", "*").value()->AppliesTo("example.org"));
}

}  // namespace
}  // namespace spotauth::http
