#include "adapters/s3/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace imagebank::s3 {
namespace {

[[noreturn]] void crypto_failure(const char* what) {
  // OpenSSL only fails here on allocation failure or a broken library;
  // there is no sensible way to continue signing.
  std::fprintf(stderr, "imagebank s3: OpenSSL %s failed\n", what);
  std::abort();
}

}  // namespace

std::string hex_lower(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

struct Sha256Stream::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256Stream::Sha256Stream() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  if (state_->ctx == nullptr ||
      EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    crypto_failure("SHA-256 init");
  }
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::span<const std::byte> bytes) {
  if (bytes.empty()) return;
  if (EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()) != 1) {
    crypto_failure("SHA-256 update");
  }
}

std::string Sha256Stream::finish_hex() {
  Digest digest{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(state_->ctx, digest.data(), &len) != 1 ||
      len != digest.size() ||
      EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    crypto_failure("SHA-256 final");
  }
  return hex_lower(digest);
}

Digest sha256_digest(std::span<const std::byte> bytes) {
  Digest digest{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, EVP_sha256(),
                 nullptr) != 1 ||
      len != digest.size()) {
    crypto_failure("SHA-256");
  }
  return digest;
}

std::string sha256_hex(std::span<const std::byte> bytes) {
  return hex_lower(sha256_digest(bytes));
}

std::string sha256_hex(std::string_view bytes) {
  return sha256_hex(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           out.data(), &len) == nullptr ||
      len != out.size()) {
    crypto_failure("HMAC-SHA256");
  }
  return out;
}

Result<std::string> sha256_of(http::BodySource& body) {
  IMAGEBANK_RETURN_IF_ERROR(body.rewind());
  Sha256Stream hasher;
  std::vector<std::byte> buf(256 * 1024);
  for (;;) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::size_t n, body.read(buf));
    if (n == 0) break;
    hasher.update(std::span(buf).first(n));
  }
  IMAGEBANK_RETURN_IF_ERROR(body.rewind());
  return hasher.finish_hex();
}

}  // namespace imagebank::s3
