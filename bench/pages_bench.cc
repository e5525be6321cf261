// The logged-in page, rendered from a view (HTML escaping and formatting).
#include <benchmark/benchmark.h>

#include "server/pages.h"

namespace spotauth::bench {
namespace {

void BM_RenderSignedIn(benchmark::State& state) {
  const std::string logout_token(43, 'L');
  server::NowPlayingView playing;
  playing.kind = server::NowPlayingView::Kind::kTrack;
  playing.title = "Windowlicker";
  playing.subtitle = "Aphex Twin · Windowlicker";
  playing.image_url = "https://i.scdn.co/image/ab67616d0000b273bench";
  playing.is_playing = true;
  const server::SignedInView view{"bench-user", "Bench <User> & Co", logout_token, playing};
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto page = server::RenderSignedIn(view, "");
    bytes = page.size();
    benchmark::DoNotOptimize(page);
  }
  state.SetLabel(std::to_string(bytes) + "-byte page");
}
BENCHMARK(BM_RenderSignedIn);

}  // namespace
}  // namespace spotauth::bench
