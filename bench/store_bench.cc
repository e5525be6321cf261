// Session load from each store, as GET / does it: one GetSession of an existing key among many.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "bench_support.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/encoding.h"
#include "core/random.h"
#include "server/sealed_token.h"
#include "store/memory_session_store.h"
#include "store/sqlite_session_store.h"

namespace spotauth::bench {
namespace {

using boost::asio::awaitable;

constexpr int kSessions = 10'000;

std::string KeyOf(int i) { return HexEncode(HmacSha256(Key32('h'), std::to_string(i))); }

store::Session SampleSession(const Clock& clock, const std::string& key) {
  OpenSslRandom random;
  const TimePoint now = clock.Now();
  // One user per session: the per-user cap must not thin out the table.
  return store::Session{"bench-user-" + key, "Bench",
                        server::SealToken(SampleToken(now), Key32('t'), key, random), now,
                        now + std::chrono::hours(24 * 14)};
}

void Fill(boost::asio::io_context& io, store::SessionStore& store, const Clock& clock) {
  for (int i = 0; i < kSessions; ++i) {
    const std::string key = KeyOf(i);
    auto put = RunOnLoop(io, store.CreateSession(key, SampleSession(clock, key), 10));
    if (!put) throw std::runtime_error(put.error().message);
  }
}

void LoadLoop(benchmark::State& state, boost::asio::io_context& io, store::SessionStore& store) {
  int i = 0;
  for (auto _ : state) {
    auto got = RunOnLoop(io, store.GetSession(KeyOf(i++ % kSessions)));
    if (!got || !*got) {
      state.SkipWithError("session not found");
      break;
    }
    benchmark::DoNotOptimize(got);
  }
}

awaitable<int> Nothing() { co_return 1; }

// What RunOnLoop costs with nothing to do (plus one key computation, as in LoadLoop).
void BM_RunAwaitableOverhead(benchmark::State& state) {
  boost::asio::io_context io;
  int i = 0;
  for (auto _ : state) {
    auto key = KeyOf(i++ % kSessions);
    benchmark::DoNotOptimize(key);
    benchmark::DoNotOptimize(RunOnLoop(io, Nothing()));
  }
}
BENCHMARK(BM_RunAwaitableOverhead);

void BM_MemoryStoreGetSession(benchmark::State& state) {
  SystemClock clock;
  boost::asio::io_context io;
  store::MemorySessionStore store(clock);
  Fill(io, store, clock);
  LoadLoop(state, io, store);
}
BENCHMARK(BM_MemoryStoreGetSession);

// Runs `loop` against a SQLite store in a temporary file filled with kSessions sessions.
template <class Loop>
void WithFilledSqliteStore(benchmark::State& state, const char* name, Loop loop) {
  SystemClock clock;
  boost::asio::io_context io;
  const auto path =
      std::filesystem::temp_directory_path() /
      ("spotauth-bench-" + std::string(name) + "-" + std::to_string(::getpid()) + ".db");
  {
    auto opened = store::SqliteSessionStore::Open({path.string()}, clock);
    if (!opened) {
      state.SkipWithError(opened.error().message.c_str());
      return;
    }
    Fill(io, **opened, clock);
    loop(io, **opened, clock);
  }
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

void BM_SqliteStoreGetSession(benchmark::State& state) {
  WithFilledSqliteStore(state, "get",
                        [&](boost::asio::io_context& io, store::SessionStore& store, const Clock&) {
                          LoadLoop(state, io, store);
                        });
}
BENCHMARK(BM_SqliteStoreGetSession);

// A write: it goes to the store's writer thread and back (two thread hops plus the statement).
void BM_SqliteStoreTouchSession(benchmark::State& state) {
  WithFilledSqliteStore(
      state, "touch",
      [&](boost::asio::io_context& io, store::SessionStore& store, const Clock& clock) {
        int i = 0;
        for (auto _ : state) {
          auto touched = RunOnLoop(
              io, store.TouchSession(KeyOf(i++ % kSessions), clock.Now() + std::chrono::hours(1)));
          if (!touched) {
            state.SkipWithError(touched.error().message.c_str());
            break;
          }
        }
      });
}
BENCHMARK(BM_SqliteStoreTouchSession);

}  // namespace
}  // namespace spotauth::bench
