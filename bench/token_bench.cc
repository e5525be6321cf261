// Tokens at rest: every logged-in request opens (AES-256-GCM decrypt + parse) the stored token.
#include <benchmark/benchmark.h>

#include "bench_support.h"
#include "core/random.h"
#include "server/sealed_token.h"

namespace spotauth::bench {
namespace {

void BM_OpenToken(benchmark::State& state) {
  OpenSslRandom random;
  const std::string key = Key32('t');
  const std::string record_key(64, 'f');
  const std::string sealed = server::SealToken(
      SampleToken(TimePoint{std::chrono::seconds{1'700'000'000}}), key, record_key, random);
  for (auto _ : state) {
    auto token = server::OpenToken(sealed, key, record_key);
    if (!token) state.SkipWithError("token did not open");
    benchmark::DoNotOptimize(token);
  }
  state.SetLabel(std::to_string(sealed.size()) + " sealed bytes");
}
BENCHMARK(BM_OpenToken);

void BM_SealToken(benchmark::State& state) {
  OpenSslRandom random;
  const std::string key = Key32('t');
  const std::string record_key(64, 'f');
  const Token token = SampleToken(TimePoint{std::chrono::seconds{1'700'000'000}});
  for (auto _ : state) {
    auto sealed = server::SealToken(token, key, record_key, random);
    benchmark::DoNotOptimize(sealed);
  }
}
BENCHMARK(BM_SealToken);

}  // namespace
}  // namespace spotauth::bench
