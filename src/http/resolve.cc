#include "http/resolve.h"

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

namespace spotauth::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Signature = void(boost::system::error_code, tcp::resolver::results_type);

// Whichever of the lookup and the timer finishes first completes the caller's handler; the
// strand keeps the two from racing when the loop runs on several threads.
template <class Handler>
struct Race {
  Race(const asio::strand<asio::any_io_executor>& s, Handler h)
      : strand(s), resolver(s), timer(s), handler(std::move(h)) {}

  void Finish(boost::system::error_code ec, tcp::resolver::results_type results) {
    if (!handler) return;
    Handler h = std::move(*handler);
    handler.reset();
    asio::dispatch(asio::append(std::move(h), ec, std::move(results)));
  }

  asio::strand<asio::any_io_executor> strand;
  tcp::resolver resolver;
  asio::steady_timer timer;
  std::optional<Handler> handler;
};

}  // namespace

asio::awaitable<Result<std::vector<tcp::endpoint>>> ResolveBefore(
    asio::any_io_executor executor, std::string host, std::uint16_t port,
    std::chrono::steady_clock::time_point deadline) {
  auto initiate = [&](auto handler) {
    using H = decltype(handler);
    auto race = std::make_shared<Race<H>>(asio::make_strand(executor), std::move(handler));
    race->timer.expires_at(deadline);
    race->timer.async_wait(asio::bind_executor(race->strand, [race](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the lookup finished first
      race->resolver.cancel();
      race->Finish(asio::error::timed_out, {});
    }));
    race->resolver.async_resolve(
        host, std::to_string(port), tcp::resolver::numeric_service,
        asio::bind_executor(race->strand, [race](boost::system::error_code ec,
                                                 tcp::resolver::results_type results) {
          race->timer.cancel();
          race->Finish(ec, std::move(results));
        }));
  };
  auto token = asio::as_tuple(asio::use_awaitable);
  auto [ec, results] =
      co_await asio::async_initiate<decltype(token), Signature>(std::move(initiate), token);
  if (ec == asio::error::timed_out) {
    co_return MakeError(ErrorCode::kTimeout, "resolving " + host + " timed out");
  }
  if (ec) {
    co_return MakeError(ErrorCode::kUnavailable, "resolving " + host + " failed: " + ec.message());
  }
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  if (endpoints.empty()) {
    co_return MakeError(ErrorCode::kUnavailable, "resolving " + host + " gave no address");
  }
  co_return endpoints;
}

}  // namespace spotauth::http
