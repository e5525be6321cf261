#include "http/server_metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "testing/listener_test_support.h"

namespace spotauth::http {
namespace {

using namespace testing;  // NOLINT: the test support namespace
using std::chrono::milliseconds;

std::string Scrape(const ServerMetrics& metrics) {
  MetricsRegistry registry;
  EXPECT_TRUE(metrics.Register(registry));
  return registry.Render();
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

// The server counts a request just after writing its answer, so the client may read the answer
// first: wait a little for the count.
std::string ScrapeUntil(const ServerMetrics& metrics, const std::string& line) {
  std::string text = Scrape(metrics);
  for (int i = 0; i < 200 && !Has(text, line); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
    text = Scrape(metrics);
  }
  return text;
}

TEST(ServerMetrics, CountsByRouteAndStatusClassWithDurations) {
  ServerMetrics metrics({"home", "other"});
  metrics.CountRequest(0, 200, milliseconds(2));
  metrics.CountRequest(0, 204, milliseconds(3));
  metrics.CountRequest(0, 503, milliseconds(1));
  const std::string text = Scrape(metrics);
  EXPECT_TRUE(Has(text, R"(spotauth_http_requests_total{route="home",code="2xx"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(spotauth_http_requests_total{route="home",code="5xx"} 1)"));
  EXPECT_TRUE(Has(text, R"(spotauth_http_requests_total{route="other",code="2xx"} 0)"));
  EXPECT_TRUE(Has(text, R"(spotauth_http_request_duration_seconds_count{route="home"} 3)"));
  EXPECT_TRUE(Has(text, R"(spotauth_http_request_duration_seconds_sum{route="home"} 0.006)"));
  EXPECT_TRUE(Has(text, R"(spotauth_http_open_connections 0)"));
}

TEST(ServerMetrics, CountsUnroutedAndOutOfRangeRequestsUnderTheLastRoute) {
  ServerMetrics metrics({"home", "other"});
  metrics.CountRequest(ServerMetrics::kUnrouted, 431, milliseconds(1));
  metrics.CountRequest(7, 404, milliseconds(1));
  EXPECT_TRUE(Has(Scrape(metrics), R"(spotauth_http_requests_total{route="other",code="4xx"} 2)"));
}

TEST(ServerMetrics, IgnoresStatusesThatAreNotHttpStatuses) {
  ServerMetrics metrics({"home"});
  metrics.CountRequest(0, 0, milliseconds(1));
  metrics.CountRequest(0, 600, milliseconds(1));
  EXPECT_TRUE(
      Has(Scrape(metrics), R"(spotauth_http_request_duration_seconds_count{route="home"} 0)"));
}

TEST(ServerMetrics, WithoutRoutesCountsEverythingUnderOther) {
  ServerMetrics metrics({});
  metrics.CountRequest(3, 200, milliseconds(1));
  EXPECT_TRUE(Has(Scrape(metrics), R"(spotauth_http_requests_total{route="other",code="2xx"} 1)"));
}

// TestHandler with route labels: "/b..." is route 1, everything else route 0.
class RoutedHandler : public TestHandler {
 public:
  using TestHandler::TestHandler;
  std::size_t RouteOf(const RequestHead& head) const override {
    return head.target().starts_with("/b") ? 1 : 0;
  }
};

TEST(ServerMetrics, TheListenerCountsAnsweredRequestsByTheHandlersRouteAndOpenConnections) {
  ServerMetrics metrics({"a", "b", "other"});
  ListenerOptions options = TestOptions();
  options.metrics = &metrics;
  auto log = std::make_shared<HandlerLog>();
  Listener listener(
      options, [log](asio::io_context& ioc) { return std::make_unique<RoutedHandler>(ioc, log); });
  ASSERT_TRUE(listener.Start());
  {
    RawClient client(listener.Port());
    ASSERT_TRUE(client.Get("/a"));
    ASSERT_TRUE(client.Get("/b/1"));
    ASSERT_TRUE(client.Get("/b/2"));
    const std::string text =
        ScrapeUntil(metrics, R"(spotauth_http_requests_total{route="b",code="2xx"} 2)");
    EXPECT_TRUE(Has(text, R"(spotauth_http_requests_total{route="a",code="2xx"} 1)")) << text;
    EXPECT_TRUE(Has(text, R"(spotauth_http_requests_total{route="b",code="2xx"} 2)")) << text;
    EXPECT_TRUE(Has(text, "spotauth_http_open_connections 1")) << text;
  }
  {
    // A head refused before any handler saw it counts under the catch-all.
    RawClient client(listener.Port());
    client.Send("GET /a HTTP/1.1\r\n\r\n");  // no Host: 400
    auto response = client.Read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 400);
  }
  listener.Stop();
  const std::string text = Scrape(metrics);
  EXPECT_TRUE(Has(text, R"(spotauth_http_requests_total{route="other",code="4xx"} 1)")) << text;
  EXPECT_TRUE(Has(text, "spotauth_http_open_connections 0")) << text;
}

}  // namespace
}  // namespace spotauth::http
