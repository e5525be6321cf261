// Opening the session store a StoreLocation names: the one place that knows every backend.
#pragma once

#include <memory>

#include "core/clock.h"
#include "core/result.h"
#include "store/session_store.h"
#include "store/store_location.h"

namespace spotauth::store {

// Opens (for SQLite: creates and migrates) the store at `where`; `clock` must outlive it.
// Errors: kStore when the backend cannot be opened, kInvalidArgument for a backend this build
// does not have.
[[nodiscard]] Result<std::unique_ptr<SessionStore>> OpenSessionStore(const StoreLocation& where,
                                                                     const Clock& clock);

}  // namespace spotauth::store
