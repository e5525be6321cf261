// What counting costs per request: a relaxed atomic add, alone and with another thread adding
// to the same counter (two event loops on one route), and the whole per-request update of
// ServerMetrics (a counter and a histogram). Compare with the tens of µs a request costs.
#include <benchmark/benchmark.h>

#include <chrono>

#include "core/metrics.h"
#include "core/metrics_registry.h"
#include "http/server_metrics.h"
#include "server/routes.h"

namespace spotauth::bench {
namespace {

void BM_CounterInc(benchmark::State& state) {
  static Counter counter;  // shared by the benchmark's threads
  for (auto _ : state) counter.Inc();
  benchmark::DoNotOptimize(counter.Value());
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
  static Histogram histogram;
  std::chrono::nanoseconds elapsed(70'000);  // a typical page: 70 µs, the scan's middle
  for (auto _ : state) histogram.Observe(elapsed);
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

// The hot path of one answered request, on the same route from every thread (the worst case).
void BM_ServerMetricsCountRequest(benchmark::State& state) {
  static http::ServerMetrics metrics(server::RouteLabels());
  for (auto _ : state) metrics.CountRequest(0, 200, std::chrono::microseconds(70));
}
BENCHMARK(BM_ServerMetricsCountRequest)->Threads(1)->Threads(2);

// A scrape of everything spotauth serve registers: what a Prometheus poll costs once.
void BM_RenderServerMetrics(benchmark::State& state) {
  http::ServerMetrics metrics(server::RouteLabels());
  MetricsRegistry registry;
  if (!metrics.Register(registry)) state.SkipWithError("register failed");
  for (auto _ : state) benchmark::DoNotOptimize(registry.Render());
}
BENCHMARK(BM_RenderServerMetrics);

}  // namespace
}  // namespace spotauth::bench
