#include "testing/login_app_fixture.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <stdexcept>
#include <utility>

#include "testing/in_memory_http_client.h"

namespace spotauth::server::testing {
namespace {

Config MakeConfig(const LoginAppFixtureOptions& options) {
  Settings settings = {
      {"SPOTIFY_CLIENT_ID", LoginAppFixture::kClientId},
      {"SPOTAUTH_SECRET", "8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0"},
      {"SPOTAUTH_STORE", "memory"},
      {"SPOTAUTH_ACCOUNTS_URL", LoginAppFixture::kSpotifyOrigin},
      {"SPOTAUTH_API_URL", LoginAppFixture::kSpotifyOrigin},
  };
  if (!options.pkce) settings["SPOTIFY_CLIENT_SECRET"] = LoginAppFixture::kClientSecret;
  for (const auto& [name, value] : options.extra) settings[name] = value;
  auto config = BuildConfig(settings, std::filesystem::temp_directory_path().string());
  if (!config) throw std::runtime_error("bad test config: " + config.error().front());
  return std::move(*config);
}

http::Response HandleOnLoop(LoginAppFixture& fixture, http::RequestHandler& handler,
                            http::Request request) {
  request.prepare_payload();
  return fixture.Run(handler.Handle(std::move(request)));
}

http::Request UrlRequest(beast_http::verb method, std::string url) {
  http::ClientRequest request;
  request.method = method;
  request.url = std::move(url);
  auto made = spotauth::testing::ToServerRequest(std::move(request));
  if (!made) throw std::runtime_error("not a URL for the stand-in: " + made.error().message);
  return std::move(*made);
}

}  // namespace

LoginAppFixture::LoginAppFixture(LoginAppFixtureOptions options)
    : config(MakeConfig(options)), log_(std::make_shared<std::ostringstream>()) {
  previous_logger_ = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*log_);
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("login-app-test", sink));
  fake_spotify::AddDemoDefaults(spotify, kClientId, options.pkce ? "" : kClientSecret,
                                {config.redirect_uri});
  spotify.SetAutoApprove(options.auto_approve, "demo-user");
}

LoginAppFixture::~LoginAppFixture() { spdlog::set_default_logger(previous_logger_); }

std::unique_ptr<http::HttpClient> LoginAppFixture::NewSpotifyClient() {
  return std::make_unique<spotauth::testing::InMemoryHttpClient>(spotify_handler);
}

http::Response LoginAppFixture::SpotifyGet(std::string_view url) {
  return HandleOnLoop(*this, spotify_handler, UrlRequest(beast_http::verb::get, std::string(url)));
}

http::Response LoginAppFixture::SpotifyPostForm(std::string_view path, std::string body) {
  http::Request request =
      UrlRequest(beast_http::verb::post, std::string(kSpotifyOrigin) + std::string(path));
  request.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
  request.body() = std::move(body);
  return HandleOnLoop(*this, spotify_handler, std::move(request));
}

http::Request AppRequest(const LoginAppFixture& fixture, beast_http::verb method,
                         std::string_view target) {
  http::Request request{method, target, 11};
  request.set(beast_http::field::host, fixture.config.public_host);
  return request;
}

http::Response InMemoryBrowser::Send(http::Request request) {
  std::string cookie_header;
  for (const auto& [name, value] : cookies) {
    if (!cookie_header.empty()) cookie_header += "; ";
    cookie_header += name + "=" + value;
  }
  if (!cookie_header.empty()) request.set(beast_http::field::cookie, cookie_header);
  http::Response response = HandleOnLoop(fixture_, app_, std::move(request));
  for (const std::string& line : SetCookies(response)) {
    const auto eq = line.find('=');
    const auto semi = line.find(';');
    const std::string name = line.substr(0, eq);
    if (line.find("Max-Age=0") != std::string::npos) {
      cookies.erase(name);
    } else {
      cookies[name] = line.substr(eq + 1, semi - eq - 1);
    }
  }
  return response;
}

http::Response InMemoryBrowser::PostForm(std::string_view target, std::string body) {
  http::Request request = AppRequest(fixture_, beast_http::verb::post, target);
  request.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
  request.set("Sec-Fetch-Site", "same-origin");
  request.body() = std::move(body);
  return Send(std::move(request));
}

http::Response InMemoryBrowser::Open(std::string_view url) {
  if (url.starts_with(fixture_.config.public_origin + "/")) {
    return Send(UrlRequest(beast_http::verb::get, std::string(url)));
  }
  return fixture_.SpotifyGet(url);
}

http::Response InMemoryBrowser::LogIn() {
  http::Response login = Get("/login");
  if (login.result_int() != 302) throw std::runtime_error("/login did not redirect");
  http::Response authorize = Open(HeaderOf(login, "Location"));
  if (authorize.result_int() != 302) throw std::runtime_error("the stand-in did not approve");
  return Open(HeaderOf(authorize, "Location"));
}

std::string InMemoryBrowser::LogoutToken(const http::Response& page) {
  const std::string marker = "name=\"token\" value=\"";
  const auto at = page.body().find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  return page.body().substr(start, page.body().find('"', start) - start);
}

std::string HeaderOf(const http::Response& response, std::string_view name) {
  const auto it = response.find(name);
  if (it != response.end()) return std::string(it->value());
  const http::PresetFields* preset = response.preset_fields();
  const http::PresetFields::Field* field = preset == nullptr ? nullptr : preset->Find(name);
  return field == nullptr ? std::string() : std::string(field->value);
}

std::vector<std::string> SetCookies(const http::Response& response) {
  std::vector<std::string> values;
  auto [begin, end] = response.equal_range(beast_http::field::set_cookie);
  for (auto it = begin; it != end; ++it) values.emplace_back(it->value());
  return values;
}

bool Contains(const http::Response& response, std::string_view text) {
  return response.body().find(text) != std::string::npos;
}

}  // namespace spotauth::server::testing
