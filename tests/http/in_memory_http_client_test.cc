// The in-memory HttpClient (tests/testing/) against a handler that records what it was given.
#include "testing/in_memory_http_client.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>

#include "testing/run_awaitable.h"

namespace spotauth::testing {
namespace {

class RecordingHandler final : public http::RequestHandler {
 public:
  boost::asio::awaitable<http::Response> Handle(http::Request request) override {
    received = request;
    if (request.target() == "/throw") throw std::runtime_error("handler bug");
    co_return answer;
  }

  std::optional<http::Request> received;
  http::Response answer{beast_http::status::ok, 11};
};

class InMemoryHttpClientTest : public ::testing::Test {
 protected:
  Result<http::ClientResponse> Send(http::ClientRequest request) {
    return RunAwaitable(client_.Send(std::move(request)));
  }

  RecordingHandler handler_;
  InMemoryHttpClient client_{handler_};
};

TEST_F(InMemoryHttpClientTest, TheHandlerGetsTheRequestAServerWouldRead) {
  http::ClientRequest request{.method = beast_http::verb::post,
                              .url = "http://127.0.0.1:9/api/token?a=1#fragment",
                              .body = "grant_type=refresh_token"};
  request.headers.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
  request.headers.set(beast_http::field::host, "spoofed.example");
  ASSERT_TRUE(Send(std::move(request)));
  ASSERT_TRUE(handler_.received);
  const http::Request& got = *handler_.received;
  EXPECT_EQ(got.method(), beast_http::verb::post);
  EXPECT_EQ(got.target(), "/api/token?a=1");
  EXPECT_EQ(got[beast_http::field::host], "127.0.0.1:9");
  EXPECT_EQ(got[beast_http::field::content_type], "application/x-www-form-urlencoded");
  EXPECT_EQ(got[beast_http::field::content_length], "24");
  EXPECT_EQ(got.body(), "grant_type=refresh_token");
  EXPECT_EQ(got.version(), 11u);
}

TEST_F(InMemoryHttpClientTest, TheHostHeaderLeavesOutTheDefaultPort) {
  ASSERT_TRUE(Send({.url = "https://accounts.example.com/authorize"}));
  EXPECT_EQ((*handler_.received)[beast_http::field::host], "accounts.example.com");
  EXPECT_EQ(handler_.received->target(), "/authorize");
}

TEST_F(InMemoryHttpClientTest, TheResponseComesBackWithStatusHeadersAndBody) {
  handler_.answer.result(beast_http::status::too_many_requests);
  handler_.answer.set(beast_http::field::retry_after, "7");
  handler_.answer.body() = "slow down";
  handler_.answer.prepare_payload();
  auto response = Send({.url = "http://127.0.0.1:9/v1/me"});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 429u);
  EXPECT_EQ(response->headers["retry-after"], "7");
  EXPECT_EQ(response->body, "slow down");
}

TEST_F(InMemoryHttpClientTest, AResponseToHeadHasNoBody) {
  handler_.answer.body() = "page";
  handler_.answer.prepare_payload();
  auto response = Send({.method = beast_http::verb::head, .url = "http://127.0.0.1:9/"});
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(response->headers[beast_http::field::content_length], "4");
}

TEST_F(InMemoryHttpClientTest, AResetConnectionIsUnavailable) {
  handler_.answer = http::ResetConnectionResponse();
  auto response = Send({.url = "http://127.0.0.1:9/api/token"});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
}

TEST_F(InMemoryHttpClientTest, AThrowingHandlerGivesA500) {
  auto response = Send({.url = "http://127.0.0.1:9/throw"});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500u);
}

TEST_F(InMemoryHttpClientTest, AUrlTheRealClientRefusesIsRefused) {
  for (const char* url : {"not a url", "ftp://127.0.0.1/x", "http://user@127.0.0.1/"}) {
    auto response = Send({.url = url});
    ASSERT_FALSE(response) << url;
    EXPECT_EQ(response.error().code, ErrorCode::kInvalidArgument) << url;
  }
  EXPECT_FALSE(handler_.received);
}

}  // namespace
}  // namespace spotauth::testing
