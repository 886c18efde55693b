#include "util/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace cisscan::util {

// Owns the context: a moved-over Sha256 frees its old one (found by LeakSanitizer: the
// defaulted move assignment dropped the Impl without freeing its context).
struct Sha256::Impl {
  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { EVP_MD_CTX_free(ctx); }
  EVP_MD_CTX* ctx = nullptr;
};

namespace {

// SHA-256 fetched from OpenSSL's providers once a process: with EVP_sha256() each digest looks
// it up again (~2,000 instructions, about what hashing a short probe output costs; a host makes
// ~250 digests). Never freed: it lives as long as the process.
const EVP_MD* sha256_method() {
  static EVP_MD* const method = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return method;
}

} // namespace

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  const auto* method = sha256_method();
  if (m_impl->ctx == nullptr || method == nullptr ||
      EVP_DigestInit_ex(m_impl->ctx, method, nullptr) != 1) {
    throw std::runtime_error("cannot initialise SHA-256");
  }
}

Sha256::~Sha256() = default;

Sha256::Sha256(Sha256&& other) noexcept = default;
Sha256& Sha256::operator=(Sha256&& other) noexcept = default;

void Sha256::update(std::string_view bytes) {
  EVP_DigestUpdate(m_impl->ctx, bytes.data(), bytes.size());
}

std::string Sha256::hex_digest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_impl->ctx, digest, &length);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = k_hex[digest[i] >> 4];
    out[2 * i + 1] = k_hex[digest[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

} // namespace cisscan::util
