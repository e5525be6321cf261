#include "store/redis_connection.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstdint>
#include <deque>

#include "store/redis_command.h"

namespace spotauth::store {

namespace asio = boost::asio;

// hiredis owns the socket; Asio only waits for it to be readable or writable and tells
// hiredis. Async handlers hold the Link, hiredis' hooks get its address.
struct RedisConnection::Link : std::enable_shared_from_this<Link> {
  Link(const asio::any_io_executor& executor, std::chrono::milliseconds timeout)
      : socket(executor),
        connect_deadline(executor),
        command_deadline(executor),
        command_timeout(timeout) {}
  ~Link() {
    if (socket.is_open()) (void)socket.release();  // hiredis closes the descriptor
  }

  std::weak_ptr<RedisConnection> owner;
  redisAsyncContext* context = nullptr;  // null once hiredis has freed it
  asio::posix::stream_descriptor socket;
  asio::steady_timer connect_deadline;
  struct Interest {
    bool wanted = false;  // hiredis wants to hear of it
    bool armed = false;   // an async_wait for it is pending
  };
  bool connected = false;
  Interest read;
  Interest write;
  // When each command sent and not answered yet is due, oldest first: replies come in order, so
  // one timer, set for the oldest, watches them all.
  std::deque<std::chrono::steady_clock::time_point> due;
  asio::steady_timer command_deadline;
  const std::chrono::milliseconds command_timeout;
  bool deadline_armed = false;
  bool timed_out = false;  // dropped because Redis did not answer in time
};

namespace {

using Link = RedisConnection::Link;

Link& LinkOf(void* data) { return *static_cast<Link*>(data); }
Link& LinkOf(const redisAsyncContext* context) { return LinkOf(context->ev.data); }

// A pending wait keeps its loop running, so an idle connection waits for nothing: reads only
// while a reply is due (io_context::run() returns once the callers have their answers).
bool Due(const Link& link, Link::Interest Link::*interest) {
  return interest != &Link::read || !link.due.empty();
}

// Waits for the socket to become ready in one direction, then lets hiredis read or write, for
// as long as hiredis wants that direction and it is due.
void Arm(const std::shared_ptr<Link>& link, Link::Interest Link::*interest,
         asio::posix::descriptor_base::wait_type wait, void (*handle)(redisAsyncContext*)) {
  Link::Interest& state = (*link).*interest;
  if (state.armed || !state.wanted || !link->context || !Due(*link, interest)) return;
  state.armed = true;
  link->socket.async_wait(wait, [link, interest, wait, handle](boost::system::error_code ec) {
    Link::Interest& now = (*link).*interest;
    if (ec || !link->context || !now.wanted) {
      now.armed = false;
      return;
    }
    // Still marked armed while hiredis works: it asks for reads again before it hands out
    // the replies, and only after them is it known whether another one is due.
    handle(link->context);
    now.armed = false;
    Arm(link, interest, wait, handle);
  });
}

void ArmRead(const std::shared_ptr<Link>& link) {
  Arm(link, &Link::read, asio::posix::descriptor_base::wait_read, redisAsyncHandleRead);
}
void ArmWrite(const std::shared_ptr<Link>& link) {
  Arm(link, &Link::write, asio::posix::descriptor_base::wait_write, redisAsyncHandleWrite);
}

void AddRead(void* data) {
  Link& link = LinkOf(data);
  link.read.wanted = true;
  ArmRead(link.shared_from_this());
}
void DelRead(void* data) { LinkOf(data).read.wanted = false; }
void AddWrite(void* data) {
  Link& link = LinkOf(data);
  link.write.wanted = true;
  ArmWrite(link.shared_from_this());
}
void DelWrite(void* data) { LinkOf(data).write.wanted = false; }

// hiredis is done with the context (after an error, a disconnect or redisAsyncFree): every
// pending command has had its callback by now.
void Cleanup(void* data) {
  const std::shared_ptr<Link> link = LinkOf(data).shared_from_this();
  link->context = nullptr;
  if (link->socket.is_open()) (void)link->socket.release();  // also cancels the waits
  link->connect_deadline.cancel();
  link->deadline_armed = false;
  link->command_deadline.cancel();
  if (auto owner = link->owner.lock()) owner->OnLinkGone(*link, link->connected);
}

void OnConnect(const redisAsyncContext* context, int status) {
  Link& link = LinkOf(context);
  if (status != REDIS_OK) {
    spdlog::debug("redis: connect failed: {}", context->errstr);
    return;  // hiredis frees the context next; Cleanup reports it
  }
  link.connected = true;
  link.connect_deadline.cancel();
  if (auto owner = link.owner.lock()) owner->OnConnected(link);
}

void OnDisconnect(const redisAsyncContext* context, int status) {
  if (status != REDIS_OK) spdlog::debug("redis: disconnected: {}", context->errstr);
}

// Waits for the oldest unanswered command's deadline; past it, Redis is taken as stuck and the
// connection dropped (every pending command fails, the next one connects again). The timer is
// left running when a reply comes (a newer command is due later), but not once none is
// pending, so an idle connection keeps its loop running no more than it reads.
void ArmDeadline(const std::shared_ptr<Link>& link) {
  if (link->deadline_armed || link->due.empty() || !link->context) return;
  link->deadline_armed = true;
  link->command_deadline.expires_at(link->due.front());
  link->command_deadline.async_wait([link](boost::system::error_code ec) {
    if (ec) return;  // cancelled: whoever cancelled cleared `deadline_armed`
    link->deadline_armed = false;
    if (!link->context) return;
    if (!link->due.empty() && link->due.front() <= std::chrono::steady_clock::now()) {
      link->timed_out = true;
      redisAsyncFree(link->context);
      return;
    }
    ArmDeadline(link);
  });
}

void OnReply(redisAsyncContext* context, void* reply, void* data) {
  const std::unique_ptr<RedisReplyHandler> done(static_cast<RedisReplyHandler*>(data));
  Link& link = LinkOf(context);
  if (!link.due.empty()) link.due.pop_front();
  if (link.due.empty() && link.deadline_armed) {
    link.deadline_armed = false;
    link.command_deadline.cancel();
  }
  if (reply != nullptr) {
    (*done)(static_cast<const redisReply*>(reply));
  } else if (link.timed_out) {
    (*done)(MakeError(ErrorCode::kStore, "Redis did not answer in time"));
  } else {
    (*done)(MakeError(ErrorCode::kStore, "the connection to Redis was lost"));
  }
}

// Queues a command on the context; false (and `done` untouched) when hiredis refuses (the
// context is going away).
bool Send(redisAsyncContext* context, std::string_view command,
          std::unique_ptr<RedisReplyHandler>& done) {
  if (redisAsyncFormattedCommand(context, OnReply, done.get(), command.data(), command.size()) !=
      REDIS_OK) {
    return false;
  }
  (void)done.release();  // hiredis hands it back to OnReply
  const std::shared_ptr<Link> link = LinkOf(context).shared_from_this();
  link->due.push_back(std::chrono::steady_clock::now() + link->command_timeout);
  ArmDeadline(link);
  ArmRead(link);
  return true;
}

}  // namespace

std::shared_ptr<RedisConnection> RedisConnection::Create(asio::any_io_executor executor,
                                                         RedisEndpoint endpoint,
                                                         RedisTimeouts timeouts) {
  return std::shared_ptr<RedisConnection>(
      new RedisConnection(std::move(executor), std::move(endpoint), timeouts));
}

RedisConnection::RedisConnection(asio::any_io_executor executor, RedisEndpoint endpoint,
                                 RedisTimeouts timeouts)
    : executor_(std::move(executor)), endpoint_(std::move(endpoint)), timeouts_(timeouts) {}

RedisConnection::~RedisConnection() { Close(); }

void RedisConnection::Close() {
  const std::shared_ptr<Link> link = std::move(link_);
  if (!link || !link->context) return;
  link->owner.reset();  // a deliberate close is not an outage
  redisAsyncFree(link->context);
}

bool RedisConnection::Connect() {
  redisAsyncContext* context = endpoint_.unix_path.empty()
                                   ? redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port)
                                   : redisAsyncConnectUnix(endpoint_.unix_path.c_str());
  if (context == nullptr || context->err) {
    if (!warned_) {
      spdlog::warn("redis: cannot connect: {}", context ? context->errstr : "out of memory");
      warned_ = true;
    }
    if (context) redisAsyncFree(context);
    return false;
  }
  auto link = std::make_shared<Link>(executor_, timeouts_.command);
  link->owner = weak_from_this();
  link->context = context;
  boost::system::error_code ec;
  (void)link->socket.assign(context->c.fd, ec);
  if (ec) {
    spdlog::warn("redis: cannot watch the connection: {}", ec.message());
    redisAsyncFree(context);
    return false;
  }
  context->ev.data = link.get();
  context->ev.addRead = AddRead;
  context->ev.delRead = DelRead;
  context->ev.addWrite = AddWrite;
  context->ev.delWrite = DelWrite;
  context->ev.cleanup = Cleanup;
  redisAsyncSetConnectCallback(context, OnConnect);
  redisAsyncSetDisconnectCallback(context, OnDisconnect);
  link_ = link;

