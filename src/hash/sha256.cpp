#include "imagebank/hash/sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace imagebank {
namespace {

constexpr std::size_t kBlock = 1 << 20;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// OpenSSL frees its global state from an atexit() handler by default. A
// library cannot order that handler against its host's static destructors:
// pool threads that hashed something and are joined after it leak their
// per-thread OpenSSL state (and may touch freed globals). Without the handler
// OpenSSL's state lives until the process ends and each thread's is freed
// when the thread ends. (Ignored if the host initialised OpenSSL first.)
void init_openssl_once() {
  static const bool initialised =
      OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1;
  (void)initialised;
}

// Given EVP_sha256(), OpenSSL 3 looks the implementation up in its
// providers (a lock and a table search) on every EVP_DigestInit_ex: a
// server hashing a short key per request spent more there than hashing.
// Fetched once instead; kept until the process ends, as OpenSSL's state.
const EVP_MD* sha256_md() {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  static const EVP_MD* const md = [] {
    init_openssl_once();
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
#else
  return EVP_sha256();
#endif
}

}  // namespace

struct Sha256Hasher::State {
  EVP_MD_CTX* ctx = nullptr;
  State() : ctx((init_openssl_once(), EVP_MD_CTX_new())) {
    // Allocation failure of a few hundred bytes or a missing SHA-256 in
    // libcrypto leaves nothing sensible to return; the process is broken.
    if (ctx == nullptr || EVP_DigestInit_ex(ctx, sha256_md(), nullptr) != 1) {
      std::abort();
    }
  }
  ~State() { EVP_MD_CTX_free(ctx); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

Sha256Hasher::Sha256Hasher() : state_(std::make_unique<State>()) {}
Sha256Hasher::~Sha256Hasher() = default;
Sha256Hasher::Sha256Hasher(Sha256Hasher&&) noexcept = default;
Sha256Hasher& Sha256Hasher::operator=(Sha256Hasher&&) noexcept = default;

void Sha256Hasher::update(std::span<const std::byte> bytes) {
  if (!state_) state_ = std::make_unique<State>();  // moved-from: start over
  if (!bytes.empty()) EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
}

void Sha256Hasher::update(std::string_view bytes) {
  update(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

Sha256Digest Sha256Hasher::finish() {
  if (!state_) state_ = std::make_unique<State>();
  Sha256Digest out{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(state_->ctx, out.data(), &n);
  EVP_DigestInit_ex(state_->ctx, sha256_md(), nullptr);
  return out;
}

Sha256Digest sha256(std::span<const std::byte> bytes) {
  Sha256Hasher h;
  h.update(bytes);
  return h.finish();
}

Result<Sha256Digest> sha256(const Source& source) {
  Sha256Hasher h;
  std::vector<std::byte> block(
      static_cast<std::size_t>(std::min<std::uint64_t>(source.size(), kBlock)));
  std::uint64_t offset = 0;
  while (offset < source.size()) {
    IMAGEBANK_ASSIGN_OR_RETURN(const std::size_t n,
                               source.read_at(offset, block));
    if (n == 0) {
      return io_error(source.name() + ": file ended at byte " +
                      std::to_string(offset) + " of " +
                      std::to_string(source.size()) + " while hashing");
    }
    h.update(std::span(block.data(), n));
    offset += n;
  }
  return h.finish();
}

std::string to_hex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(64, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    s[2 * i] = kHex[digest[i] >> 4];
    s[2 * i + 1] = kHex[digest[i] & 15];
  }
  return s;
}

Result<Sha256Digest> sha256_from_hex(std::string_view hex) {
  Sha256Digest out{};
  if (hex.size() != 64) {
    return invalid_argument_error("a SHA-256 is 64 hex digits, got " +
                                  std::to_string(hex.size()) + " characters");
  }
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return invalid_argument_error("not a hex digit at position " +
                                    std::to_string(hi < 0 ? 2 * i : 2 * i + 1) +
                                    " of '" + std::string(hex) + "'");
    }
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace imagebank
