// The first thing every logged-in request does: verify the session cookie, then hash the id
// into the store key.
#include <benchmark/benchmark.h>

#include "bench_support.h"
#include "core/cookie_codec.h"
#include "core/crypto.h"
#include "core/encoding.h"

namespace spotauth::bench {
namespace {

void BM_VerifyCookie(benchmark::State& state) {
  const std::string key = Key32('k');
  const TimePoint now{std::chrono::seconds{1'700'000'000}};
  const std::string value =
      SignCookie("spotauth", std::string(32, '\x42'), now + std::chrono::hours(24), key);
  for (auto _ : state) {
    auto id = VerifyCookie("spotauth", value, key, now);
    if (!id) state.SkipWithError("cookie did not verify");
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_VerifyCookie);

void BM_VerifyCookieForged(benchmark::State& state) {
  const std::string key = Key32('k');
  const TimePoint now{std::chrono::seconds{1'700'000'000}};
  const std::string value =
      SignCookie("spotauth", std::string(32, '\x42'), now + std::chrono::hours(24), Key32('x'));
  for (auto _ : state) {
    auto id = VerifyCookie("spotauth", value, key, now);
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_VerifyCookieForged);

// SessionService::SessionKey: HMAC of the id, hex-encoded.
void BM_SessionKey(benchmark::State& state) {
  const std::string key = Key32('h');
  const std::string id(32, '\x42');
  for (auto _ : state) {
    auto k = HexEncode(HmacSha256(key, std::string("session\n").append(id)));
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_SessionKey);

}  // namespace
}  // namespace spotauth::bench
