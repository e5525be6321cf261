#include "cli/token_callback.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>
#include <utility>

#include "core/crypto.h"
#include "http/form.h"

namespace spotauth::cli {
namespace {

http::Response Page(const http::Request& request, beast_http::status status,
                    std::string_view text) {
  http::Response response{status, request.version()};
  response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  // The page follows a sign-in: nothing about it should be kept or framed.
  response.set(beast_http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  response.set("Referrer-Policy", "no-referrer");
  response.body() = std::string(text) + "\n";
  response.prepare_payload();
  return response;
}

// Spotify's error codes are short snake_case words; anything else is shown as "unknown", so the
// redirect cannot write control characters to the terminal.
std::string SafeErrorName(std::string_view error) {
  if (error.empty() || error.size() > 64) return "unknown";
  for (const char c : error) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '.')) {
      return "unknown";
    }
  }
  return std::string(error);
}

}  // namespace

TokenCallbackHandler::TokenCallbackHandler(std::unique_ptr<http::HttpClient> http,
                                           const Clock& clock, spotify::Credentials credentials,
                                           std::string accounts_url, CallbackExpectation expect,
                                           CallbackDone done)
    : http_(std::move(http)),
      accounts_(*http_, clock, std::move(credentials), std::move(accounts_url)),
      expect_(std::move(expect)),
      done_(std::move(done)) {}

boost::asio::awaitable<http::Response> TokenCallbackHandler::Handle(http::Request request) {
  using beast_http::status;
  const auto target = boost::urls::parse_origin_form(
      std::string_view(request.target().data(), request.target().size()));
  if (!target || target->encoded_path() != expect_.path) {
    co_return Page(request, status::not_found, "Not found.");
  }
  if (request.method() != beast_http::verb::get) {
    co_return Page(request, status::method_not_allowed, "Method not allowed.");
  }
  if (answered_) {
    co_return Page(request, status::gone,
                   "This sign-in is already finished. You can close this tab.");
  }
  const auto query = http::ParseForm(target->encoded_query());
  const auto state = query ? http::FindParam(*query, "state") : std::nullopt;
  // Any local process can reach this port; only the redirect that carries our state (RFC 6749
  // section 10.12) may end the wait, or a stray request could plant someone else's code.
  if (!state || !ConstantTimeEqual(*state, expect_.state)) {
    spdlog::warn(
        "refused a request to the callback whose state is not this sign-in's; "
        "still waiting");
    co_return Page(request, status::bad_request,
                   "This sign-in link does not belong to the waiting spotauth token command. "
                   "Start again from the terminal.");
  }
  answered_ = true;
  if (const auto error = http::FindParam(*query, "error")) {
    done_(MakeError(ErrorCode::kForbidden,
                    "the sign-in was not completed: Spotify reported " + SafeErrorName(*error)));
    co_return Page(request, status::bad_request,
                   "The sign-in was not completed. The terminal says why; you can close this tab.");
  }
  const auto code = http::FindParam(*query, "code");
  if (!code || code->empty()) {
    done_(MakeError(ErrorCode::kUpstreamProtocol,
                    "the redirect from Spotify carried neither a code nor an error"));
    co_return Page(request, status::bad_request,
                   "The sign-in was not completed. The terminal says why; you can close this tab.");
  }
  auto token = co_await accounts_.ExchangeCode(*code, expect_.code_verifier);
  const bool signed_in = token.has_value();
  done_(std::move(token));
  if (!signed_in) {
    co_return Page(request, status::bad_gateway,
                   "Spotify did not complete the sign-in. The terminal says why; you can close "
                   "this tab.");
  }
  co_return Page(request, status::ok,
                 "Signed in to Spotify. You can close this tab and go back to the terminal.");
}

}  // namespace spotauth::cli
