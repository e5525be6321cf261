// Small helpers the fuzz targets share: a finding that names its property, a repeatable
// random source, placeholder expansion, and running a handler to completion.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/random.h"
#include "http/message.h"
#include "http/request_handler.h"

namespace spotauth::fuzz {

// A property does not hold: say which, and abort so libFuzzer keeps the input as a crash.
[[noreturn]] inline void Fail(std::string_view property, std::string_view detail = {}) {
  std::fprintf(stderr, "\n*** property violated: %.*s\n", static_cast<int>(property.size()),
               property.data());
  if (!detail.empty()) {
    std::fprintf(stderr, "*** %.*s\n", static_cast<int>(detail.size()), detail.data());
  }
  std::abort();
}

inline void Check(bool holds, std::string_view property, std::string_view detail = {}) {
  if (!holds) Fail(property, detail);
}

// SPOTAUTH_FUZZ_VERBOSE=1 makes targets print what each input did (to check seeds by hand).
inline bool Verbose() {
  static const bool verbose = std::getenv("SPOTAUTH_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

// Repeatable bytes that, unlike SequenceRandom, do not come round again after 256 bytes
// (SplitMix64 over a counter), so one input may draw many ids without collisions.
class CounterRandom final : public Random {
 public:
  explicit CounterRandom(std::uint64_t seed) : state_(seed) {}
  void Fill(std::span<unsigned char> out) override {
    for (std::size_t i = 0; i < out.size(); i += 8) {
      std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      z ^= z >> 31;
      for (std::size_t j = 0; j < 8 && i + j < out.size(); ++j) {
        out[i + j] = static_cast<unsigned char>(z >> (8 * j));
      }
    }
  }

 private:
  std::uint64_t state_;
};

// Replaces every "${name}" in `text` whose name is in `values`; other text is kept as is.
inline std::string Expand(std::string_view text,
                          const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto at = text.find("${");
    out.append(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at);
    bool replaced = false;
    for (const auto& [name, value] : values) {
      const std::string key = "${" + name + "}";
      if (text.starts_with(key)) {
        out.append(value);
        text.remove_prefix(key.size());
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out.append("${");
      text.remove_prefix(2);
    }
  }
  return out;
}

// Runs handler.Handle(request) on a private loop. A throw is a finding: handlers must not throw.
inline http::Response RunHandler(http::RequestHandler& handler, http::Request request) {
  boost::asio::io_context io;
  std::optional<http::Response> response;
  std::exception_ptr error;
  boost::asio::co_spawn(io, handler.Handle(std::move(request)),
                        [&](std::exception_ptr e, http::Response r) {
                          error = e;
                          if (!e) response.emplace(std::move(r));
                        });
  io.run();
  Check(!error, "the handler never throws");
  Check(response.has_value(), "the handler finishes");
  return std::move(*response);
}

}  // namespace spotauth::fuzz
