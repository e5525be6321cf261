#include "testing/fake_spotify_harness.h"
#include "fake_spotify/pages.h"

namespace spotauth::fake_spotify::testing {
namespace {

Fields AuthorizeFields(std::string redirect_uri = std::string(kRedirectUri),
                       std::string state = "xyz") {
  return {{"client_id", std::string(kClientId)},
          {"redirect_uri", std::move(redirect_uri)},
          {"response_type", "code"},
          {"scope", "user-read-currently-playing user-read-email"},
          {"state", std::move(state)}};
}

using AuthorizeTest = FakeSpotifyTest;

TEST_F(AuthorizeTest, UnknownClientIsShownOnAPageWithoutRedirect) {
  auto fields = AuthorizeFields();
  fields[0].second = "nobody";
  auto response = Authorize(fields);
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_EQ(response.count(beast_http::field::location), 0u);
  EXPECT_NE(response.body().find("INVALID_CLIENT: Invalid client"), std::string::npos);
}

TEST_F(AuthorizeTest, UnregisteredRedirectUriIsRefusedWithoutRedirect) {
  for (std::string uri : {"http://127.0.0.1:5000/callback/", "http://127.0.0.1:5001/callback",
                          "https://127.0.0.1:5000/callback", "http://127.0.0.1:5000/other"}) {
    auto response = Authorize(AuthorizeFields(uri));
    EXPECT_EQ(response.result(), beast_http::status::bad_request) << uri;
    EXPECT_EQ(response.count(beast_http::field::location), 0u) << uri;
    EXPECT_NE(response.body().find("INVALID_CLIENT: Invalid redirect URI"), std::string::npos)
        << uri;
  }
}

TEST_F(AuthorizeTest, LocalhostAndPlainHttpHostsAreInsecure) {
  state_.AddClient(FakeClient{std::string(kClientId),
                              std::string(kClientSecret),
                              {"http://localhost:5000/callback", "http://example.com/cb"}});
  for (std::string uri : {"http://localhost:5000/callback", "http://example.com/cb"}) {
    auto response = Authorize(AuthorizeFields(uri));
    EXPECT_EQ(response.result(), beast_http::status::bad_request) << uri;
    EXPECT_EQ(response.count(beast_http::field::location), 0u) << uri;
    EXPECT_NE(response.body().find("INVALID_CLIENT: Insecure redirect URI"), std::string::npos)
        << uri;
  }
}

TEST_F(AuthorizeTest, LoopbackUriRegisteredWithoutPortMatchesAnyPort) {
  state_.SetAutoApprove(true);
  auto query = RedirectQuery(Authorize({{"client_id", std::string(kPublicClientId)},
                                        {"redirect_uri", "http://127.0.0.1:43123/cb"},
                                        {"response_type", "code"},
                                        {"code_challenge", std::string(kChallenge)},
                                        {"code_challenge_method", "S256"}}));
  EXPECT_FALSE(query["code"].empty());
  auto wrong_path = Authorize({{"client_id", std::string(kPublicClientId)},
                               {"redirect_uri", "http://127.0.0.1:43123/other"},
                               {"response_type", "code"},
                               {"code_challenge", std::string(kChallenge)},
                               {"code_challenge_method", "S256"}});
  EXPECT_EQ(wrong_path.result(), beast_http::status::bad_request);
}

TEST_F(AuthorizeTest, AutoApproveRedirectsWithCodeAndState) {
  state_.SetAutoApprove(true);
  auto response = Authorize(AuthorizeFields());
  const std::string location(response[beast_http::field::location]);
  EXPECT_TRUE(location.starts_with(std::string(kRedirectUri) + "?code=")) << location;
  auto query = RedirectQuery(response);
  EXPECT_EQ(query["state"], "xyz");
  EXPECT_GE(query["code"].size(), 43u);
}

TEST_F(AuthorizeTest, StateWithSpecialCharactersIsEchoedExactly) {
  state_.SetAutoApprove(true);
  const std::string hostile = "a b+c&d=e%25f/\xC3\xA9\"<>#?x";
  auto response = Authorize(AuthorizeFields(std::string(kRedirectUri), hostile));
  const std::string location(response[beast_http::field::location]);
  // "+" must be encoded, or an app decoding form-style would read a space.
  EXPECT_EQ(location.find('+'), std::string::npos) << location;
  EXPECT_EQ(location.find(' '), std::string::npos) << location;
  EXPECT_EQ(RedirectQuery(response)["state"], hostile);
}

TEST_F(AuthorizeTest, UnknownScopeRedirectsWithInvalidScope) {
  auto fields = AuthorizeFields();
  fields[3].second = "user-read-email user-read-everything";
  auto query = RedirectQuery(Authorize(fields));
  EXPECT_EQ(query["error"], "invalid_scope");
  EXPECT_EQ(query["state"], "xyz");
  EXPECT_EQ(query.count("code"), 0u);
}

TEST_F(AuthorizeTest, WrongResponseTypeRedirectsWithError) {
  auto fields = AuthorizeFields();
  fields[2].second = "token";
  EXPECT_EQ(RedirectQuery(Authorize(fields))["error"], "unsupported_response_type");
}

TEST_F(AuthorizeTest, PublicClientMustSendAnS256Challenge) {
  Fields base{{"client_id", std::string(kPublicClientId)},
              {"redirect_uri", "http://127.0.0.1:8080/cb"},
              {"response_type", "code"},
              {"state", "st"}};
  EXPECT_EQ(RedirectQuery(Authorize(base))["error"], "invalid_request");
  auto plain = base;
  plain.push_back({"code_challenge", std::string(kChallenge)});
  plain.push_back({"code_challenge_method", "plain"});
  auto query = RedirectQuery(Authorize(plain));
  EXPECT_EQ(query["error"], "invalid_request");
  EXPECT_EQ(query["state"], "st");
}

TEST_F(AuthorizeTest, PageListsScopesInWordsUsersAndHiddenFields) {
  auto response = Authorize(AuthorizeFields());
  ASSERT_EQ(response.result(), beast_http::status::ok);
  const std::string& html = response.body();
  EXPECT_NE(response[beast_http::field::content_type].find("text/html"), std::string::npos);
  EXPECT_EQ(response[beast_http::field::cache_control], "no-store");
  EXPECT_NE(html.find("Read your currently playing content"), std::string::npos);
  EXPECT_NE(html.find("Get your real email address"), std::string::npos);
  EXPECT_NE(html.find("Demo User"), std::string::npos);
  EXPECT_NE(html.find("Second User"), std::string::npos);
  EXPECT_NE(html.find("<form method=\"post\" action=\"/authorize\">"), std::string::npos);
  EXPECT_NE(html.find("name=\"state\" value=\"xyz\""), std::string::npos);
  EXPECT_NE(html.find("value=\"approve\""), std::string::npos);
  EXPECT_NE(html.find("value=\"deny\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST_F(AuthorizeTest, PageEscapesHostileDisplayNameAndState) {
  state_.PutUser(FakeUser{"evil", "<script>alert(1)</script>", std::nullopt});
  auto response = Authorize(AuthorizeFields(std::string(kRedirectUri), "\"><img src=x>"));
  const std::string& html = response.body();
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("\"><img"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x&gt;"), std::string::npos);
}

TEST_F(AuthorizeTest, ScopesAreDescribedInWords) {
  EXPECT_EQ(DescribeScope("user-read-currently-playing"), "Read your currently playing content");
  EXPECT_EQ(DescribeScope("made-up"), "made-up");
}

TEST_F(AuthorizeTest, DenyRedirectsWithAccessDeniedAndState) {
  auto fields = AuthorizeFields(std::string(kRedirectUri), "st ate+1");
  fields.push_back({"decision", "deny"});
  fields.push_back({"user", "demo-user"});
  auto query = RedirectQuery(PostForm("/authorize", fields));
  EXPECT_EQ(query["error"], "access_denied");
  EXPECT_EQ(query["state"], "st ate+1");
  EXPECT_EQ(query.count("code"), 0u);
}

TEST_F(AuthorizeTest, ApproveSignsInTheChosenUser) {
  auto fields = AuthorizeFields();
  fields.push_back({"decision", "approve"});
  fields.push_back({"user", "second-user"});
  auto query = RedirectQuery(PostForm("/authorize", fields));
  EXPECT_EQ(query["state"], "xyz");
  auto tokens = Json(ExchangeCode(query["code"]));
  auto me = Get("/v1/me", "Bearer " + std::string(tokens.at("access_token").as_string()));
  EXPECT_EQ(Json(me).at("id").as_string(), "second-user");
}

TEST_F(AuthorizeTest, PostedFieldsAreValidatedAgain) {
  auto fields = AuthorizeFields("https://attacker.example/cb");
  fields.push_back({"decision", "approve"});
  fields.push_back({"user", "demo-user"});
  auto response = PostForm("/authorize", fields);
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_EQ(response.count(beast_http::field::location), 0u);

  auto unknown_user = AuthorizeFields();
  unknown_user.push_back({"decision", "approve"});
  unknown_user.push_back({"user", "nobody"});
  EXPECT_EQ(PostForm("/authorize", unknown_user).result(), beast_http::status::bad_request);
}

}  // namespace
}  // namespace spotauth::fake_spotify::testing
