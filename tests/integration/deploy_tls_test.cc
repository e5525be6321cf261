// Integration: spotauth behind a real nginx terminating TLS with a test CA, configured with
// deploy/nginx/spotauth-proxy.conf as it is: a full login over https, with the cookies, headers
// and origin checks a public deployment needs.
#include <gtest/gtest.h>

#include <array>

#include "testing/login_harness.h"
#include "testing/loopback_ports.h"
#include "testing/nginx_process.h"
#include "testing/test_pki.h"

namespace spotauth::server::testing {
namespace {

TEST(DeployBehindTls, FullLoginThroughNginxTerminatingTls) {
  std::string error;
  auto nginx = spotauth::testing::NginxProcess::Create(&error);
  ASSERT_TRUE(nginx) << error;
  ASSERT_TRUE(spotauth::testing::MakeTestPki(nginx->dir(), &error)) << error;
  std::array<std::uint16_t, 1> ports{};
  ASSERT_TRUE(spotauth::testing::PickLoopbackPorts(ports));
  const std::string site = "https://127.0.0.1:" + std::to_string(ports[0]);
  LoginHarness harness({.redirect_uri = site + "/callback"});
  const std::string http_block =
      "  upstream spotauth { server 127.0.0.1:" + std::to_string(harness.Port()) +
      "; keepalive 4; }\n  server {\n    listen 127.0.0.1:" + std::to_string(ports[0]) +
      " ssl;\n    ssl_certificate @DIR@/good.crt;\n    ssl_certificate_key @DIR@/good.key;\n"
      "    include " SPOTAUTH_SOURCE_DIR "/deploy/nginx/spotauth-proxy.conf;\n  }\n";
  ASSERT_TRUE(nginx->Start(http_block, ports, &error)) << error;
  EXPECT_EQ(harness.config().public_origin, site);
  EXPECT_TRUE(harness.config().secure_cookies);

  TestBrowser browser(nginx->dir() + "/ca.crt");
  Page start = browser.Get(site + "/login");
  ASSERT_EQ(start.status, 302u) << start.body;
  const std::string login_cookie = start.Header("Set-Cookie");
  EXPECT_EQ(login_cookie.rfind("__Host-spotauth_login=", 0), 0u) << login_cookie;
  EXPECT_NE(login_cookie.find("; Secure"), std::string::npos) << login_cookie;
  EXPECT_NE(start.Header("Location")
                .find("redirect_uri=https%3A%2F%2F127.0.0.1%3A" + std::to_string(ports[0]) +
                      "%2Fcallback"),
            std::string::npos)
      << start.Header("Location");

  Page authorize = browser.Get(start.Header("Location"));
  ASSERT_EQ(authorize.status, 302u);
  EXPECT_EQ(authorize.Header("Location").rfind(site + "/callback?", 0), 0u);
  Page callback = browser.Get(authorize.Header("Location"));
  ASSERT_EQ(callback.status, 303u) << callback.body;
  EXPECT_EQ(callback.Header("Location"), "/");
  EXPECT_EQ(callback.Header("Strict-Transport-Security"), "max-age=31536000");
  bool session_cookie = false;
  for (auto [it, end] = callback.headers.equal_range(beast_http::field::set_cookie); it != end;
       ++it) {
    const std::string value(it->value());
    if (value.rfind("__Host-spotauth=", 0) != 0) continue;
    session_cookie = true;
    EXPECT_NE(value.find("; Secure"), std::string::npos) << value;
    EXPECT_NE(value.find("HttpOnly"), std::string::npos) << value;
    EXPECT_NE(value.find("Path=/"), std::string::npos) << value;
    EXPECT_EQ(value.find("Domain"), std::string::npos) << value;
  }
  EXPECT_TRUE(session_cookie);

  Page home = browser.Get(site + "/");
  ASSERT_EQ(home.status, 200u);
  EXPECT_TRUE(home.Contains("<code id=\"user-id\">demo-user</code>"));
  EXPECT_EQ(home.Header("Strict-Transport-Security"), "max-age=31536000");
  // The logout form's origin check holds for the https public origin behind the proxy.
  Page out = browser.SubmitForm(site, "/logout", "token=" + TestBrowser::LogoutToken(home));
  EXPECT_EQ(out.status, 303u) << out.body;
  EXPECT_TRUE(browser.Get(site + "/").Contains("id=\"login\""));
  // A browser that tries plain http on the TLS port is refused by nginx, not served.
  EXPECT_NE(browser.Get("http://127.0.0.1:" + std::to_string(ports[0]) + "/").status, 200u);
}

}  // namespace
}  // namespace spotauth::server::testing