  link->connect_deadline.expires_after(timeouts_.connect);
  link->connect_deadline.async_wait(
      [weak = std::weak_ptr<Link>(link)](boost::system::error_code e) {
        auto connecting = weak.lock();
        if (e || !connecting || !connecting->context || connecting->connected) return;
        spdlog::debug("redis: connect timed out");
        redisAsyncFree(connecting->context);
      });

  // Sent first on every connection, so every command after them runs authenticated and on
  // the right database. A refusal shows in the log and in the commands' own error replies.
  auto check = [](const char* what) {
    return MakeRedisReplyHandler([what](Result<const redisReply*> reply) {
      if (reply && (*reply)->type == REDIS_REPLY_ERROR) {
        spdlog::error("redis: {} refused: {}", what,
                      std::string_view((*reply)->str, (*reply)->len));
      }
    });
  };
  if (!endpoint_.password.empty()) {
    RedisCommand auth;
    auth.Arg("AUTH");
    if (!endpoint_.username.empty()) auth.Arg(endpoint_.username);
    auth.Arg(endpoint_.password);
    auto done = check("AUTH");
    Send(context, std::move(auth).Take(), done);
  }
  if (endpoint_.database != 0) {
    RedisCommand select;
    select.Arg("SELECT").Arg(std::int64_t{endpoint_.database});
    auto done = check("SELECT");
    Send(context, std::move(select).Take(), done);
  }
  return true;
}

