#include "store/store_location.h"

#include <boost/url/parse.hpp>
#include <charconv>

namespace spotauth::store {
namespace {

template <class Int>
bool ParseInt(std::string_view text, Int min, Int max, Int& out) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  out = value;
  return true;
}

}  // namespace

Result<StoreLocation> ParseStoreLocation(std::string_view text,
                                         const std::string& default_sqlite_path) {
  StoreLocation where;
  if (text == "memory") {
    where.kind = StoreLocation::Kind::kMemory;
    return where;
  }
  if (text.empty()) {
    where.kind = StoreLocation::Kind::kSqlite;
    where.path = default_sqlite_path;
    return where;
  }
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (parsed && parsed->scheme() == "sqlite") {
    std::string path = parsed->path();
    if (!parsed->host().empty() || path.empty() || path.front() != '/') {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a SQLite store is sqlite:///absolute/path.db (three slashes).");
    }
    where.kind = StoreLocation::Kind::kSqlite;
    where.path = std::move(path);
    return where;
  }
  if (parsed && parsed->scheme() == "redis") {
    where.kind = StoreLocation::Kind::kRedis;
    where.host = parsed->host();
    if (where.host.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "a Redis store is redis://host:port/db.");
    }
    if (parsed->has_port() && !ParseInt<std::uint16_t>(parsed->port(), 1, 65535, where.port)) {
      return MakeError(ErrorCode::kInvalidArgument, "the Redis port is not a port number.");
    }
    if (parsed->has_userinfo()) {
      where.username = parsed->user();
      where.password = parsed->password();
    }
    const std::string db = parsed->path();
    if (!db.empty() && db != "/" &&
        !ParseInt<int>(std::string_view(db).substr(1), 0, 15, where.database)) {
      return MakeError(ErrorCode::kInvalidArgument, "the Redis database is a number from 0 to 15.");
    }
    return where;
  }
  if (parsed && parsed->scheme() == "redis+unix") {
    where.kind = StoreLocation::Kind::kRedis;
    where.unix_path = parsed->path();
    if (!parsed->host().empty() || where.unix_path.empty() || where.unix_path.front() != '/') {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a Redis socket is redis+unix:///absolute/path/redis.sock (three slashes).");
    }
    for (const auto& param : parsed->params()) {
      if (param.key == "db") {
        if (!ParseInt<int>(param.value, 0, 15, where.database)) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "the Redis database is a number from 0 to 15.");
        }
      } else if (param.key == "password") {
        where.password = param.value;
      } else if (param.key == "user") {
        where.username = param.value;
      } else {
        return MakeError(ErrorCode::kInvalidArgument,
                         "a Redis socket takes only db, user and password parameters.");
      }
    }
    return where;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "use 'memory', 'sqlite:///absolute/path.db', 'redis://host:port/db' or "
                   "'redis+unix:///path/to/redis.sock'.");
}

}  // namespace spotauth::store
