#include "store/redis_connection.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace spotauth::store {

namespace asio = boost::asio;

RedisReply RedisReply::From(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      out.type = Type::kInteger;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = reply.type == REDIS_REPLY_STRING   ? Type::kString
                 : reply.type == REDIS_REPLY_STATUS ? Type::kStatus
                                                    : Type::kError;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Type::kArray;
      out.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        out.elements.push_back(From(*reply.element[i]));
      }
      break;
    default:
      out.type = Type::kNil;
  }
  return out;
}

// hiredis owns the socket; Asio only waits for it to be readable or writable and tells
// hiredis. Async handlers hold the Link, hiredis' hooks get its address.
struct RedisConnection::Link : std::enable_shared_from_this<Link> {
  explicit Link(const asio::any_io_executor& executor)
      : socket(executor), connect_deadline(executor) {}
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
  std::size_t pending = 0;  // commands sent and not answered yet
  Interest read;
  Interest write;
};

namespace {

using Link = RedisConnection::Link;

Link& LinkOf(void* data) { return *static_cast<Link*>(data); }
Link& LinkOf(const redisAsyncContext* context) { return LinkOf(context->ev.data); }

// A pending wait keeps its loop running, so an idle connection waits for nothing: reads only
// while a reply is due (io_context::run() returns once the callers have their answers).
bool Due(const Link& link, Link::Interest Link::*interest) {
  return interest != &Link::read || link.pending > 0;
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

struct Pending {
  explicit Pending(const asio::any_io_executor& executor, RedisConnection::Callback callback)
      : done(std::move(callback)), deadline(executor) {}
  RedisConnection::Callback done;
  asio::steady_timer deadline;
  std::weak_ptr<Link> link;
  bool finished = false;
};

void OnReply(redisAsyncContext* context, void* reply, void* data) {
  const std::unique_ptr<std::shared_ptr<Pending>> holder(
      static_cast<std::shared_ptr<Pending>*>(data));
  --LinkOf(context).pending;
  Pending& pending = **holder;
  if (pending.finished) return;  // its deadline already answered
  pending.finished = true;
  pending.deadline.cancel();
  if (reply == nullptr) {
    pending.done(MakeError(ErrorCode::kStore, "the connection to Redis was lost"));
  } else {
    pending.done(RedisReply::From(*static_cast<const redisReply*>(reply)));
  }
}

// Queues `args` on the context; false when hiredis refuses (the context is going away).
bool Send(redisAsyncContext* context, const std::vector<std::string>& args,
          std::shared_ptr<Pending> pending) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* holder = new std::shared_ptr<Pending>(std::move(pending));
  if (redisAsyncCommandArgv(context, OnReply, holder, static_cast<int>(args.size()), argv.data(),
                            lengths.data()) != REDIS_OK) {
    delete holder;
    return false;
  }
  Link& link = LinkOf(context);
  ++link.pending;
  ArmRead(link.shared_from_this());
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

void RedisConnection::Fail(const Callback& done, std::string what) {
  done(MakeError(ErrorCode::kStore, std::move(what)));
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
  auto link = std::make_shared<Link>(executor_);
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
  auto check = [](std::string what) {
    return [what = std::move(what)](Result<RedisReply> reply) {
      if (reply && reply->type == RedisReply::Type::kError) {
        spdlog::error("redis: {} refused: {}", what, reply->text);
      }
    };
  };
  if (!endpoint_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!endpoint_.username.empty()) auth.push_back(endpoint_.username);
    auth.push_back(endpoint_.password);
    Send(context, auth, std::make_shared<Pending>(executor_, check("AUTH")));
  }
  if (endpoint_.database != 0) {
    Send(context, {"SELECT", std::to_string(endpoint_.database)},
         std::make_shared<Pending>(executor_, check("SELECT")));
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
  if (!link || !link->connected || link->pending > 0 || !link->context) return;
  pollfd watch{link->context->c.fd, POLLIN, 0};
  if (::poll(&watch, 1, 0) > 0) redisAsyncHandleRead(link->context);  // EOF: link_ is gone
}

void RedisConnection::Execute(const std::vector<std::string>& args, Callback done) {
  NoticeIdleClose();
  if (!link_) {
    if (std::chrono::steady_clock::now() < retry_at_) {
      Fail(done, "Redis is unavailable (reconnecting)");
      return;
    }
    if (!Connect()) {
      Fail(done, "cannot connect to Redis");
      return;
    }
  }
  auto pending = std::make_shared<Pending>(executor_, std::move(done));
  pending->link = link_;
  pending->deadline.expires_after(timeouts_.command);
  pending->deadline.async_wait([pending](boost::system::error_code ec) {
    if (ec || pending->finished) return;
    pending->finished = true;
    pending->done(MakeError(ErrorCode::kStore, "Redis did not answer in time"));
    // The replies on this connection are now out of step with what callers wait for, and
    // Redis may be stuck: drop it; the next command connects again.
    if (auto link = pending->link.lock(); link && link->context) redisAsyncFree(link->context);
  });
  if (!Send(link_->context, args, pending)) {
    pending->finished = true;
    pending->deadline.cancel();
    Fail(pending->done, "the connection to Redis is closing");
  }
}

}  // namespace spotauth::store
