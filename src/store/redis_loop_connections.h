// One Redis connection per event loop that uses a store, so a command goes out and its reply
// comes back on the caller's own loop: no thread hop, no wake-up of another thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "store/redis_connection.h"

namespace spotauth::store {

// A connection lives as long as both its store and its loop (execution context): the loop
// holds it (an Asio service of the context), so a loop's end frees it; the store's end closes
// it on its loop. Each connection runs on a strand of its loop, so a loop that several threads
// run is safe too. Destroy the store while its loops run or after they are gone, not while one
// of them is being destroyed.
class RedisLoopConnections {
 public:
  RedisLoopConnections(RedisEndpoint endpoint, RedisTimeouts timeouts);
  ~RedisLoopConnections();
  RedisLoopConnections(const RedisLoopConnections&) = delete;
  RedisLoopConnections& operator=(const RedisLoopConnections&) = delete;

  // The connection of `executor`'s execution context, made on first use there. Call it on its
  // own executor (`executor()`), as RedisConnection requires.
  std::shared_ptr<RedisConnection> For(const boost::asio::any_io_executor& executor);

 private:
  class LoopService;  // an Asio service: a context's connections
  struct Entry {
    const boost::asio::execution_context* context;
    LoopService* service;                       // the context's, valid while `connection` is
    std::weak_ptr<RedisConnection> connection;  // held by the service
  };

  const RedisEndpoint endpoint_;
  const RedisTimeouts timeouts_;
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace spotauth::store
