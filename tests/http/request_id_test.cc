#include "http/request_id.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "testing/listener_test_support.h"

namespace spotauth::http {
namespace {

using namespace testing;  // NOLINT: the test support namespace

TEST(RequestId, APlainOfferedIdIsKept) {
  EXPECT_EQ(RequestId("abc-123_X.y"), "abc-123_X.y");
  EXPECT_EQ(RequestId(std::string(64, 'a')), std::string(64, 'a'));
}

TEST(RequestId, AnythingElseGetsANewUniqueId) {
  std::set<std::string> seen;
  for (std::string_view offered :
       {"", "has space", "quote\"", "new\nline", "é",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    const std::string id = RequestId(offered);
    EXPECT_NE(id, offered);
    EXPECT_EQ(RequestId(id), id);  // a generated id is itself a plain token
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 6u);
}

TEST(RequestId, EveryResponseCarriesOne) {
  RunningServer server;
  RawClient client(server.port());
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: from-the-proxy-1\r\n\r\n"));
  auto echoed = client.Read();
  ASSERT_TRUE(echoed);
  EXPECT_EQ((*echoed)["X-Request-Id"], "from-the-proxy-1");
  ASSERT_TRUE(client.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id!\r\n\r\n"));
  auto made = client.Read();
  ASSERT_TRUE(made);
  EXPECT_FALSE((*made)["X-Request-Id"].empty());
  EXPECT_NE((*made)["X-Request-Id"], "bad id!");
}

}  // namespace
}  // namespace spotauth::http
