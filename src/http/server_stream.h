// The server side's connection types: bound to the loop's io_context executor, not the
// type-erased any_io_executor. Every read and write copies and calls the stream's executor;
// through any_io_executor that was about 4 % of a page's instructions (issue #13).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/intrusive/list_hook.hpp>
#include <chrono>
#include <utility>

namespace spotauth::http {

using ServerExecutor = boost::asio::io_context::executor_type;
using ServerAcceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, ServerExecutor>;
using ServerSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, ServerExecutor>;

class LoopDeadlines;

// An accepted connection with a deadline, used as beast::basic_stream was (the same
// expires_after / expires_at / expires_never): once the deadline passes, the socket is closed
// and the read or write in progress ends with an error. Beast's stream armed a timer for every
// read and every write (a timer-queue insert and cancel, and the cancelled wait's handler run:
// 9 % of a page's instructions); here a deadline is a stored time, and one timer per event loop
// (LoopDeadlines) wakes when the earliest of its connections' deadlines may have passed.
// Used by its loop's thread only.
class ServerStream : public boost::intrusive::list_base_hook<
                         boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
 public:
  using executor_type = ServerExecutor;
  using Clock = std::chrono::steady_clock;

  explicit ServerStream(ServerSocket socket);
  ServerStream(const ServerStream&) = delete;
  ServerStream& operator=(const ServerStream&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  ServerSocket& socket() noexcept { return socket_; }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return socket_.async_read_some(buffers, std::forward<Token>(token));
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return socket_.async_write_some(buffers, std::forward<Token>(token));
  }

  // The reads and writes from now on must be done by then; a passed deadline closes the socket.
  void expires_at(Clock::time_point deadline);
  void expires_after(Clock::duration timeout) { expires_at(Clock::now() + timeout); }
  void expires_never() noexcept { deadline_ = Clock::time_point::max(); }

  void cancel();  // the read or write in progress ends with operation_aborted
  void close();

 private:
  friend class LoopDeadlines;

  ServerSocket socket_;
  LoopDeadlines& deadlines_;
  Clock::time_point deadline_ = Clock::time_point::max();
};

}  // namespace spotauth::http
