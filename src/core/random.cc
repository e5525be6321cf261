#include "core/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstdlib>

namespace spotauth {

std::string Random::Bytes(std::size_t n) {
  std::string out(n, '\0');
  Fill(std::span<unsigned char>(reinterpret_cast<unsigned char*>(out.data()), out.size()));
  return out;
}

namespace {

// RAND_bytes costs about 2 µs a call whatever the size (the DRBG's locking, parameter handling
// and reseed checks): a seventh of a /login, which draws a state, a verifier and a nonce. So
// small draws come from a per-thread block of its output. Bytes handed out are wiped from the
// block; a fork is noticed (pthread_atfork, as OpenSSL does: getpid is a system call and cost
// 2 % of a /login) and the block dropped, so parent and child never share bytes.
std::atomic<unsigned> forks{0};  // forks this process came through, counted in the child

unsigned ForksSoFar() {
  static const bool registered = [] {
    return pthread_atfork(nullptr, nullptr,
                          [] { forks.fetch_add(1, std::memory_order_relaxed); }) == 0;
  }();
  if (!registered) std::abort();
  return forks.load(std::memory_order_relaxed);
}

class RandomBlock {
 public:
  static constexpr std::size_t kMaxDraw = 64;

  RandomBlock() = default;
  RandomBlock(const RandomBlock&) = delete;
  RandomBlock& operator=(const RandomBlock&) = delete;
  ~RandomBlock() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

  void Draw(std::span<unsigned char> out) {
    const unsigned forks_now = ForksSoFar();
    if (forks_now != forks_ || bytes_.size() - used_ < out.size()) {
      if (RAND_bytes(bytes_.data(), static_cast<int>(bytes_.size())) != 1) std::abort();
      used_ = 0;
      forks_ = forks_now;
    }
    std::copy_n(bytes_.data() + used_, out.size(), out.data());
    OPENSSL_cleanse(bytes_.data() + used_, out.size());
    used_ += out.size();
  }

 private:
  std::array<unsigned char, 1024> bytes_{};
  std::size_t used_ = bytes_.size();
  unsigned forks_ = 0;
};

thread_local RandomBlock random_block;

}  // namespace

void OpenSslRandom::Fill(std::span<unsigned char> out) {
  if (!out.empty() && out.size() <= RandomBlock::kMaxDraw) {
    random_block.Draw(out);
    return;
  }
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
