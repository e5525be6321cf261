// Shared pieces of the micro-benchmarks: fixed keys and a way to run an awaitable to its end.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/token.h"

namespace spotauth::bench {

inline std::string Key32(char fill) { return std::string(32, fill); }

// A token shaped like Spotify's (lengths as seen on the wire).
inline Token SampleToken(TimePoint now) {
  Token token;
  token.access_token = std::string(236, 'a');
  token.refresh_token = std::string(131, 'r');
  token.scope = Scope{"user-read-currently-playing"};
  token.expires_at = now + std::chrono::seconds(3600);
  return token;
}

// Runs `task` on `io` until it finishes and returns its value. The loop is reused across
// iterations, as an event loop is in the server; BM_RunAwaitableOverhead measures what this
// costs by itself so that store timings can be read net of it.
template <class T>
T RunOnLoop(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  std::optional<T> value;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T result) {
    error = e;
    if (!e) value.emplace(std::move(result));
  });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
  if (!value) throw std::runtime_error("the awaitable did not finish");
  return std::move(*value);
}

}  // namespace spotauth::bench
