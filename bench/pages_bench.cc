// The logged-in page, rendered from a view (HTML escaping and formatting).
#include <benchmark/benchmark.h>

#include "server/pages.h"

namespace spotauth::bench {
namespace {

void BM_RenderSignedIn(benchmark::State& state) {
  const std::string logout_token(43, 'L');
  server::SignedInView view;
  view.user_id = "bench-user";
  view.display_name = "Bench <User> & Co";
  view.logout_token = logout_token;
  view.now_playing.kind = server::NowPlayingView::Kind::kTrack;
  view.now_playing.title = "Windowlicker";
  view.now_playing.subtitle = "Aphex Twin · Windowlicker";
  view.now_playing.image_url = "https://i.scdn.co/image/ab67616d0000b273bench";
  view.now_playing.is_playing = true;
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
