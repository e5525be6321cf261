#include "store/redis_loop_connections.h"

#include <algorithm>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/strand.hpp>

namespace spotauth::store {

namespace asio = boost::asio;

// Holds a context's Redis connections (of every store used on it), so they go with it.
class RedisLoopConnections::LoopService final : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit LoopService(asio::execution_context& context) : service(context) {}

  void Hold(std::shared_ptr<RedisConnection> connection) {
    std::lock_guard lock(mutex_);
    held_.push_back(std::move(connection));
  }
  void Release(const std::shared_ptr<RedisConnection>& connection) {
    std::lock_guard lock(mutex_);
    std::erase(held_, connection);
  }

 private:
  // The context is going away and no thread runs it: close here, while its reactor still
  // knows the sockets. Pending commands fail; their callers' frames go with the context.
  void shutdown() override {
    std::vector<std::shared_ptr<RedisConnection>> closing;
    {
      std::lock_guard lock(mutex_);
      closing.swap(held_);
    }
    for (const auto& connection : closing) connection->Close();
  }

  std::mutex mutex_;
  std::vector<std::shared_ptr<RedisConnection>> held_;
};

asio::execution_context::id RedisLoopConnections::LoopService::id;

RedisLoopConnections::RedisLoopConnections(RedisEndpoint endpoint, RedisTimeouts timeouts)
    : endpoint_(std::move(endpoint)), timeouts_(timeouts) {}

RedisLoopConnections::~RedisLoopConnections() {
  std::lock_guard lock(mutex_);
  for (const Entry& entry : entries_) {
    // Alive means its context is too (the context holds it until it shuts down).
    auto connection = entry.connection.lock();
    if (!connection) continue;
    entry.service->Release(connection);
    asio::post(connection->executor(), [connection] { connection->Close(); });
  }
}

std::shared_ptr<RedisConnection> RedisLoopConnections::For(const asio::any_io_executor& executor) {
  asio::execution_context& context = asio::query(executor, asio::execution::context);
  std::lock_guard lock(mutex_);
  for (const Entry& entry : entries_) {
    if (entry.context != &context) continue;
    // Expired: a context that has gone, whose address a new one now has.
    if (auto connection = entry.connection.lock()) return connection;
  }
  std::erase_if(entries_, [](const Entry& entry) { return entry.connection.expired(); });
  auto connection = RedisConnection::Create(asio::make_strand(executor), endpoint_, timeouts_);
  auto& service = asio::use_service<LoopService>(context);
  service.Hold(connection);
  entries_.push_back({&context, &service, connection});
  return connection;
}

}  // namespace spotauth::store
