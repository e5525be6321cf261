// The metrics listener of the real binary: `spotauth serve` with SPOTAUTH_METRICS_ADDRESS, a full
// login against the stand-in Spotify (in this process, on loopback), then a scrape that counts
// it, passes `promtool check metrics`, and is not served on the public port.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "http/listener.h"
#include "testing/child_process.h"
#include "testing/login_harness.h"
#include "testing/loopback_ports.h"
#include "testing/read_file.h"

namespace spotauth::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using server::testing::Page;
using server::testing::TestBrowser;
using spotauth::testing::ChildProcess;
using spotauth::testing::ReadFile;
using spotauth::testing::RunChild;

constexpr const char* kClient = "metrics-test";
constexpr const char* kSecret = "metrics-test-secret-0123456789";
constexpr const char* kMasterSecret =
    "8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0";

// The value of the series named exactly `series` (name and labels) in a scrape, if present.
std::optional<double> ValueOf(const std::string& scrape, const std::string& series) {
  const std::string start = series + " ";
  for (std::size_t at = 0; at < scrape.size();) {
    const std::size_t end = scrape.find('\n', at);
    const std::string_view line(scrape.data() + at,
                                (end == std::string::npos ? scrape.size() : end) - at);
    if (line.starts_with(start)) {
      double value = 0;
      const auto rest = line.substr(start.size());
      if (std::from_chars(rest.data(), rest.data() + rest.size(), value).ec != std::errc()) break;
      return value;
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return std::nullopt;
}

class MetricsTest : public ::testing::Test {
 protected:
  MetricsTest() {
    std::uint16_t ports[2] = {};
    EXPECT_TRUE(spotauth::testing::PickLoopbackPorts(ports));
    port_ = ports[0];
    metrics_port_ = ports[1];
    origin_ = "http://127.0.0.1:" + std::to_string(port_);
    fake_spotify::AddDemoDefaults(state_, kClient, kSecret, {origin_ + "/callback"});
    state_.SetAutoApprove(true, "demo-user");
    http::ListenerOptions options;
    options.access_log = false;
    spotify_ = std::make_unique<http::Listener>(options, [this](boost::asio::io_context&) {
      return std::make_unique<fake_spotify::FakeSpotifyHandler>(
          state_, fake_spotify::FakeSpotifyHandlerOptions{true});
    });
    EXPECT_TRUE(spotify_->Start());
    std::string pattern = (fs::temp_directory_path() / "spotauth-metrics-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    const std::string spotify = "http://127.0.0.1:" + std::to_string(spotify_->Port());
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{SPOTAUTH_BINARY, "serve"},
        std::vector<std::string>{
            "SPOTIFY_CLIENT_ID=" + std::string(kClient),
            "SPOTIFY_CLIENT_SECRET=" + std::string(kSecret),
            "SPOTAUTH_SECRET=" + std::string(kMasterSecret),
            "SPOTAUTH_PORT=" + std::to_string(port_), "SPOTAUTH_STORE=memory", "SPOTAUTH_THREADS=2",
            "SPOTAUTH_ACCOUNTS_URL=" + spotify, "SPOTAUTH_API_URL=" + spotify,
            "SPOTAUTH_METRICS_ADDRESS=127.0.0.1:" + std::to_string(metrics_port_)},
        dir_ + "/serve.stdout", dir_ + "/serve.stderr");
    for (int i = 0; i < 200 && !(spotauth::testing::AcceptsConnections(port_) &&
                                 spotauth::testing::AcceptsConnections(metrics_port_));
         ++i) {
      std::this_thread::sleep_for(25ms);
    }
  }
  ~MetricsTest() override {
    server_.reset();
    spotify_->Stop();
    fs::remove_all(dir_);
  }

  std::string MetricsUrl() const {
    return "http://127.0.0.1:" + std::to_string(metrics_port_) + "/metrics";
  }
  std::string Logs() const { return ReadFile(dir_ + "/serve.stderr"); }

  // A scrape in which `series` has reached `at_least`: the server counts a request just after
  // writing its answer, so the browser may have read it first.
  std::string ScrapeOnce(const std::string& series, double at_least) {
    TestBrowser scraper;
    Page page;
    for (int i = 0; i < 100; ++i) {
      page = scraper.Get(MetricsUrl());
      if (ValueOf(page.body, series).value_or(-1) >= at_least) break;
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(page.status, 200u) << Logs();
    EXPECT_EQ(page.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return page.body;
  }

  SystemClock clock_;
  OpenSslRandom random_;
  fake_spotify::FakeSpotifyState state_{clock_, random_};
  std::unique_ptr<http::Listener> spotify_;
  std::uint16_t port_ = 0;
  std::uint16_t metrics_port_ = 0;
  std::string origin_;
  std::string dir_;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(MetricsTest, AFullLoginShowsInTheScrapeOfTheMetricsListener) {
  ASSERT_TRUE(spotauth::testing::AcceptsConnections(metrics_port_)) << Logs();
  TestBrowser browser;
  Page home = browser.Navigate(origin_ + "/login");
  ASSERT_EQ(home.status, 200u) << Logs();
  ASSERT_TRUE(home.Contains("demo-user")) << home.body;

  const std::string scrape =
      ScrapeOnce(R"(spotauth_http_requests_total{route="home",code="2xx"})", 1);
  const auto value = [&](const std::string& series) {
    const auto found = ValueOf(scrape, series);
    EXPECT_TRUE(found) << series << " missing in\n" << scrape;
    return found.value_or(-1);
  };
  EXPECT_EQ(value("spotauth_logins_started_total"), 1);
  EXPECT_EQ(value("spotauth_logins_completed_total"), 1);
  EXPECT_EQ(value(R"(spotauth_logins_failed_total{reason="unknown_state"})"), 0);
  EXPECT_EQ(value(R"(spotauth_http_requests_total{route="login",code="3xx"})"), 1);
  EXPECT_EQ(value(R"(spotauth_http_requests_total{route="callback",code="3xx"})"), 1);
  EXPECT_EQ(value(R"(spotauth_http_requests_total{route="home",code="2xx"})"), 1);
  EXPECT_EQ(value(R"(spotauth_http_request_duration_seconds_count{route="callback"})"), 1);
  EXPECT_EQ(value(R"(spotauth_spotify_requests_total{endpoint="token",code="2xx"})"), 1);
  EXPECT_EQ(value(R"(spotauth_spotify_requests_total{endpoint="me",code="2xx"})"), 1);
  EXPECT_EQ(value(R"(spotauth_spotify_requests_total{endpoint="currently_playing",code="2xx"})"),
            1);
  EXPECT_EQ(value(R"(spotauth_spotify_request_duration_seconds_count{endpoint="token"})"), 1);
  EXPECT_EQ(value(R"(spotauth_token_refreshes_total{outcome="ok"})"), 0);
  EXPECT_EQ(value("spotauth_spotify_rate_limit_pauses_total"), 0);
  EXPECT_EQ(value("spotauth_store_errors_total"), 0);
  EXPECT_GE(value("spotauth_http_open_connections"), 0);

  // The build, as `spotauth --version` names it: "spotauth 0.1.0 (git abc1234)".
  const auto version = RunChild({SPOTAUTH_BINARY, "--version"}, {}, dir_);
  std::string number = version.out.starts_with("spotauth ") ? version.out.substr(9) : version.out;
  number = number.substr(0, number.find_first_of(" \n"));
  const auto git = version.out.find("(git ");
  const std::string revision =
      git == std::string::npos ? "unknown"
                               : version.out.substr(git + 5, version.out.find(')', git) - git - 5);
  EXPECT_EQ(value("spotauth_build_info{version=\"" + number + "\",revision=\"" + revision + "\"}"),
            1)
      << version.out;
}

TEST_F(MetricsTest, ThePublicPortDoesNotServeMetrics) {
  ASSERT_TRUE(spotauth::testing::AcceptsConnections(port_)) << Logs();
  TestBrowser browser;
  Page page = browser.Get(origin_ + "/metrics");
  EXPECT_EQ(page.status, 404u);
  EXPECT_FALSE(page.Contains("spotauth_")) << page.body;
  // ...and that request counts under "other" on the metrics port.
  EXPECT_EQ(ValueOf(ScrapeOnce(R"(spotauth_http_requests_total{route="other",code="4xx"})", 1),
                    R"(spotauth_http_requests_total{route="other",code="4xx"})"),
            1);
}

TEST_F(MetricsTest, TheScrapePassesPromtoolCheckMetrics) {
  ASSERT_TRUE(fs::exists("/usr/bin/promtool"))
      << "promtool is missing: install the Debian package prometheus (scripts/install-deps.sh "
         "test)";
  TestBrowser browser;
  ASSERT_TRUE(browser.Navigate(origin_ + "/login").Contains("demo-user")) << Logs();
  const std::string scrape = ScrapeOnce("spotauth_logins_completed_total", 1);
  {
    std::ofstream out(dir_ + "/scrape.txt");
    out << scrape;
  }
  const auto checked = RunChild(
      {"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + dir_ + "/scrape.txt"}, {}, dir_);
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err << "\n" << scrape;
  EXPECT_EQ(checked.out + checked.err, "") << scrape;
}

}  // namespace
}  // namespace spotauth::cli
