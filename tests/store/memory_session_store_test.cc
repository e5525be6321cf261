#include "store/memory_session_store.h"

#include "store/session_store_conformance.h"

namespace spotauth::store::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, SessionStoreConformance,
                         ::testing::Values(StoreFactory{
                             "Memory",
                             [](const Clock& clock) -> std::shared_ptr<SessionStore> {
                               return std::make_unique<MemorySessionStore>(clock);
                             }}),
                         FactoryName);

}  // namespace
}  // namespace spotauth::store::testing
