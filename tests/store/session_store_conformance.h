// The one conformance suite every SessionStore backend must pass. A backend's test file
// instantiates it with a factory (memory_session_store_test.cc, sqlite_session_store_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "store/session_store.h"

namespace spotauth::store::testing {

struct StoreFactory {
  std::string name;
  // Makes a fresh, empty store that judges expiry with `clock`. A shared_ptr, so that a
  // backend's deleter can also clean up what the store lived in (a temp file, a Redis db).
  std::function<std::shared_ptr<SessionStore>(const Clock& clock)> make;
};

class SessionStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().make(clock_); }
  ManualClock clock_;
  std::shared_ptr<SessionStore> store_;
};

inline std::string FactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

}  // namespace spotauth::store::testing