void RedisConnection::OnConnected(Link& /*link*/) {
  if (warned_) spdlog::info("redis: connected again");
  warned_ = false;
  backoff_ = std::chrono::milliseconds{0};
}

void RedisConnection::OnLinkGone(Link& link, bool was_connected) {
  if (link_.get() == &link) link_.reset();
  if (was_connected) {
    // Lost a working connection: try again at once, then back off if that fails too.
    backoff_ = std::chrono::milliseconds{0};
    retry_at_ = {};
    spdlog::warn("redis: connection lost");
    warned_ = true;
    return;
  }
  backoff_ =
      backoff_.count() == 0 ? timeouts_.first_retry : std::min(backoff_ * 2, timeouts_.max_retry);
  retry_at_ = std::chrono::steady_clock::now() + backoff_;
  if (!warned_) spdlog::warn("redis: cannot connect; retrying with backoff");
  warned_ = true;
}

void RedisConnection::NoticeIdleClose() {
  const std::shared_ptr<Link> link = link_;
  if (!link || !link->connected || !link->due.empty() || !link->context) return;
  pollfd watch{link->context->c.fd, POLLIN, 0};
  if (::poll(&watch, 1, 0) > 0) redisAsyncHandleRead(link->context);  // EOF: link_ is gone
}

void RedisConnection::Execute(std::string_view command, std::unique_ptr<RedisReplyHandler> done) {
  NoticeIdleClose();
  if (!link_) {
    if (std::chrono::steady_clock::now() < retry_at_) {
      (*done)(MakeError(ErrorCode::kStore, "Redis is unavailable (reconnecting)"));
      return;
    }
    if (!Connect()) {
      (*done)(MakeError(ErrorCode::kStore, "cannot connect to Redis"));
      return;
    }
  }
  if (!Send(link_->context, command, done)) {
    (*done)(MakeError(ErrorCode::kStore, "the connection to Redis is closing"));
  }
}

}  // namespace spotauth::store
