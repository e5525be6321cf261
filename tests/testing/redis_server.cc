#include "testing/redis_server.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "testing/loopback_ports.h"
#include "testing/read_file.h"

namespace spotauth::testing {
namespace {

constexpr const char* kRedisServer = "/usr/bin/redis-server";

std::string ReplyText(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply.integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_ARRAY: {
      std::string out;
      for (std::size_t i = 0; i < reply.elements; ++i) {
        if (i) out += '\n';
        out += ReplyText(*reply.element[i]);
      }
      return out;
    }
    default:
      return std::string(reply.str, reply.len);
  }
}

}  // namespace

std::unique_ptr<RedisServer> RedisServer::Start(RedisServerOptions options, std::string* error) {
  std::string pattern = (std::filesystem::temp_directory_path() / "spotauth-redis-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    *error = "cannot make a temp dir";
    return nullptr;
  }
  std::unique_ptr<RedisServer> server(new RedisServer(pattern, options));
  constexpr int kAttempts = 5;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    std::uint16_t port[1] = {};
    if (!PickLoopbackPorts(port)) continue;
    server->port_ = port[0];
    if (server->Launch(error)) return server;
  }
  return nullptr;
}

RedisServer::~RedisServer() {
  Resume();
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::Url(int database) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(database);
}

bool RedisServer::Launch(std::string* error) {
  const std::string log = dir_ + "/redis.log";
  std::vector<std::string> args{kRedisServer,
                                "--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--unixsocket",
                                socket_path_,
                                "--unixsocketperm",
                                "700",
                                "--dir",
                                dir_,
                                "--logfile",
                                log,
                                "--save",
                                "",
                                "--daemonize",
                                "no",
                                "--appendonly",
                                options_.append_only ? "yes" : "no",
                                "--appendfsync",
                                "always"};
  if (!options_.password.empty()) {
    args.insert(args.end(), {"--requirepass", options_.password});
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    *error = "fork failed";
    return false;
  }
  if (pid == 0) {
    // Not the test's stdout: a pipe held open by an orphaned server would hang whoever reads it.
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(kRedisServer, argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "redis-server exited: " + ReadFile(log);
      return false;
    }
    if (AcceptsConnections(port_) && Command({"PING"}) == "PONG") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Stop();
  *error = "redis-server did not start in 10 s: " + ReadFile(log);
  return false;
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool RedisServer::Restart(std::string* error) {
  Stop();
  return Launch(error);
}

void RedisServer::Pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisServer::Resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

std::string RedisServer::Command(std::initializer_list<std::string> args) const {
  const timeval timeout{2, 0};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port_, timeout);
  if (!context || context->err) {
    std::string what = context ? context->errstr : "out of memory";
    if (context) redisFree(context);
    return "connect failed: " + what;
  }
  redisSetTimeout(context, timeout);
  if (!options_.password.empty()) {
    auto* auth =
        static_cast<redisReply*>(redisCommand(context, "AUTH %s", options_.password.c_str()));
    if (auth) freeReplyObject(auth);
  }
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  std::string text = reply ? ReplyText(*reply) : std::string("no reply: ") + context->errstr;
  if (reply) freeReplyObject(reply);
  redisFree(context);
  return text;
}

}  // namespace spotauth::testing
