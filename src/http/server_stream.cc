#include "http/server_stream.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

namespace spotauth::http {

namespace asio = boost::asio;
using Clock = ServerStream::Clock;

// One event loop's connections and one timer for all their deadlines (an Asio service, so
// each io_context has its own). The timer is not moved when a deadline moves later, which is
// what nearly every request does; it wakes at the earliest deadline it knows of, or after
// kRecheck, closes the connections whose deadline has passed and sleeps again. A deadline set
// earlier than the timer's wake-up moves the timer. A connection is closed at most
// kCoalesce late, so that many connections with nearby deadlines cost one wake-up.
class LoopDeadlines : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;

  // The timer is made here, so its own service is older than this one and outlives it.
  explicit LoopDeadlines(asio::io_context& loop) : service(loop), timer_(loop) {}
  ~LoopDeadlines() override { streams_.clear(); }

  void Add(ServerStream& stream) { streams_.push_back(stream); }

  void Due(Clock::time_point deadline) {
    if (deadline < armed_) Arm(deadline);
  }

 private:
  static constexpr auto kRecheck = std::chrono::seconds(1);
  static constexpr auto kCoalesce = std::chrono::milliseconds(10);

  void shutdown() override {}

  void Arm(Clock::time_point at) {
    armed_ = at;
    timer_.expires_at(at);  // a wait in progress ends with operation_aborted and does nothing
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) Sweep();
    });
  }

  void Sweep() {
    armed_ = Clock::time_point::max();
    const Clock::time_point now = Clock::now();
    Clock::time_point next = now + kRecheck;
    for (ServerStream& stream : streams_) {
      if (stream.deadline_ <= now) {
        stream.deadline_ = Clock::time_point::max();
        boost::system::error_code ignored;
        stream.socket_.close(ignored);  // its read or write ends with operation_aborted
      } else {
        next = std::min(next, stream.deadline_);
      }
    }
    // With no connection there is nothing to wake for; the next deadline set arms the timer.
    if (!streams_.empty()) Arm(std::max(next, now + kCoalesce));
  }

  asio::steady_timer timer_;
  Clock::time_point armed_ = Clock::time_point::max();
  boost::intrusive::list<ServerStream, boost::intrusive::constant_time_size<false>> streams_;
};

ServerStream::ServerStream(ServerSocket socket)
    : socket_(std::move(socket)),
      deadlines_(asio::use_service<LoopDeadlines>(socket_.get_executor().context())) {
  deadlines_.Add(*this);
}

void ServerStream::expires_at(Clock::time_point deadline) {
  deadline_ = deadline;
  deadlines_.Due(deadline);
}

void ServerStream::cancel() {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

void ServerStream::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace spotauth::http
