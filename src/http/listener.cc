#include "http/listener.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/core/demangle.hpp>
#include <exception>
#include <iterator>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <typeinfo>
#include <utility>
#include <vector>

#include "http/http_session.h"

namespace spotauth::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// How long aborted sessions get to unwind before their loop is stopped regardless.
constexpr auto kAbortUnwind = std::chrono::milliseconds(500);
// Pause after an accept error such as EMFILE, so a full descriptor table does not become a
// busy loop.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

// One thread's share of the listener. Member order is destruction order in reverse: sessions
// (and their sockets) go before the handler they borrow, and everything before the loop.
struct Worker {
  asio::io_context ioc{1};  // one thread per loop: lets Asio skip some locking
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  ServerAcceptor acceptor{ioc};
  std::unique_ptr<http::RequestHandler> handler;
  std::list<HttpSession> sessions;
  asio::steady_timer drained{ioc};  // cancelled when the last session ends during a stop
  bool stopping = false;
  std::thread thread;
};

Result<void> BindAcceptor(ServerAcceptor& acceptor, const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  const auto fail = [&](const char* what) {
    return MakeError(ErrorCode::kUnavailable,
                     std::string(what) + " " + endpoint.address().to_string() + ":" +
                         std::to_string(endpoint.port()) + ": " + ec.message());
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) return fail("setsockopt");
  if (acceptor.set_option(ReusePort(true), ec); ec) return fail("setsockopt");
  if (acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen");
  return {};
}

// Our acceptors share their port through SO_REUSEPORT, which would let a second process of the
// same user join it silently and take part of the connections. A plain bind (no SO_REUSEPORT)
// fails while anyone holds the port, so trying one first refuses to share with another process.
Result<void> CheckPortIsFree(asio::io_context& io, const tcp::endpoint& endpoint) {
  tcp::acceptor probe(io);
  boost::system::error_code ec;
  if (probe.open(endpoint.protocol(), ec); ec) return {};    // BindAcceptor will say why
  probe.set_option(tcp::acceptor::reuse_address(true), ec);  // TIME_WAIT leftovers are fine
  if (probe.bind(endpoint, ec); ec == asio::error::address_in_use) {
    return MakeError(ErrorCode::kUnavailable,
                     endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) +
                         " is already in use (another spotauth, or another server?)");
  }
  return {};
}

}  // namespace

struct Listener::State {
  ListenerOptions options;
  HandlerFactory factory;
  std::mutex mutex;  // serialises Start and Stop
  bool started = false;
  bool stopped = false;
  std::atomic<std::uint16_t> port{0};
  std::atomic<std::size_t> active{0};
  std::vector<std::unique_ptr<Worker>> workers;
  // Made at Start, from the default logger as it is then (format, sinks, level).
  std::unique_ptr<AccessLog> access_log;

  asio::awaitable<void> Accept(Worker& worker);
  asio::awaitable<void> Drain(Worker& worker, SteadyClock::time_point deadline);
  void SessionEnded(Worker& worker, std::list<HttpSession>::iterator session);
};

asio::awaitable<void> Listener::State::Accept(Worker& worker) {
  asio::steady_timer backoff(worker.ioc);
  for (;;) {
    auto [ec, socket] = co_await worker.acceptor.async_accept(kNoThrow);
    if (worker.stopping || !worker.acceptor.is_open()) co_return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    boost::system::error_code ignored;
    if (active.fetch_add(1) >= options.limits.max_connections) {
      active.fetch_sub(1);
      socket.close(ignored);
      continue;
    }
    if (options.metrics) options.metrics->ConnectionsOpened();
    // Without it, small responses wait for the delayed ACK (~40 ms each; docs/design-notes.md).
    socket.set_option(tcp::no_delay(true), ignored);
    HttpSession& session =
        worker.sessions.emplace_back(std::move(socket), *worker.handler, options.limits,
                                     access_log.get(), &options.trusted_proxies, options.metrics);
    auto it = std::prev(worker.sessions.end());
    asio::co_spawn(worker.ioc, session.Run(),
                   asio::bind_cancellation_slot(
                       session.CancellationSlot(), [this, &worker, it](const std::exception_ptr&) {
                         // Erasing here would destroy the cancellation signal while co_spawn
                         // still unwinds through it; a posted erase runs after that.
                         asio::post(worker.ioc, [this, &worker, it] { SessionEnded(worker, it); });
                       }));
  }
}

void Listener::State::SessionEnded(Worker& worker, std::list<HttpSession>::iterator session) {
  worker.sessions.erase(session);
  active.fetch_sub(1);
  if (options.metrics) options.metrics->ConnectionsClosed();
  if (worker.stopping && worker.sessions.empty()) worker.drained.cancel();
}

