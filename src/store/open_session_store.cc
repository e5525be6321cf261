#include "store/open_session_store.h"

#include "store/memory_session_store.h"
#include "store/redis_session_store.h"
#include "store/sqlite_session_store.h"

namespace spotauth::store {

Result<std::unique_ptr<SessionStore>> OpenSessionStore(const StoreLocation& where,
                                                       const Clock& clock) {
  switch (where.kind) {
    case StoreLocation::Kind::kMemory:
      return std::make_unique<MemorySessionStore>(clock);
    case StoreLocation::Kind::kSqlite:
      return SqliteSessionStore::Open({where.path}, clock).map([](auto store) {
        return std::unique_ptr<SessionStore>(std::move(store));
      });
    case StoreLocation::Kind::kRedis: {
      RedisStoreOptions options;
      options.endpoint = {where.host,     where.port,     where.unix_path,
                          where.username, where.password, where.database};
      options.prefix = where.redis_prefix;
      return std::make_unique<RedisSessionStore>(std::move(options), clock);
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown store kind");
}

}  // namespace spotauth::store
