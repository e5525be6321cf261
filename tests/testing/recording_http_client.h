// RecordingHttpClient: an HttpClient fake that records every request and answers from a queue of
// canned responses or errors. Plus RunSync, which drives an awaitable to completion.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <deque>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/client.h"

namespace spotauth::testing {

class RecordingHttpClient final : public http::HttpClient {
 public:
  // Queues a response; `headers` are (name, value) pairs such as {"retry-after", "7"}.
  void Respond(unsigned status, std::string body,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::ClientResponse response;
    response.status = status;
    response.body = std::move(body);
    for (auto& [name, value] : headers) {
      response.headers.insert(name, value);
    }
    queue_.emplace_back(std::move(response));
  }
  // Queues a transport failure.
  void Fail(ErrorCode code, std::string message) {
    queue_.emplace_back(tl::unexpected(Error{code, std::move(message), {}}));
  }

  boost::asio::awaitable<Result<http::ClientResponse>> Send(http::ClientRequest request) override {
    requests_.push_back(std::move(request));
    if (queue_.empty()) {
      // A test that forgot to queue an answer fails loudly instead of hanging.
      co_return MakeError(ErrorCode::kInternal, "RecordingHttpClient: no response queued");
    }
    Result<http::ClientResponse> next = std::move(queue_.front());
    queue_.pop_front();
    co_return next;
  }

  const std::vector<http::ClientRequest>& requests() const { return requests_; }
  const http::ClientRequest& last() const { return requests_.back(); }
  std::size_t pending() const { return queue_.size(); }

 private:
  std::deque<Result<http::ClientResponse>> queue_;
  std::vector<http::ClientRequest> requests_;
};

// The value of a request header, or "" when absent (beast look-ups are case-insensitive).
inline std::string Header(const http::ClientRequest& request, beast_http::field name) {
  const auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string() : std::string(it->value());
}
inline bool HasHeader(const http::ClientRequest& request, beast_http::field name) {
  return request.headers.find(name) != request.headers.end();
}

// Runs `task` on a private io_context until it finishes and returns its value.
template <class T>
T RunSync(boost::asio::awaitable<T> task) {
  boost::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) {
      out.emplace(std::move(value));
    }
  });
  io.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return std::move(*out);
}

}  // namespace spotauth::testing
