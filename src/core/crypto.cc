#include "core/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <optional>

namespace spotauth {
namespace {

constexpr std::size_t kSha256Size = 32;
constexpr std::size_t kAesKeySize = 32;
constexpr std::size_t kNonceSize = 12;  // the GCM nonce size that needs no extra hashing
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kHeaderSize = 2;  // version, key_id
constexpr std::size_t kSealOverhead = kHeaderSize + kNonceSize + kTagSize;

// OpenSSL fails here only on allocation failure or misuse; neither leaves a sensible value to
// return, and returning a weak or empty key or MAC would fail open.
[[noreturn]] void CryptoFailure() { std::abort(); }

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// OpenSSL 3 looks an algorithm up in its provider store (locks, a hash table, parameter
// parsing) on every one-shot call that names it by EVP_sha256() or "HMAC", and expands the key
// each time: on a signed-in page that cost more than the MACs and the decryption themselves.
// So the algorithms are fetched once per process, and keyed contexts are kept per thread (an
// event loop is one thread, so they need no lock), set up once per key and only re-initialised
// per call. The few keys a process uses (five derived keys) fit; more evict the oldest.
const EVP_MD* Sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) CryptoFailure();
  return md;
}
EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  if (mac == nullptr) CryptoFailure();
  return mac;
}
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (cipher == nullptr) CryptoFailure();
  return cipher;
}

// A thread's contexts for up to kSlots keys. Context::Setup(key) makes one; the key is kept to
// find it again and is cleansed with it.
template <typename Context>
class KeyedContexts {
 public:
  KeyedContexts() = default;
  KeyedContexts(const KeyedContexts&) = delete;
  KeyedContexts& operator=(const KeyedContexts&) = delete;
  ~KeyedContexts() {
    for (Slot& slot : slots_) OPENSSL_cleanse(slot.key.data(), slot.key.size());
  }

  Context& For(std::string_view key) {
    for (Slot& slot : slots_) {
      if (slot.context && slot.key == key) return *slot.context;
    }
    Slot& slot = slots_[next_];
    next_ = (next_ + 1) % kSlots;
    OPENSSL_cleanse(slot.key.data(), slot.key.size());
    slot.key.assign(key);
    slot.context.emplace(key);
    return *slot.context;
  }

 private:
  static constexpr std::size_t kSlots = 8;
  struct Slot {
    std::string key;
    std::optional<Context> context;
  };
  std::array<Slot, kSlots> slots_;
  std::size_t next_ = 0;
};

// HMAC-SHA256 with the key expanded once; each use starts again from the expanded key.
class HmacContext {
 public:
  explicit HmacContext(std::string_view key) : ctx_(EVP_MAC_CTX_new(HmacAlgorithm())) {
    // OpenSSL's MAC paths have treated a null empty key differently from a non-null empty one
    // (openssl/openssl#31068), and an empty string_view may carry a null pointer.
    static const unsigned char kNoKey = 0;
    char digest[] = "SHA256";  // OSSL_PARAM wants a non-const pointer but only reads it
    const std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end()};
    if (!ctx_ || EVP_MAC_init(ctx_.get(), key.empty() ? &kNoKey : Bytes(key), key.size(),
                              params.data()) != 1) {
      CryptoFailure();
    }
    fresh_ = true;
  }

  void Mac(std::string_view data, unsigned char* out) {
    // A null key re-initialises from the expanded key (OpenSSL's HMAC provider keeps it).
    if (!fresh_ && EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) CryptoFailure();
    fresh_ = false;
    std::size_t length = 0;
    if (EVP_MAC_update(ctx_.get(), Bytes(data), data.size()) != 1 ||
        EVP_MAC_final(ctx_.get(), out, &length, kSha256Size) != 1 || length != kSha256Size) {
      CryptoFailure();
    }
  }

 private:
  struct Free {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MAC_CTX, Free> ctx_;
  bool fresh_ = false;
};

