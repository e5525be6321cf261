// Name resolution bounded by a deadline.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace spotauth::http {

// Resolves host (a name) to TCP endpoints on port, giving up at deadline.
// Asio runs getaddrinfo on a private thread and cannot interrupt it, so on expiry this stops
// waiting and lets the lookup finish in the background; the caller's loop is never blocked.
// Errors: kTimeout at the deadline, kUnavailable when the name does not resolve.
[[nodiscard]] boost::asio::awaitable<Result<std::vector<boost::asio::ip::tcp::endpoint>>>
ResolveBefore(boost::asio::any_io_executor executor, std::string host, std::uint16_t port,
              std::chrono::steady_clock::time_point deadline);

}  // namespace spotauth::http
