// A real redis-server on loopback for one test (or one test binary), which the test can stop,
// pause and restart to see what the store and the server do when Redis goes away.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>

namespace spotauth::testing {

struct RedisServerOptions {
  bool append_only = false;  // persistence across restarts (appendonly yes, fsync always)
  std::string password;      // requirepass; Command() authenticates with it
};

// Runs /usr/bin/redis-server in the foreground in a fresh temp dir, on a free 127.0.0.1 port
// and on a Unix socket there. The destructor stops it and removes the dir.
class RedisServer {
 public:
  // nullptr and *error on failure; a missing redis-server is a failure, never a skip.
  static std::unique_ptr<RedisServer> Start(RedisServerOptions options, std::string* error);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& unix_socket() const { return socket_path_; }
  // redis://127.0.0.1:port/db
  std::string Url(int database = 0) const;

  // SIGTERM (with append-only on, what was written survives) and wait for the exit.
  void Stop();
  // Starts again on the same port and dir; false (and *error) when it does not come up.
  bool Restart(std::string* error);
  // SIGSTOP / SIGCONT: a Redis that accepts connections and never answers.
  void Pause();
  void Resume();

  // One command through a blocking hiredis connection (for set-up and inspection); the
  // reply as text: a status or string, an integer in decimal, "(nil)", "ERR ...", or the
  // elements of an array joined by '\n'.
  std::string Command(std::initializer_list<std::string> args) const;

 private:
  RedisServer(std::string dir, RedisServerOptions options)
      : dir_(std::move(dir)), socket_path_(dir_ + "/redis.sock"), options_(options) {}
  bool Launch(std::string* error);

  std::string dir_;
  std::string socket_path_;
  RedisServerOptions options_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace spotauth::testing
