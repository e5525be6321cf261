// The server side's connection types: bound to the loop's io_context executor, not the
// type-erased any_io_executor. Every read and write copies and calls the stream's executor;
// through any_io_executor that was about 4 % of a page's instructions (issue #13).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/basic_stream.hpp>

namespace spotauth::http {

using ServerExecutor = boost::asio::io_context::executor_type;
using ServerAcceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, ServerExecutor>;
using ServerSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, ServerExecutor>;
using ServerStream = boost::beast::basic_stream<boost::asio::ip::tcp, ServerExecutor>;

}  // namespace spotauth::http
