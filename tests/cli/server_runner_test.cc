// The spotauth binary as a process: configuration errors, listening, and a clean SIGTERM stop.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace spotauth::cli {
namespace {

using namespace std::chrono_literals;

struct Child {
  pid_t pid = -1;
  int output = -1;       // stdout and stderr together, or stderr alone with split_stdout
  int stdout_only = -1;  // stdout, with split_stdout
};

Child Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            bool split_stdout = false) {
  int pipe_fds[2];
  int stdout_fds[2] = {-1, -1};
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
  if (split_stdout && ::pipe(stdout_fds) != 0) throw std::runtime_error("pipe");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(split_stdout ? stdout_fds[1] : pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::close(pipe_fds[0]);
    if (split_stdout) ::close(stdout_fds[0]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(args[0].c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  if (split_stdout) ::close(stdout_fds[1]);
  return {pid, pipe_fds[0], stdout_fds[0]};
}

std::string ReadAll(int fd) {
  std::string out;
  std::array<char, 4096> buf;
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) > 0) out.append(buf.data(), std::size_t(n));
  ::close(fd);
  return out;
}

int Wait(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::uint16_t FreePort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

bool Connects(std::uint16_t port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

// Polls for up to five seconds.
bool WaitForPort(std::uint16_t port) {
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(50ms);
    if (Connects(port)) return true;
  }
  return false;
}

// Sends `request` as it is and reads until the server closes.
std::string Exchange(std::uint16_t port, const std::string& request) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(request));
  boost::system::error_code ec;
  std::string answer;
  boost::asio::read(socket, boost::asio::dynamic_buffer(answer), ec);
  return answer;
}

TEST(ServeCommand, BadConfigurationListsEveryProblemAndExits2) {
  Child child = Spawn({SPOTAUTH_BINARY, "serve"},
                      {"SPOTIFY_REDIRECT_URI=http://localhost:5000/callback", "SPOTAUTH_PORT=x"});
  const std::string out = ReadAll(child.output);
  EXPECT_EQ(Wait(child.pid), 2);
  EXPECT_NE(out.find("4 problems"), std::string::npos) << out;
  EXPECT_NE(out.find("SPOTIFY_CLIENT_ID"), std::string::npos);
  EXPECT_NE(out.find("openssl rand -hex 32"), std::string::npos);
  EXPECT_NE(out.find("localhost"), std::string::npos);
  EXPECT_NE(out.find("SPOTAUTH_PORT"), std::string::npos);
}

TEST(ServeCommand, AProxyUrlThatIsNotAConnectProxyIsAProblem) {
  Child child =
      Spawn({SPOTAUTH_BINARY, "serve"},
            {"SPOTIFY_CLIENT_ID=id", "HTTPS_PROXY=socks5://user:hunter2@proxy:1080",
             "SPOTAUTH_SECRET=8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0"});
  const std::string out = ReadAll(child.output);
  EXPECT_EQ(Wait(child.pid), 2) << out;
  EXPECT_NE(out.find("HTTPS_PROXY must be an http://host[:port] URL"), std::string::npos) << out;
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
}

TEST(ServeCommand, ServesThenStopsCleanlyOnSigterm) {
  const std::uint16_t port = FreePort();
  const std::string dir = ::testing::TempDir();
  Child child =
      Spawn({SPOTAUTH_BINARY, "serve", "--port", std::to_string(port), "--store",
             "sqlite://" + dir + "spotauth-serve-test.db"},
            {"SPOTIFY_CLIENT_ID=id",
             "SPOTAUTH_SECRET=8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0",
             "SPOTIFY_REDIRECT_URI=http://127.0.0.1:" + std::to_string(port) + "/callback"});
  const bool up = WaitForPort(port);
  EXPECT_TRUE(up);
  ::kill(child.pid, SIGTERM);
  const std::string out = ReadAll(child.output);
  EXPECT_EQ(Wait(child.pid), 0) << out;
  EXPECT_NE(out.find("stopped"), std::string::npos) << out;
  EXPECT_FALSE(Connects(port));
  ::unlink((dir + "spotauth-serve-test.db").c_str());
  ::unlink((dir + "spotauth-serve-test.db-wal").c_str());
  ::unlink((dir + "spotauth-serve-test.db-shm").c_str());
}

