// Random: secure random bytes. The caller chooses lengths and encodings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace spotauth {

// Thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(std::span<unsigned char> out) = 0;

  // n random bytes as a (binary) string.
  std::string Bytes(std::size_t n);
};

// OpenSSL's CSPRNG (RAND_bytes). Aborts if the CSPRNG fails: continuing with weak
// randomness would be worse than stopping.
class OpenSslRandom final : public Random {
 public:
  void Fill(std::span<unsigned char> out) override;
};

// Deterministic bytes for tests where exact strings matter: a counter from `seed`.
// Thread-safe. Never use outside tests.
class SequenceRandom final : public Random {
 public:
  explicit SequenceRandom(std::uint8_t seed = 0) : next_(seed) {}
  void Fill(std::span<unsigned char> out) override;

 private:
  std::uint8_t next_;
};

}  // namespace spotauth
