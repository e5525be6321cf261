#include "core/random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>

namespace spotauth {

std::string Random::Bytes(std::size_t n) {
  std::string out(n, '\0');
  Fill(std::span<unsigned char>(reinterpret_cast<unsigned char*>(out.data()), out.size()));
  return out;
}

void OpenSslRandom::Fill(std::span<unsigned char> out) {
  // RAND_bytes takes an int length, so very large requests go in chunks.
  while (!out.empty()) {
    const std::size_t chunk = std::min<std::size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) {
      std::abort();
    }
    out = out.subspan(chunk);
  }
}

void SequenceRandom::Fill(std::span<unsigned char> out) {
  // One atomic reservation per call gives each caller a contiguous run of the counter even
  // when threads race; unsigned wrap-around keeps the sequence modulo 256. atomic_ref keeps
  // the class copyable and its header unchanged; next_ is only ever touched here.
  const auto count = static_cast<std::uint8_t>(out.size());
  std::uint8_t value = std::atomic_ref<std::uint8_t>(next_).fetch_add(count);
  for (unsigned char& byte : out) {
    byte = value++;
  }
}

}  // namespace spotauth
