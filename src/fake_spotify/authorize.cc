// /authorize: validation, the consent page, and the redirect back with a code or an error.
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <utility>
#include <variant>
#include <vector>

#include "fake_spotify/pages.h"
#include "fake_spotify/routes.h"
#include "http/loopback.h"

namespace spotauth::fake_spotify::internal {
namespace {


struct ValidAuthorize {
  FakeClient client;
  std::string redirect_uri;
  Scope scope;
  std::optional<std::string> state;
  std::string code_challenge;
};

http::Response Page(beast_http::status status, std::string html) {
  http::Response response = MakeResponse(status, "text/html; charset=utf-8", std::move(html));
  response.set(beast_http::field::cache_control, "no-store");
  // The pages have no script at all; forms post to this origin and then redirect to the app.
  response.set("Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
               "frame-ancestors 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  return response;
}

http::Response ErrorPage(std::string_view message) {
  return Page(beast_http::status::bad_request, RenderErrorPage(message));
}

// `redirect_uri` was validated, so it parses.
http::Response RedirectBack(std::string_view redirect_uri,
                            std::vector<std::pair<std::string_view, std::string_view>> params,
                            const std::optional<std::string>& state) {
  boost::urls::url target(boost::urls::parse_uri(redirect_uri).value());
  if (state) params.emplace_back("state", *state);
  // Every byte outside the unreserved set is percent-encoded, "+" included, so the state comes
  // back exactly whether the app decodes "+" as a space or not.
  for (const auto& [name, value] : params) {
    target.encoded_params().append({boost::urls::encode(name, boost::urls::unreserved_chars),
                                    boost::urls::encode(value, boost::urls::unreserved_chars)});
  }
  http::Response response{beast_http::status::found, 11};
  response.set(beast_http::field::location, target.buffer());
  response.set(beast_http::field::cache_control, "no-store");
  return response;
}

bool IsRegistered(const FakeClient& client, const boost::urls::url_view& requested) {
  for (const std::string& registered : client.redirect_uris) {
    if (registered == requested.buffer()) return true;
    // A loopback URI registered without a port matches any port, since a native app cannot
    // know in advance which port it will get.
    auto parsed = boost::urls::parse_uri(registered);
    if (!parsed || parsed->has_port() || !http::IsLoopbackLiteral(*parsed) || !requested.has_port()) {
      continue;
    }
    boost::urls::url without_port(requested);
    without_port.remove_port();
    if (without_port.buffer() == registered) return true;
  }
  return false;
}

bool IsChallengeShaped(std::string_view challenge) {
  // base64url(SHA-256) without padding is exactly 43 characters.
  if (challenge.size() != 43) return false;
  for (char c : challenge) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Until the redirect URI is trusted, errors are shown on a page: redirecting to an unverified
// URI would make the authorize endpoint an open redirector (RFC 6749 section 4.1.2.1).
std::variant<ValidAuthorize, http::Response> Validate(const FakeSpotifyState& state,
                                                      const FormParams& params) {
  const auto client_id = FindParam(params, "client_id");
  std::optional<FakeClient> client;
  if (client_id) client = state.FindClient(*client_id);
  if (!client) return ErrorPage("INVALID_CLIENT: Invalid client");

  const auto redirect_uri = FindParam(params, "redirect_uri");
  if (!redirect_uri) return ErrorPage("INVALID_CLIENT: Invalid redirect URI");
  auto parsed = boost::urls::parse_uri(*redirect_uri);
  if (!parsed || parsed->has_fragment()) return ErrorPage("INVALID_CLIENT: Invalid redirect URI");
  if (parsed->scheme_id() == boost::urls::scheme::http && !http::IsLoopbackLiteral(*parsed)) {
    return ErrorPage("INVALID_CLIENT: Insecure redirect URI");
  }
  if (!IsRegistered(*client, *parsed)) return ErrorPage("INVALID_CLIENT: Invalid redirect URI");

  ValidAuthorize valid{*client, std::string(*redirect_uri), {}, std::nullopt, {}};
  if (auto state_param = FindParam(params, "state")) valid.state = std::string(*state_param);
  const auto fail = [&](std::string_view error, std::string_view description) {
    if (description.empty())
      return RedirectBack(valid.redirect_uri, {{"error", error}}, valid.state);
    return RedirectBack(valid.redirect_uri, {{"error", error}, {"error_description", description}},
                        valid.state);
  };

  if (FindParam(params, "response_type") != std::optional<std::string_view>("code")) {
    return fail("unsupported_response_type", "response_type must be code");
  }
  valid.scope = Scope::Parse(FindParam(params, "scope").value_or(""));
  for (const std::string& name : valid.scope.Names()) {
    if (!Scope::IsKnown(name)) return fail("invalid_scope", "");
  }
  const auto challenge = FindParam(params, "code_challenge");
  const auto method = FindParam(params, "code_challenge_method");
  if (challenge || method) {
    if (method != std::optional<std::string_view>("S256")) {
      return fail("invalid_request", "code_challenge_method must be S256");
    }
    if (!challenge || !IsChallengeShaped(*challenge)) {
      return fail("invalid_request", "code_challenge is malformed");
    }
    valid.code_challenge = std::string(*challenge);
  } else if (client->secret.empty()) {
    return fail("invalid_request", "code_challenge required");
  }
  return valid;
}

http::Response Approve(FakeSpotifyState& state, const ValidAuthorize& valid, std::string user_id) {
  const std::string code = state.IssueCode(CodeRequest{
      valid.client.id, valid.redirect_uri, std::move(user_id), valid.scope, valid.code_challenge});
  return RedirectBack(valid.redirect_uri, {{"code", code}}, valid.state);
}

}  // namespace

http::Response HandleAuthorize(FakeSpotifyState& state, const http::Request& request,
                               const FormParams& query) {
  const bool posted = request.method() == beast_http::verb::post;
  if (!posted && request.method() != beast_http::verb::get) {
    http::Response response =
        Page(beast_http::status::method_not_allowed, RenderErrorPage("Method not allowed"));
    response.set(beast_http::field::allow, "GET, POST");
    return response;
  }
  std::optional<FormParams> form;
  if (posted) {
    if (!HasFormContentType(request)) return ErrorPage("Bad request");
    form = ParseForm(request.body());
    if (!form) return ErrorPage("Bad request");
  }
  const FormParams& params = posted ? *form : query;
  auto checked = Validate(state, params);
  if (auto* response = std::get_if<http::Response>(&checked)) return std::move(*response);
  const auto& valid = std::get<ValidAuthorize>(checked);

  if (posted) {
    // The hidden fields came back from the browser, so they were validated again above.
    const auto decision = FindParam(params, "decision");
    if (decision == std::optional<std::string_view>("deny")) {
      return RedirectBack(valid.redirect_uri, {{"error", "access_denied"}}, valid.state);
    }
    if (decision != std::optional<std::string_view>("approve")) return ErrorPage("Bad request");
    const auto user = FindParam(params, "user");
    if (!user || !state.FindUser(*user)) return ErrorPage("Unknown user");
    return Approve(state, valid, std::string(*user));
  }

  if (state.Settings().auto_approve) {
    std::string user = state.AutoApproveUser();
    if (user.empty() || !state.FindUser(user)) {
      return Page(beast_http::status::internal_server_error,
                  RenderErrorPage("The stand-in has no user to approve as"));
    }
    return Approve(state, valid, std::move(user));
  }
  AuthorizePageModel model{valid.client.id,      valid.redirect_uri,
                           valid.scope,          valid.state,
                           valid.code_challenge, valid.code_challenge.empty() ? "" : "S256",
                           state.Users()};
  return Page(beast_http::status::ok, RenderAuthorizePage(model));
}

}  // namespace spotauth::fake_spotify::internal
