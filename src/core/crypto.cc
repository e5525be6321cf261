#include "core/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <array>
#include <cstdlib>
#include <memory>

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
  if (EVP_Digest(data.data(), data.size(), Bytes(out), &length, EVP_sha256(), nullptr) != 1 ||
      length != kSha256Size) {
    CryptoFailure();
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  // OpenSSL's MAC paths have treated a null empty key differently from a non-null empty one
  // (openssl/openssl#31068), and an empty string_view may carry a null pointer.
  static const unsigned char kNoKey = 0;
  const unsigned char* key_bytes = key.empty() ? &kNoKey : Bytes(key);
  std::string out(kSha256Size, '\0');
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), Bytes(data), data.size(),
           Bytes(out), &length) == nullptr ||
      length != kSha256Size) {
    CryptoFailure();
  }
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

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int written = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key32), nonce) != 1 ||
      !AddAad(ctx.get(), header, aad, /*encrypt=*/true)) {
    CryptoFailure();
  }
  if (!plaintext.empty() && (EVP_EncryptUpdate(ctx.get(), ciphertext, &written, Bytes(plaintext),
                                               static_cast<int>(plaintext.size())) != 1 ||
                             static_cast<std::size_t>(written) != plaintext.size())) {
    CryptoFailure();
  }
  if (EVP_EncryptFinal_ex(ctx.get(), ciphertext + plaintext.size(), &written) != 1 ||
      written != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag) != 1) {
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
  std::string tag(sealed.substr(sealed.size() - kTagSize));

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) CryptoFailure();
  std::string plaintext(ciphertext.size(), '\0');
  int written = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key32), Bytes(nonce)) == 1 &&
      AddAad(ctx.get(), header, aad, /*encrypt=*/false) &&
      (ciphertext.empty() ||
       EVP_DecryptUpdate(ctx.get(), Bytes(plaintext), &written, Bytes(ciphertext),
                         static_cast<int>(ciphertext.size())) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          Bytes(tag)) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), Bytes(plaintext) + plaintext.size(), &written) == 1;
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
