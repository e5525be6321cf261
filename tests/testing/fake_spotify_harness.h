// Test harness for the stand-in Spotify: a state on a ManualClock, a handler with control
// enabled, and helpers that build request values and run Handle to completion.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/pkce.h"
#include "core/random.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"

namespace spotauth::fake_spotify::testing {

using Fields = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kClientId = "spotauth-demo";
inline constexpr std::string_view kClientSecret = "demo-secret";
inline constexpr std::string_view kPublicClientId = "public-app";
inline constexpr std::string_view kRedirectUri = "http://127.0.0.1:5000/callback";
inline constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
inline constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
inline constexpr std::string_view kCurrentlyPlaying = "/v1/me/player/currently-playing";

// Percent-encodes everything outside the unreserved set, so the tests never rely on the
// decoder's treatment of "+".
inline std::string Encode(const Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += boost::urls::encode(name, boost::urls::unreserved_chars);
    out += '=';
    out += boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  return out;
}

// The decoded query of an absolute URL (e.g. a Location header).
inline std::map<std::string, std::string> QueryOf(std::string_view url) {
  std::map<std::string, std::string> out;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    ADD_FAILURE() << "not a URL: " << url;
    return out;
  }
  for (const auto& param : parsed->params()) out[param.key] = param.value;
  return out;
}

inline boost::json::value Json(const http::Response& response) {
  boost::system::error_code ec;
  auto value = boost::json::parse(response.body(), ec);
  if (ec) ADD_FAILURE() << "not JSON: " << response.body();
  return value;
}

inline std::string BasicAuth(std::string_view id, std::string_view secret) {
  return "Basic " + Base64Encode(std::string(id) + ":" + std::string(secret));
}

class FakeSpotifyTest : public ::testing::Test {
 protected:
  FakeSpotifyTest() {
    AddDemoDefaults(state_, std::string(kClientId), std::string(kClientSecret),
                    {std::string(kRedirectUri)});
    state_.AddClient(FakeClient{std::string(kPublicClientId), "", {"http://127.0.0.1/cb"}});
  }

  // Requests without a Host are sent as a browser on this machine would address the stand-in.
  http::Response Send(http::Request request) {
    if (request.find(beast_http::field::host) == request.end()) {
      request.set(beast_http::field::host, "127.0.0.1:5001");
    }
    request.prepare_payload();
    boost::asio::io_context io;
    http::Response out;
    bool done = false;
    boost::asio::co_spawn(io, handler_.Handle(std::move(request)),
                          [&](std::exception_ptr error, http::Response response) {
                            if (error) {
                              ADD_FAILURE() << "Handle threw";
                            } else {
                              out = std::move(response);
                            }
                            done = true;
                          });
    io.run();
    EXPECT_TRUE(done);
    return out;
  }

  http::Response Get(std::string target, std::string authorization = {}) {
    http::Request request{beast_http::verb::get, target, 11};
    if (!authorization.empty()) request.set(beast_http::field::authorization, authorization);
    return Send(std::move(request));
  }

  http::Response Post(std::string target, std::string body, std::string content_type,
                      std::string authorization = {}) {
    http::Request request{beast_http::verb::post, target, 11};
    request.set(beast_http::field::content_type, content_type);
    if (!authorization.empty()) request.set(beast_http::field::authorization, authorization);
    request.body() = std::move(body);
    return Send(std::move(request));
  }

  http::Response PostForm(std::string target, const Fields& fields,
                          std::string authorization = {}) {
    return Post(std::move(target), Encode(fields), "application/x-www-form-urlencoded",
                std::move(authorization));
  }

  http::Response PostJson(std::string target, std::string json) {
    return Post(std::move(target), std::move(json), "application/json");
  }

  http::Response Authorize(const Fields& fields) { return Get("/authorize?" + Encode(fields)); }

