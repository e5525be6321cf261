// The stand-in Spotify's token endpoint: POST /api/token through FakeSpotifyHandler.
// Input: up to four requests, each two lines: the Authorization header value (an empty line
// sends none) and the form body. ${basic} is the confidential client's Basic credentials;
// ${code}, ${pkce_code}, ${verifier}, ${refresh} and ${pkce_refresh} are a live code, a live
// PKCE code and its verifier, and live refresh tokens, so the fuzzer reaches the grants.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/pkce.h"
#include "core/scope.h"
#include "fake_spotify/handler.h"
#include "fake_spotify/state.h"
#include "fuzz_support.h"

namespace {

namespace fake = spotauth::fake_spotify;
using spotauth::beast_http::field;
using spotauth::fuzz::Check;

constexpr std::string_view kClientId = "spotauth-demo";
constexpr std::string_view kClientSecret = "demo-secret";
constexpr std::string_view kPublicClientId = "public-app";
constexpr std::string_view kRedirectUri = "http://127.0.0.1:5000/callback";
constexpr std::string_view kPublicRedirectUri = "http://127.0.0.1:8080/cb";
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
constexpr std::size_t kMaxRequests = 4;

// A header value a request parser could have produced: no CR, LF or other controls but HTAB.
bool IsFieldValue(std::string_view value) {
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f) return false;
  }
  return true;
}

fake::CodeRequest CodeFor(std::string_view client, std::string_view redirect_uri,
                          std::string_view challenge) {
  return fake::CodeRequest{std::string(client), std::string(redirect_uri), "demo-user",
                           spotauth::Scope::Parse("user-read-currently-playing"),
                           std::string(challenge)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  spotauth::ManualClock clock;
  spotauth::fuzz::CounterRandom random(1);
  fake::FakeSpotifyState state(clock, random);
  fake::AddDemoDefaults(state, std::string(kClientId), std::string(kClientSecret),
                        {std::string(kRedirectUri)});
  state.AddClient(fake::FakeClient{std::string(kPublicClientId), "", {"http://127.0.0.1/cb"}});
  fake::FakeSpotifyHandler handler(state);

  std::vector<std::pair<std::string, std::string>> values = {
      {"basic", "Basic " + spotauth::Base64Encode(std::string(kClientId) + ":" +
                                                  std::string(kClientSecret))},
      {"verifier", std::string(kVerifier)},
  };
  if (text.find("${") != std::string_view::npos) {
    values.emplace_back("code", state.IssueCode(CodeFor(kClientId, kRedirectUri, "")));
    values.emplace_back("pkce_code",
                        state.IssueCode(CodeFor(kPublicClientId, kPublicRedirectUri, kChallenge)));
    auto confidential = state.RedeemCode({std::string(kClientId), true,
                                          state.IssueCode(CodeFor(kClientId, kRedirectUri, "")),
                                          std::string(kRedirectUri), std::nullopt});
    auto pkce =
        state.RedeemCode({std::string(kPublicClientId), false,
                          state.IssueCode(CodeFor(kPublicClientId, kPublicRedirectUri, kChallenge)),
                          std::string(kPublicRedirectUri), std::string(kVerifier)});
    Check(confidential && pkce, "the set-up's codes redeem");
    values.emplace_back("refresh", confidential->refresh_token);
    values.emplace_back("pkce_refresh", pkce->refresh_token);
  }

  for (std::size_t i = 0; i < kMaxRequests && !text.empty(); ++i) {
    const auto auth_end = text.find('\n');
    const std::string_view auth = text.substr(0, auth_end);
    text = auth_end == std::string_view::npos ? std::string_view{} : text.substr(auth_end + 1);
    const auto body_end = text.find('\n');
    const std::string_view body = text.substr(0, body_end);
    text = body_end == std::string_view::npos ? std::string_view{} : text.substr(body_end + 1);

    const std::string authorization = spotauth::fuzz::Expand(auth, values);
    if (!IsFieldValue(authorization)) return 0;
    spotauth::http::Request request{spotauth::beast_http::verb::post, "/api/token", 11};
    request.set(field::host, "127.0.0.1:5001");
    request.set(field::content_type, "application/x-www-form-urlencoded");
    if (!authorization.empty()) request.set(field::authorization, authorization);
    request.body() = spotauth::fuzz::Expand(body, values);
    request.prepare_payload();

    const spotauth::http::Response response =
        spotauth::fuzz::RunHandler(handler, std::move(request));
    const unsigned status = response.result_int();
    if (spotauth::fuzz::Verbose()) std::fprintf(stderr, "%u %s\n", status, response.body().c_str());
    Check(status == 200 || (status >= 400 && status < 500), "the token endpoint answers 200 or 4xx",
          std::to_string(status) + " " + response.body());
    // Either way the body is a JSON object: tokens, or an OAuth error.
    boost::system::error_code ec;
    const boost::json::value json = boost::json::parse(response.body(), ec);
    Check(!ec && json.is_object(), "the token endpoint answers JSON objects", response.body());
    const auto& object = json.as_object();
    if (status == 200) {
      Check(object.contains("access_token") && object.at("access_token").is_string(),
            "a 200 carries an access token", response.body());
    } else {
      Check(object.contains("error") && object.at("error").is_string(),
            "a 4xx carries an OAuth error", response.body());
    }
  }
  return 0;
}