asio::awaitable<void> Listener::State::Drain(Worker& worker, SteadyClock::time_point deadline) {
  try {
    worker.stopping = true;
    boost::system::error_code ignored;
    worker.acceptor.close(ignored);
    for (HttpSession& session : worker.sessions) session.BeginShutdown();
    const auto wait_until = [&worker](SteadyClock::time_point until) -> asio::awaitable<void> {
      while (!worker.sessions.empty() && SteadyClock::now() < until) {
        worker.drained.expires_at(until);
        co_await worker.drained.async_wait(kNoThrow);
      }
    };
    co_await wait_until(deadline);
    if (!worker.sessions.empty()) {
      spdlog::warn("aborting {} requests still in flight after the stop grace period",
                   worker.sessions.size());
      for (HttpSession& session : worker.sessions) session.Abort();
      co_await wait_until(SteadyClock::now() + kAbortUnwind);
    }
  } catch (const std::exception& e) {
    spdlog::error("listener drain failed: {}", boost::core::demangle(typeid(e).name()));
  }
  worker.ioc.stop();
}

Listener::Listener(ListenerOptions options, HandlerFactory factory)
    : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->factory = std::move(factory);
}

// bugprone-exception-escape reads the bodies of the coroutines that Stop() hands to co_spawn as
// if they ran here; they run later, on the loop threads.
Listener::~Listener() { Stop(); }  // NOLINT(bugprone-exception-escape)

Result<void> Listener::Start() {
  State& s = *state_;
  std::lock_guard lock(s.mutex);
  if (s.options.access_log && !s.access_log) {
    s.access_log =
        std::make_unique<AccessLog>(s.options.access_log_format, s.options.access_log_sink);
  }
  if (s.started) return MakeError(ErrorCode::kInvalidArgument, "listener already started");
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(s.options.host, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "listen host is not an IP address: " + s.options.host);
  }

  std::vector<std::unique_ptr<Worker>> workers;
  std::uint16_t port = s.options.port;
  if (port != 0) {
    asio::io_context probe_io;
    SPOTAUTH_TRY(CheckPortIsFree(probe_io, tcp::endpoint(address, port)));
  }
  for (unsigned i = 0; i < std::max(1u, s.options.threads); ++i) {
    auto worker = std::make_unique<Worker>();
    // The first bind resolves port 0; the rest join that port through SO_REUSEPORT.
    SPOTAUTH_TRY(BindAcceptor(worker->acceptor, tcp::endpoint(address, port)));
    if (i == 0) port = worker->acceptor.local_endpoint(ec).port();
    try {
      worker->handler = s.factory ? s.factory(worker->ioc) : nullptr;
    } catch (const std::exception& e) {
      return MakeError(ErrorCode::kInternal,
                       "handler factory threw " + boost::core::demangle(typeid(e).name()));
    }
    if (!worker->handler) {
      return MakeError(ErrorCode::kInvalidArgument, "handler factory returned no handler");
    }
    workers.push_back(std::move(worker));
  }

  s.started = true;
  s.port = port;
  for (auto& worker : workers) {
    Worker& w = *worker;
    asio::co_spawn(w.ioc, s.Accept(w), asio::detached);
    w.thread = std::thread([&w] {
      // Handlers must not throw, but a loop that dies takes its connections with it.
      for (;;) {
        try {
          w.ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("event loop caught {}", boost::core::demangle(typeid(e).name()));
        }
      }
    });
  }
  s.workers = std::move(workers);
  return {};
}

std::uint16_t Listener::Port() const { return state_->port.load(); }

std::size_t Listener::ActiveConnections() const { return state_->active.load(); }

void Listener::Stop(std::chrono::milliseconds grace) {
  State& s = *state_;
  std::lock_guard lock(s.mutex);
  if (!s.started || s.stopped) return;
  for (const auto& worker : s.workers) {
    if (worker->thread.get_id() == std::this_thread::get_id()) {
      spdlog::error("Listener::Stop called from its own event loop; ignored");
      return;
    }
  }
  s.stopped = true;
  const SteadyClock::time_point deadline = SteadyClock::now() + grace;
  for (const auto& worker : s.workers) {
    asio::co_spawn(worker->ioc, s.Drain(*worker, deadline), asio::detached);
  }
  for (const auto& worker : s.workers) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  s.workers.clear();
  // Sessions still open at the end were destroyed with their loops, without SessionEnded.
  if (s.options.metrics) s.options.metrics->ConnectionsClosed(static_cast<std::int64_t>(s.active));
  s.active = 0;
}

}  // namespace spotauth::http
