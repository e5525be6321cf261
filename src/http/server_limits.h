// Resource limits that keep one misbehaving client from exhausting the server.
#pragma once

#include <chrono>
#include <cstddef>

namespace spotauth::http {

// Every limit answers a specific abuse: oversized heads or bodies (memory), slow heads
// (slowloris: connection slots), idle keep-alive (file descriptors). A client that trips a size
// limit gets a short 4xx and the connection is closed; a client that trips a timeout is
// disconnected without an answer.
struct ServerLimits {
  std::size_t max_request_line = 8 * 1024;   // request line longer than this → 414
  std::size_t max_header_bytes = 16 * 1024;  // header block (after the request line) → 431
  std::size_t max_header_count = 100;        // more fields than this → 431
  std::size_t max_body_bytes = 64 * 1024;    // declared or received body → 413
  // From the first byte of a request (or from accept, for the first request) until its head is
  // complete; stops slowloris clients that trickle a head.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{10'000};   // for the whole body once the head is read
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10'000};  // for writing one whole response
  // After an error response the server keeps reading (and discarding) for up to this long
  // before closing, so the unread rest of the request does not turn the close into a TCP reset
  // that would destroy the error response before the client reads it.
  std::chrono::milliseconds lingering_close{1'000};
  // Per listener, across its threads; past it new connections are closed at once.
  std::size_t max_connections = 10'000;
  std::size_t max_requests_per_connection = 0;  // 0 = unlimited
};

}  // namespace spotauth::http