// AES-256-GCM contexts with the key schedule done once, one per direction; each use only sets
// the nonce.
class AeadContext {
 public:
  explicit AeadContext(std::string_view key32)
      : seal_(EVP_CIPHER_CTX_new()), open_(EVP_CIPHER_CTX_new()) {
    if (!seal_ || !open_ ||
        EVP_EncryptInit_ex2(seal_.get(), Aes256Gcm(), Bytes(key32), nullptr, nullptr) != 1 ||
        EVP_DecryptInit_ex2(open_.get(), Aes256Gcm(), Bytes(key32), nullptr, nullptr) != 1) {
      CryptoFailure();
    }
  }
  // Ready to seal or open a message with this nonce.
  EVP_CIPHER_CTX* Seal(const unsigned char* nonce) {
    if (EVP_EncryptInit_ex2(seal_.get(), nullptr, nullptr, nonce, nullptr) != 1) CryptoFailure();
    return seal_.get();
  }
  EVP_CIPHER_CTX* Open(const unsigned char* nonce) {
    if (EVP_DecryptInit_ex2(open_.get(), nullptr, nullptr, nonce, nullptr) != 1) CryptoFailure();
    return open_.get();
  }

 private:
  CipherCtx seal_;
  CipherCtx open_;
};

thread_local KeyedContexts<HmacContext> hmac_contexts;
thread_local KeyedContexts<AeadContext> aead_contexts;

// One digest context per thread, re-initialised per call: EVP_Digest made and freed one on
// every call (a PKCE challenge on every /login).
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> sha256_context(EVP_MD_CTX_new());

struct KdfFree {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

// The header goes into the GCM AAD so that a changed version or key id fails authentication,
// not just the explicit check; the caller's aad follows (fixed-length prefix, so unambiguous).
bool AddAad(EVP_CIPHER_CTX* ctx, std::string_view header, std::string_view aad, bool encrypt) {
  int unused = 0;
  auto update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate;
  if (update(ctx, nullptr, &unused, Bytes(header), static_cast<int>(header.size())) != 1) {
    return false;
  }
  return aad.empty() ||
         update(ctx, nullptr, &unused, Bytes(aad), static_cast<int>(aad.size())) == 1;
}

}  // namespace

std::string Sha256(std::string_view data) {
  std::string out(kSha256Size, '\0');
  unsigned int length = 0;
  EVP_MD_CTX* ctx = sha256_context.get();
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, Bytes(out), &length) != 1 || length != kSha256Size) {
    CryptoFailure();
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(kSha256Size, '\0');
  hmac_contexts.For(key).Mac(data, Bytes(out));
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info,
                       std::size_t length) {
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr));
  if (!kdf) CryptoFailure();
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) CryptoFailure();

  // OSSL_PARAM wants non-const pointers but only reads through them.
  std::string digest = "SHA256";
  std::array<OSSL_PARAM, 5> params{};
  OSSL_PARAM* p = params.data();
  *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0);
  *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()),
                                           ikm.size());
  // An absent salt is HashLen zero bytes (RFC 5869 section 2.2), which OpenSSL applies itself
  // when the parameter is left out.
  if (!salt.empty()) {
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                             salt.size());
  }
  if (!info.empty()) {
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()),
                                             info.size());
  }
  *p = OSSL_PARAM_construct_end();

  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), Bytes(out), out.size(), params.data()) != 1) {
    CryptoFailure();
  }
  return out;
}