TEST(ServeCommand, StartsWithAVersionedLineAndRefusesAPortAnotherProcessHolds) {
  const std::uint16_t port = FreePort();
  const std::vector<std::string> env = {
      "SPOTIFY_CLIENT_ID=id",
      "SPOTAUTH_SECRET=8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0"};
  // No redirect URI: it follows the port.
  Child first = Spawn({SPOTAUTH_BINARY, "serve", "--port", std::to_string(port), "--store",
                       "memory", "--threads", "1"},
                      env);
  const bool up = WaitForPort(port);
  ASSERT_TRUE(up);
  Child second =
      Spawn({SPOTAUTH_BINARY, "serve", "--port", std::to_string(port), "--store", "memory"}, env);
  const std::string refused = ReadAll(second.output);
  EXPECT_EQ(Wait(second.pid), 1) << refused;
  EXPECT_NE(refused.find("already in use"), std::string::npos) << refused;
  ::kill(first.pid, SIGTERM);
  const std::string out = ReadAll(first.output);
  EXPECT_EQ(Wait(first.pid), 0) << out;
  EXPECT_NE(out.find("spotauth 0."), std::string::npos) << out;
  EXPECT_NE(
      out.find("(1 loop); store memory; public client (PKCE); scopes user-read-currently-playing"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("open http://127.0.0.1:" + std::to_string(port)), std::string::npos) << out;
}

// The README's promise: the log (start-up, access and app lines) is on stderr; stdout stays
// empty.
TEST(ServeCommand, EveryLogLineGoesToStderr) {
  const std::uint16_t port = FreePort();
  Child child =
      Spawn({SPOTAUTH_BINARY, "serve", "--port", std::to_string(port), "--store", "memory",
             "--threads", "1"},
            {"SPOTIFY_CLIENT_ID=id",
             "SPOTAUTH_SECRET=8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0"},
            /*split_stdout=*/true);
  const bool up = WaitForPort(port);
  ASSERT_TRUE(up);
  Exchange(port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                     "\r\nConnection: close\r\n\r\n");
  ::kill(child.pid, SIGTERM);
  const std::string err = ReadAll(child.output);
  const std::string out = ReadAll(child.stdout_only);
  EXPECT_EQ(Wait(child.pid), 0) << err;
  EXPECT_EQ(out, "");
  EXPECT_NE(err.find("listening on"), std::string::npos) << err;
  EXPECT_NE(err.find("GET /healthz 200"), std::string::npos) << err;
  EXPECT_NE(err.find("stopped"), std::string::npos) << err;
}

TEST(ServeCommand, JsonLogsAreOneObjectPerLineWithAccessFields) {
  const std::uint16_t port = FreePort();
  Child child =
      Spawn({SPOTAUTH_BINARY, "serve", "--port", std::to_string(port), "--store", "memory",
             "--log-format", "json", "--trusted-proxies", "127.0.0.1"},
            {"SPOTIFY_CLIENT_ID=id", "SPOTAUTH_SCOPE=user-read-currently-playing brand-new-scope",
             "SPOTAUTH_SECRET=8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0",
             "SPOTAUTH_TYPO=1"});
  const bool up = WaitForPort(port);
  ASSERT_TRUE(up);
  const std::string answer = Exchange(
      port, "GET /healthz?token=SECRET HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                "\r\nX-Forwarded-For: 198.51.100.7\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  ::kill(child.pid, SIGTERM);
  const std::string out = ReadAll(child.output);
  EXPECT_EQ(Wait(child.pid), 0) << out;
  EXPECT_EQ(out.find("SECRET"), std::string::npos) << out;
  std::istringstream lines(out);
  int access = 0;
  int warnings = 0;
  int parsed = 0;
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    const auto& object = value.as_object();
    ++parsed;
    EXPECT_TRUE(object.contains("time") && object.contains("level") && object.contains("message"));
    if (object.at("level") == "warning") ++warnings;
    if (object.at("message") == "access") {
      ++access;
      EXPECT_EQ(object.at("path"), "/healthz");
      EXPECT_EQ(object.at("status"), 200);
      EXPECT_EQ(object.at("client"), "198.51.100.7");  // 127.0.0.1 is a trusted proxy here
      EXPECT_FALSE(object.at("request_id").as_string().empty());
    }
  }
  EXPECT_GE(parsed, 3);
  EXPECT_EQ(access, 1) << out;
  EXPECT_EQ(warnings, 2) << out;  // the unknown scope and the unknown variable
}

TEST(ServeCommand, EverySettingButTheSecretsIsAlsoAFlag) {
  Child help = Spawn({SPOTAUTH_BINARY, "serve", "--help"}, {});
  const std::string text = ReadAll(help.output);
  EXPECT_EQ(Wait(help.pid), 0);
  for (const char* flag : {"--client-id", "--redirect-uri", "--session-idle", "--redis-prefix",
                           "--max-sessions-per-user", "--log-level", "--port", "--store"}) {
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(text.find("--secret"), std::string::npos);  // visible in ps: environment only
  EXPECT_EQ(text.find("--client-secret"), std::string::npos);

  Child bad =
      Spawn({SPOTAUTH_BINARY, "serve", "--client-id", "id", "--max-sessions-per-user", "0",
             "--log-level", "loud"},
            {"SPOTAUTH_SECRET=8c1f0e5d2a7b4c3e9f6a1d0b2c4e6f8091a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0"});
  const std::string out = ReadAll(bad.output);
  EXPECT_EQ(Wait(bad.pid), 2) << out;
  EXPECT_NE(out.find("2 problems"), std::string::npos) << out;
  EXPECT_NE(out.find("SPOTAUTH_MAX_SESSIONS_PER_USER"), std::string::npos) << out;
  EXPECT_NE(out.find("SPOTAUTH_LOG_LEVEL"), std::string::npos) << out;
}

TEST(VersionCommand, PrintsTheVersionAndExitsZero) {
  for (const char* spelling : {"--version", "version"}) {
    Child child = Spawn({SPOTAUTH_BINARY, spelling}, {});
    const std::string out = ReadAll(child.output);
    EXPECT_EQ(Wait(child.pid), 0) << spelling;
    EXPECT_EQ(out.rfind("spotauth 0.1.0", 0), 0u) << out;
  }
}

TEST(GenSecretCommand, PrintsSixtyFourHexCharacters) {
  Child child = Spawn({SPOTAUTH_BINARY, "gen-secret"}, {});
  const std::string out = ReadAll(child.output);
  EXPECT_EQ(Wait(child.pid), 0);
  ASSERT_EQ(out.size(), 65u);
  EXPECT_EQ(out.find_first_not_of("0123456789abcdef\n"), std::string::npos);
}

}  // namespace
}  // namespace spotauth::cli