  // The query of the redirect back to the app; fails the test if there was none.
  std::map<std::string, std::string> RedirectQuery(const http::Response& response) {
    EXPECT_EQ(response.result(), beast_http::status::found) << response.body();
    return QueryOf(response[beast_http::field::location]);
  }

  // An auto-approved code for the confidential demo client.
  std::string Code(std::string scope = "user-read-currently-playing") {
    state_.SetAutoApprove(true);
    auto query = RedirectQuery(Authorize({{"client_id", std::string(kClientId)},
                                          {"redirect_uri", std::string(kRedirectUri)},
                                          {"response_type", "code"},
                                          {"scope", scope},
                                          {"state", "s"}}));
    return query["code"];
  }

  // An auto-approved PKCE code for the public client (redirect http://127.0.0.1:8080/cb).
  std::string PkceCode(std::string scope = "user-read-currently-playing") {
    state_.SetAutoApprove(true);
    auto query = RedirectQuery(Authorize({{"client_id", std::string(kPublicClientId)},
                                          {"redirect_uri", "http://127.0.0.1:8080/cb"},
                                          {"response_type", "code"},
                                          {"scope", scope},
                                          {"code_challenge", std::string(kChallenge)},
                                          {"code_challenge_method", "S256"}}));
    return query["code"];
  }

  http::Response ExchangeCode(const std::string& code) {
    return PostForm("/api/token",
                    {{"grant_type", "authorization_code"},
                     {"code", code},
                     {"redirect_uri", std::string(kRedirectUri)}},
                    BasicAuth(kClientId, kClientSecret));
  }

  http::Response ExchangePkceCode(const std::string& code,
                                  std::string verifier = std::string(kVerifier)) {
    return PostForm("/api/token", {{"grant_type", "authorization_code"},
                                   {"code", code},
                                   {"redirect_uri", "http://127.0.0.1:8080/cb"},
                                   {"client_id", std::string(kPublicClientId)},
                                   {"code_verifier", verifier}});
  }

  http::Response Refresh(const std::string& refresh_token) {
    return PostForm("/api/token",
                    {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}},
                    BasicAuth(kClientId, kClientSecret));
  }

  http::Response RefreshPkce(const std::string& refresh_token) {
    return PostForm("/api/token", {{"grant_type", "refresh_token"},
                                   {"refresh_token", refresh_token},
                                   {"client_id", std::string(kPublicClientId)}});
  }

  // Access and refresh token of a fresh confidential login.
  std::pair<std::string, std::string> Login(std::string scope = "user-read-currently-playing") {
    auto body = Json(ExchangeCode(Code(std::move(scope))));
    return {std::string(body.at("access_token").as_string()),
            std::string(body.at("refresh_token").as_string())};
  }

  // GET currently-playing (with `query`, e.g. "?additional_types=episode") after a fresh login.
  http::Response GetPlaying(std::string_view query = "") {
    return Get(std::string(kCurrentlyPlaying) + std::string(query), "Bearer " + Login().first);
  }

  static void ExpectOAuthError(const http::Response& response, unsigned status,
                               std::string_view error, std::string_view description) {
    EXPECT_EQ(response.result_int(), status) << response.body();
    auto body = Json(response);
    ASSERT_TRUE(body.is_object()) << response.body();
    EXPECT_EQ(body.at("error").as_string(), error);
    EXPECT_EQ(body.at("error_description").as_string(), description);
  }

  static void ExpectApiError(const http::Response& response, unsigned status,
                             std::string_view message) {
    EXPECT_EQ(response.result_int(), status) << response.body();
    auto body = Json(response);
    ASSERT_TRUE(body.is_object()) << response.body();
    EXPECT_EQ(body.at("error").at("status").as_int64(), status);
    EXPECT_EQ(body.at("error").at("message").as_string(), message);
  }

  ManualClock clock_;
  OpenSslRandom random_;
  FakeSpotifyState state_{clock_, random_};
  FakeSpotifyHandler handler_{state_, FakeSpotifyHandlerOptions{true}};
};

}  // namespace spotauth::fake_spotify::testing
