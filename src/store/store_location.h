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
  std::string host;  // redis
  std::uint16_t port = 6379;
  int database = 0;
};

// Parses `memory`, `sqlite:///absolute/path.db` or `redis://host[:port][/db]`; empty text
// means a SQLite file at `default_sqlite_path`. Errors are kInvalidArgument with a sentence
// that tells the user what to write (the text itself is not echoed: it may hold a password).
[[nodiscard]] Result<StoreLocation> ParseStoreLocation(std::string_view text,
                                                       const std::string& default_sqlite_path);

}  // namespace spotauth::store
