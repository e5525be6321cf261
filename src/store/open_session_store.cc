#include "store/open_session_store.h"

#include "store/memory_session_store.h"
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
    case StoreLocation::Kind::kRedis:
      break;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "the Redis store is not available in this build yet; use sqlite or memory");
}

}  // namespace spotauth::store
