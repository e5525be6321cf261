// One connection to Redis, non-blocking: hiredis' async API driven by an Asio executor.
// Commands are pipelined; each has a deadline; a lost connection is re-made with backoff.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

struct redisAsyncContext;
struct redisReply;

namespace spotauth::store {

// Gets a command's answer, exactly once: hiredis' reply (an error reply is a reply; valid only
// during the call, so read it there), or kStore when there is none.
class RedisReplyHandler {
 public:
  virtual ~RedisReplyHandler() = default;
  virtual void operator()(Result<const redisReply*> reply) = 0;
};

template <class F>
std::unique_ptr<RedisReplyHandler> MakeRedisReplyHandler(F f) {
  struct Handler final : RedisReplyHandler {
    explicit Handler(F function) : f(std::move(function)) {}
    void operator()(Result<const redisReply*> reply) override { f(std::move(reply)); }
    F f;
  };
  return std::make_unique<Handler>(std::move(f));
}

struct RedisEndpoint {
  std::string host;  // TCP, when unix_path is empty
  std::uint16_t port = 6379;
  std::string unix_path;  // a Unix socket instead of TCP
  std::string username;   // Redis 6 ACL user; empty: the default user
  std::string password;   // empty: no AUTH
  int database = 0;
};

struct RedisTimeouts {
  std::chrono::milliseconds connect{1000};
  std::chrono::milliseconds command{1000};  // from sending to the reply
  std::chrono::milliseconds first_retry{100};
  std::chrono::milliseconds max_retry{5000};
};

// Thread-safety: none. Every call, and every callback, happens on the executor given at
// construction (a single-threaded loop, or a strand). Execute may be called while a connection is
// being made: the command waits in hiredis' buffer and goes out once connected.
class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
 public:
  static std::shared_ptr<RedisConnection> Create(boost::asio::any_io_executor executor,
                                                 RedisEndpoint endpoint, RedisTimeouts timeouts);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command (RESP, as RedisCommand writes it) and hands `done` the reply, on the
  // executor; kStore when Redis cannot be reached, the connection drops, or no reply comes
  // within the command deadline. While Redis is away and the next attempt to reconnect is not
  // due, `done` fails at once.
  void Execute(std::string_view command, std::unique_ptr<RedisReplyHandler> done);

  // Drops the connection; pending commands fail. Later commands connect again.
  void Close();

  // Where every call must be made (the executor given at construction).
  const boost::asio::any_io_executor& executor() const { return executor_; }

  // Handed to hiredis' hooks; one per hiredis context (public for the C callbacks only).
  struct Link;
  // Called by hiredis when a context goes away.
  void OnLinkGone(Link& link, bool was_connected);
  void OnConnected(Link& link);

 private:
  RedisConnection(boost::asio::any_io_executor executor, RedisEndpoint endpoint,
                  RedisTimeouts timeouts);
  // A context for the endpoint, with AUTH and SELECT queued first; false when it could not
  // even be started (the reason is logged).
  bool Connect();
  // Nothing reads an idle connection, so a close by Redis meanwhile shows only now: lets hiredis
  // read what is there, so a closed connection is replaced before the next command goes out.
  void NoticeIdleClose();

  boost::asio::any_io_executor executor_;
  const RedisEndpoint endpoint_;
  const RedisTimeouts timeouts_;
  std::shared_ptr<Link> link_;  // null while disconnected
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{0};
  bool warned_ = false;  // one warning per outage, not one per command
};

}  // namespace spotauth::store