std::string AeadSeal(std::string_view key32, std::uint8_t key_id, std::string_view plaintext,
                     std::string_view aad, Random& random) {
  if (key32.size() != kAesKeySize) CryptoFailure();

  std::string sealed(kSealOverhead + plaintext.size(), '\0');
  sealed[0] = static_cast<char>(kAeadVersion);
  sealed[1] = static_cast<char>(key_id);
  // Random 96-bit nonces: safe for far more seals per key than one server performs between
  // key rotations (NIST SP 800-38D section 8.3 bounds this at 2^32).
  random.Fill(std::span<unsigned char>(Bytes(sealed) + kHeaderSize, kNonceSize));
  const std::string_view header(sealed.data(), kHeaderSize);
  unsigned char* nonce = Bytes(sealed) + kHeaderSize;
  unsigned char* ciphertext = nonce + kNonceSize;
  unsigned char* tag = ciphertext + plaintext.size();

  EVP_CIPHER_CTX* ctx = aead_contexts.For(key32).Seal(nonce);
  int written = 0;
  if (!AddAad(ctx, header, aad, /*encrypt=*/true)) CryptoFailure();
  if (!plaintext.empty() && (EVP_EncryptUpdate(ctx, ciphertext, &written, Bytes(plaintext),
                                               static_cast<int>(plaintext.size())) != 1 ||
                             static_cast<std::size_t>(written) != plaintext.size())) {
    CryptoFailure();
  }
  if (EVP_EncryptFinal_ex(ctx, ciphertext + plaintext.size(), &written) != 1 || written != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag) != 1) {
    CryptoFailure();
  }
  return sealed;
}

std::optional<std::string> AeadOpen(std::string_view key32, std::uint8_t key_id,
                                    std::string_view sealed, std::string_view aad) {
  if (key32.size() != kAesKeySize || sealed.size() < kSealOverhead ||
      static_cast<std::uint8_t>(sealed[0]) != kAeadVersion ||
      static_cast<std::uint8_t>(sealed[1]) != key_id) {
    return std::nullopt;
  }
  const std::string_view header = sealed.substr(0, kHeaderSize);
  const std::string_view nonce = sealed.substr(kHeaderSize, kNonceSize);
  const std::string_view ciphertext =
      sealed.substr(kHeaderSize + kNonceSize, sealed.size() - kSealOverhead);
  // EVP_CTRL_GCM_SET_TAG takes a writable buffer although it only copies from it.
  std::array<unsigned char, kTagSize> tag;
  std::copy_n(Bytes(sealed.substr(sealed.size() - kTagSize)), kTagSize, tag.begin());

  EVP_CIPHER_CTX* ctx = aead_contexts.For(key32).Open(Bytes(nonce));
  std::string plaintext(ciphertext.size(), '\0');
  int written = 0;
  bool ok =
      AddAad(ctx, header, aad, /*encrypt=*/false) &&
      (ciphertext.empty() || EVP_DecryptUpdate(ctx, Bytes(plaintext), &written, Bytes(ciphertext),
                                               static_cast<int>(ciphertext.size())) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx, Bytes(plaintext) + plaintext.size(), &written) == 1;
  if (!ok) {
    // Unauthenticated plaintext must not outlive the failed check.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::nullopt;
  }
  return plaintext;
}

DerivedKeys DerivedKeys::FromMaster(std::string_view master_secret) {
  constexpr std::string_view kSalt = "spotauth v1";
  constexpr std::size_t kKeySize = 32;
  return DerivedKeys{
      .cookie_mac = HkdfSha256(master_secret, kSalt, "cookie-mac", kKeySize),
      .token_enc = HkdfSha256(master_secret, kSalt, "token-enc", kKeySize),
      .id_hash = HkdfSha256(master_secret, kSalt, "id-hash", kKeySize),
      .login_enc = HkdfSha256(master_secret, kSalt, "login-enc", kKeySize),
      .logout_mac = HkdfSha256(master_secret, kSalt, "logout-mac", kKeySize),
  };
}

DerivedKeys::~DerivedKeys() {
  for (std::string* key : {&cookie_mac, &token_enc, &id_hash, &login_enc, &logout_mac}) {
    OPENSSL_cleanse(key->data(), key->size());
  }
}

}  // namespace spotauth
