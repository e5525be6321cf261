#include "fake_spotify/handler.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <exception>
#include <string>

#include "fake_spotify/routes.h"
#include "http/loopback.h"

namespace spotauth::fake_spotify {
namespace {

using namespace internal;

constexpr std::string_view kControlPrefix = "/__control/";

// Valid JSON cut short, as a proxy that drops the end of a response would leave it.
constexpr std::string_view kTruncatedJson = R"({"access_token":"BQDtruncated","token_type":"Bea)";

std::string_view StatusMessage(unsigned status) {
  switch (status) {
    case 500:
      return "Server error.";
    case 502:
      return "Bad gateway.";
    case 503:
      return "Service unavailable";
    default:
      return beast_http::obsolete_reason(static_cast<beast_http::status>(status));
  }
}

constexpr std::string_view kTokenPath = "/api/token";

// The accounts service's name for a failure of this status.
std::string_view AccountsErrorCode(unsigned status) {
  if (status == 401) return "invalid_client";
  if (status == 503) return "temporarily_unavailable";
  if (status >= 500) return "server_error";
  return "invalid_request";
}

http::Response FaultStatus(const FakeFault& fault, std::string_view path) {
  if (fault.status == 429) {
    // Spotify's rate limiter answers with Retry-After and, often, no body at all.
    http::Response response{beast_http::status::too_many_requests, 11};
    response.set(beast_http::field::retry_after, std::to_string(fault.retry_after.count()));
    return response;
  }
  // The token endpoint belongs to the accounts service, which has its own error shape.
  if (path == kTokenPath) {
    return AccountsError(fault.status, AccountsErrorCode(fault.status), StatusMessage(fault.status));
  }
  return ApiError(fault.status, StatusMessage(fault.status));
}

http::Response Route(FakeSpotifyState& state, const http::Request& request, std::string_view path,
                     const FormParams& query) {
  if (path == "/authorize") return HandleAuthorize(state, request, query);
  if (path == kTokenPath) return HandleToken(state, request);
  if (path == "/v1" || path.starts_with("/v1/")) return HandleWebApi(state, request, path, query);
  return MakeResponse(beast_http::status::not_found, "text/plain; charset=utf-8", "Not found\n");
}


// The control interface steers the stand-in (users, faults, clients). While `make demo` runs, a
// web page the person visits could post to it (DNS rebinding, or a plain cross-site form), so it
// answers only requests addressed to a loopback literal and sent from no other origin.
bool IsFromLoopback(const http::Request& request) {
  const std::string host(request[beast_http::field::host]);
  auto as_url = boost::urls::parse_uri("http://" + host + "/");
  if (!as_url || !http::IsLoopbackLiteral(*as_url)) return false;
  const auto origin = request.find(beast_http::field::origin);
  if (origin == request.end()) return true;
  auto origin_url = boost::urls::parse_uri(origin->value());
  return origin_url && http::IsLoopbackLiteral(*origin_url);
}

}  // namespace

boost::asio::awaitable<http::Response> FakeSpotifyHandler::Handle(http::Request request) {
  http::Response response;
  try {
    auto target = boost::urls::parse_origin_form(request.target());
    std::optional<FormParams> query;
    if (target) query = ParseForm(target->encoded_query());
    if (!target || !query) {
      response = MakeResponse(beast_http::status::bad_request, "text/plain; charset=utf-8",
                              "Bad request target\n");
    } else if (const std::string path = target->path();
               options_.control_enabled && path.starts_with(kControlPrefix)) {
      response = IsFromLoopback(request)
                     ? HandleControl(state_, request, path)
                     : MakeResponse(beast_http::status::forbidden, "text/plain; charset=utf-8",
                                    "The control interface answers loopback requests only\n");
    } else {
      state_.CountRequest(path);
      std::optional<FakeFault> fault = state_.TakeFault(path);
      if (fault && fault->kind == FakeFaultKind::kDelay) {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, fault->delay);
        // as_tuple: a cancelled wait (the loop shutting down) must not throw out of Handle.
        co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        fault.reset();
      }
      if (!fault) {
        response = Route(state_, request, path, *query);
      } else if (fault->kind == FakeFaultKind::kReset) {
        co_return http::ResetConnectionResponse();
      } else if (fault->kind == FakeFaultKind::kMalformed) {
        response = MakeResponse(beast_http::status::ok, "application/json; charset=utf-8",
                                std::string(kTruncatedJson));
      } else {
        response = FaultStatus(*fault, path);
      }
    }
  } catch (const std::exception&) {
    // Only allocation failures can get here; answer rather than let the session die.
    response = MakeResponse(beast_http::status::internal_server_error, "text/plain; charset=utf-8",
                            "Internal error\n");
  }
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  co_return response;
}

}  // namespace spotauth::fake_spotify
