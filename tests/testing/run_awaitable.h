// Drives an awaitable to completion, so tests can call coroutine APIs as plain functions.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace spotauth::testing {

// Runs `io` until `task` finishes (other work on the loop, such as a test server, runs
// alongside) and returns its value. Throws if the task throws or has not finished within
// `limit`, so a hang fails the test instead of stalling the suite.
template <class T>
T RunAwaitable(boost::asio::io_context& io, boost::asio::awaitable<T> task,
               std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T result) {
    error = e;
    if (!e) value.emplace(std::move(result));
    done = true;
  });
  if (io.stopped()) io.restart();
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done && !io.stopped() && std::chrono::steady_clock::now() < until) {
    io.run_one_for(std::chrono::milliseconds(50));
  }
  if (error) std::rethrow_exception(error);
  if (!done) throw std::runtime_error("the awaitable did not finish in time");
  return std::move(*value);
}

// The same on a private loop, for awaitables that need nothing else to run.
template <class T>
T RunAwaitable(boost::asio::awaitable<T> task,
               std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  boost::asio::io_context io;
  return RunAwaitable(io, std::move(task), limit);
}

}  // namespace spotauth::testing
