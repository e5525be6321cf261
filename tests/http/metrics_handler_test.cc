#include "http/metrics_handler.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "testing/run_awaitable.h"

namespace spotauth::http {
namespace {

class MetricsHandlerTest : public ::testing::Test {
 protected:
  MetricsHandlerTest() {
    counter_.Inc(5);
    EXPECT_TRUE(registry_.Add("x_total", "X.", {}, counter_));
  }
  Response Call(beast_http::verb method, const std::string& target) {
    Request request(method, target, 11);
    request.set(beast_http::field::host, "127.0.0.1:9100");
    return spotauth::testing::RunAwaitable(io_, handler_.Handle(std::move(request)));
  }

  boost::asio::io_context io_;
  Counter counter_;
  MetricsRegistry registry_;
  MetricsHandler handler_{registry_};
};

TEST_F(MetricsHandlerTest, GetMetricsAnswersTheExpositionAsPrometheusTextVersion004) {
  const Response response = Call(beast_http::verb::get, "/metrics");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[beast_http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body(), registry_.Render());
  EXPECT_NE(response.body().find("x_total 5\n"), std::string::npos);
}

TEST_F(MetricsHandlerTest, IgnoresAQueryAndAnswersHead) {
  EXPECT_EQ(Call(beast_http::verb::get, "/metrics?name[]=x").result_int(), 200);
  EXPECT_EQ(Call(beast_http::verb::head, "/metrics").result_int(), 200);
}

TEST_F(MetricsHandlerTest, OtherPathsAre404AndOtherMethods405) {
  EXPECT_EQ(Call(beast_http::verb::get, "/").result_int(), 404);
  EXPECT_EQ(Call(beast_http::verb::get, "/metrics/").result_int(), 404);
  const Response post = Call(beast_http::verb::post, "/metrics");
  EXPECT_EQ(post.result_int(), 405);
  EXPECT_EQ(post[beast_http::field::allow], "GET, HEAD");
}

}  // namespace
}  // namespace spotauth::http
