// The whole request path of the login app: raw bytes from a connection, read as
// http::HttpSession reads them (Beast's request parser with the server's limits, its read
// buffer and its checks on the head), then each request through server::LoginApp on the
// handler-level fixture of the tests (the stand-in Spotify in memory, a memory store, a manual
// clock). Property: the handler never throws, and answers every request with a status below
// 500, or 502/503/504 (Spotify or the store unavailable, never a bug).
//
// ${session} and ${token} become a signed-in browser's session cookie value and logout token;
// ${login}, ${state} and ${code} a pending login's cookie value, its state and the code the
// stand-in issued for it. So the fuzzer reaches the signed-in page, logout and the callback.
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/system/system_error.hpp>
#include <boost/url/parse.hpp>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_support.h"
#include "http/server_limits.h"
#include "server/login_app.h"
#include "testing/login_app_fixture.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = spotauth::http;
namespace beast_http = spotauth::beast_http;
using spotauth::fuzz::Check;
using spotauth::server::testing::InMemoryBrowser;
using spotauth::server::testing::LoginAppFixture;

// As in http_session.cc.
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kMaxChunkExtension = 256;
// Requests per input (keep-alive, pipelined): enough for sequences, bounded for speed.
constexpr std::size_t kMaxRequests = 4;

using Parser = beast_http::request_parser<beast_http::string_body>;

// The connection: a SyncReadStream over the input, read in kReadChunk pieces as the socket is.
class InputStream {
 public:
  explicit InputStream(std::string_view data) : data_(data) {}

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    if (data_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    ec = {};
    const std::size_t n =
        asio::buffer_copy(buffers, asio::buffer(data_.data(), std::min(data_.size(), kReadChunk)));
    data_.remove_prefix(n);
    return n;
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view data_;
};

// HttpSession's CheckHead (http_session.cc): the head checks beyond Beast's own. True when the
// session would hand the request on rather than answer 400/414/431 itself.
bool HeadAccepted(const Parser& parser, const http::ServerLimits& limits) {
  const http::Request& request = parser.get();
  if (request.version() != 10 && request.version() != 11) return false;
  if (request.target().size() > limits.max_request_line) return false;
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (const auto& field : request) {
    ++count;
    bytes += field.name_string().size() + field.value().size() + 4;
  }
  if (count > limits.max_header_count || bytes > limits.max_header_bytes) return false;
  if (request.version() == 11 && request.count(beast_http::field::host) != 1) return false;
  if (request.find(beast_http::field::transfer_encoding) != request.end() && !parser.chunked()) {
    return false;
  }
  return true;
}

std::string QueryParam(std::string_view url, std::string_view name) {
  auto parsed = boost::urls::parse_uri_reference(url);
  if (!parsed) return {};
  auto it = parsed->params().find(name);
  return it == parsed->params().end() ? std::string() : std::string((*it).value);
}

// The placeholders' values: one signed-in browser and one login in progress.
std::vector<std::pair<std::string, std::string>> LiveValues(LoginAppFixture& fixture,
                                                            http::RequestHandler& app) {
  using spotauth::server::testing::HeaderOf;
  InMemoryBrowser signed_in(fixture, app);
  Check(signed_in.LogIn().result_int() == 303, "the set-up's login succeeds");
  const std::string token = InMemoryBrowser::LogoutToken(signed_in.Get("/"));
  InMemoryBrowser starting(fixture, app);
  const http::Response login = starting.Get("/login");
  const std::string authorize_url = HeaderOf(login, "Location");
  const http::Response approved = fixture.SpotifyGet(authorize_url);
  const auto& names = fixture.app.cookies;
  return {{"session", signed_in.cookies[names.session]},
          {"token", token},
          {"login", starting.cookies[names.login]},
          {"state", QueryParam(authorize_url, "state")},
          {"code", QueryParam(HeaderOf(approved, "Location"), "code")}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  LoginAppFixture fixture;
  spotauth::server::LoginApp app(fixture.app, fixture.NewSpotifyClient());
  std::string input(raw);
  if (raw.find("${") != std::string_view::npos) {
    input = spotauth::fuzz::Expand(raw, LiveValues(fixture, app));
  }

  const http::ServerLimits limits;
  InputStream stream(input);
  // HttpSession::Serve's buffer, parser limits and chunk-extension cap.
  beast::flat_buffer buffer(
      std::max(kReadChunk, limits.max_request_line + limits.max_header_bytes + kReadChunk));
  std::size_t chunk_extension_bytes = 0;
  auto on_chunk_header = [&chunk_extension_bytes](std::uint64_t, std::string_view extensions,
                                                  boost::system::error_code& ec) {
    chunk_extension_bytes += extensions.size();
    if (chunk_extension_bytes > kMaxChunkExtension) ec = beast_http::error::bad_chunk_extension;
  };
  std::optional<Parser> parser;
  for (std::size_t served = 0; served < kMaxRequests; ++served) {
    boost::system::error_code ec;
    if (buffer.size() == 0) {
      const std::size_t n = stream.read_some(buffer.prepare(kReadChunk), ec);
      if (ec) break;
      buffer.commit(n);
    }
    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(limits.max_request_line + limits.max_header_bytes + 4, UINT32_MAX)));
    parser->body_limit(limits.max_body_bytes);
    chunk_extension_bytes = 0;
    parser->on_chunk_header(on_chunk_header);
    // Errors and refused heads are answered by the session itself; the handler never sees them.
    beast_http::read_header(stream, buffer, *parser, ec);
    if (ec || !HeadAccepted(*parser, limits)) break;
    if (!parser->is_done()) {
      beast_http::read(stream, buffer, *parser, ec);
      if (ec || !HeadAccepted(*parser, limits)) break;
    }
    http::Request request = parser->release();
    const bool keep_alive = request.keep_alive();
    const std::string target(request.target());

    http::Response response;
    try {
      response = fixture.Run(app.Handle(std::move(request)));
    } catch (const std::exception& e) {
      spotauth::fuzz::Fail("the handler never throws", e.what());
    }
    const unsigned status = response.result_int();
    if (spotauth::fuzz::Verbose()) std::fprintf(stderr, "%u %s\n", status, target.c_str());
    Check(status >= 100 && status < 600, "the handler answers a valid status");
    Check(status < 500 || status == 502 || status == 503 || status == 504,
          "the handler never answers 500 or another unexpected 5xx",
          std::to_string(status) + " for " + target);
    // LoginApp turns an exception inside it into a 503 page and logs an error, as it does for a
    // store failure; with a memory store either is a bug.
    Check(fixture.Logs().find("[error]") == std::string::npos,
          "the handler logs no error (an exception inside it, or a store failure)", fixture.Logs());
    Check(!http::IsResetConnection(response), "the app never asks for a reset");
    if (!keep_alive) break;
  }
  return 0;
}
