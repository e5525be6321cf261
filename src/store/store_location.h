// Where the session store lives, as written in SPOTAUTH_STORE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace spotauth::store {

struct StoreLocation {
  enum class Kind { kMemory, kSqlite, kRedis } kind = Kind::kSqlite;
  std::string path;  // sqlite: absolute file path
  // redis
  std::string host;
  std::uint16_t port = 6379;
  std::string unix_path;  // redis+unix: the socket instead of host and port
  std::string username;   // Redis 6 ACL user; empty: the default user
  std::string password;   // never logged
  int database = 0;
  std::string redis_prefix = "spotauth:";  // not in the URL: SPOTAUTH_REDIS_PREFIX
};

// Parses `memory`, `sqlite:///absolute/path.db`, `redis://[[user]:password@]host[:port][/db]`
// or `redis+unix:///path/to/redis.sock[?db=N]` (password as `?password=`); empty text
// means a SQLite file at `default_sqlite_path`. Errors are kInvalidArgument with a sentence
// that tells the user what to write (the text itself is not echoed: it may hold a password).
[[nodiscard]] Result<StoreLocation> ParseStoreLocation(std::string_view text,
                                                       const std::string& default_sqlite_path);

}  // namespace spotauth::store
