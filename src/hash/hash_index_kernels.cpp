#include "hash/hash_index_kernels.hpp"

#include <cstring>

#if IMAGEBANK_HASH_INDEX_X86
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace imagebank::hash_index {
namespace {

#if IMAGEBANK_HASH_INDEX_X86
struct Cpu {
  bool popcnt;
  bool avx2;
  bool fast_pext;
  Cpu() {
    __builtin_cpu_init();
    popcnt = __builtin_cpu_supports("popcnt");
    avx2 = popcnt && __builtin_cpu_supports("avx2");
    fast_pext = __builtin_cpu_supports("bmi2");
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (fast_pext && __get_cpuid(0, &a, &b, &c, &d) &&
        b == 0x68747541u /* "Auth" of AuthenticAMD */) {
      __get_cpuid(1, &a, &b, &c, &d);
      unsigned family = (a >> 8) & 0xfu;
      if (family == 0xfu) family += (a >> 20) & 0xffu;
      fast_pext = family >= 0x19;  // Zen 3 and later
    }
  }
};

IMAGEBANK_TARGET_BMI2 void pext_keys_bmi2(const std::uint64_t* hashes,
                                          int words, std::size_t n,
                                          const std::uint64_t* mask,
                                          std::uint64_t* pairs) {
  if (words == 1) {
    const std::uint64_t m = mask[0];
    for (std::size_t i = 0; i < n; ++i) {
      pairs[i] = _pext_u64(hashes[i], m) << 32 | i;
    }
    return;
  }
  int shift[4];
  for (int w = 0, at = 0; w < 4; ++w) {
    shift[w] = at;
    at += std::popcount(mask[w]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t* h = hashes + i * 4;
    std::uint64_t key = 0;
    for (int w = 0; w < 4; ++w) key |= _pext_u64(h[w], mask[w]) << shift[w];
    pairs[i] = key << 32 | i;
  }
}
const Cpu& cpu() {
  static const Cpu c;
  return c;
}
#endif

template <int W>
IMAGEBANK_ALWAYS_INLINE void scan_scalar(const std::uint64_t* hashes,
                                         std::size_t begin, std::size_t end,
                                         const std::uint64_t* query, int radius,
                                         std::vector<std::uint32_t>& rows) {
  for (std::size_t i = begin; i < end; ++i) {
    if (distance<W>(hashes + i * W, query) <= radius) {
      rows.push_back(static_cast<std::uint32_t>(i));
    }
  }
}

template <int W>
IMAGEBANK_ALWAYS_INLINE void histogram_scalar(const std::uint64_t* hashes,
                                              std::size_t n,
                                              const std::uint64_t* query,
                                              std::uint64_t* hist) {
  for (std::size_t i = 0; i < n; ++i)
    ++hist[distance<W>(hashes + i * W, query)];
}

void scan_portable(const std::uint64_t* hashes, int words, std::size_t begin,
                   std::size_t end, const std::uint64_t* query, int radius,
                   std::vector<std::uint32_t>& rows) {
  if (words == 1) {
    scan_scalar<1>(hashes, begin, end, query, radius, rows);
  } else {
    scan_scalar<4>(hashes, begin, end, query, radius, rows);
  }
}

void histogram_portable(const std::uint64_t* hashes, int words, std::size_t n,
                        const std::uint64_t* query, std::uint64_t* hist) {
  if (words == 1) {
    histogram_scalar<1>(hashes, n, query, hist);
  } else {
    histogram_scalar<4>(hashes, n, query, hist);
  }
}

#if IMAGEBANK_HASH_INDEX_X86
IMAGEBANK_TARGET_POPCNT void scan_popcnt(const std::uint64_t* hashes, int words,
                                         std::size_t begin, std::size_t end,
                                         const std::uint64_t* query, int radius,
                                         std::vector<std::uint32_t>& rows) {
  if (words == 1) {
    scan_scalar<1>(hashes, begin, end, query, radius, rows);
  } else {
    scan_scalar<4>(hashes, begin, end, query, radius, rows);
  }
}

IMAGEBANK_TARGET_POPCNT void histogram_popcnt(const std::uint64_t* hashes,
                                              int words, std::size_t n,
                                              const std::uint64_t* query,
                                              std::uint64_t* hist) {
  if (words == 1) {
    histogram_scalar<1>(hashes, n, query, hist);
  } else {
    histogram_scalar<4>(hashes, n, query, hist);
  }
}

// Popcount of each 64-bit lane: byte counts from a nibble table (Mula), then
// summed per lane by vpsadbw.
IMAGEBANK_TARGET_AVX2 inline __m256i popcount_lanes(__m256i x) {
  const __m256i table =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                       2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(x, low));
  const __m256i hi = _mm256_shuffle_epi8(
      table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
  return _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256());
}

// 64-bit hashes, 16 per iteration. Hits are rare (a few per million for a
// near-duplicate radius), so the loop only tests one 16-bit mask.
IMAGEBANK_TARGET_AVX2 void scan64_avx2(const std::uint64_t* hashes,
                                       std::size_t begin, std::size_t end,
                                       std::uint64_t query, int radius,
                                       std::vector<std::uint32_t>& rows) {
  const __m256i q = _mm256_set1_epi64x(static_cast<long long>(query));
  const __m256i r = _mm256_set1_epi64x(radius);
  std::size_t i = begin;
  for (; i + 16 <= end; i += 16) {
    const auto* p = reinterpret_cast<const __m256i*>(hashes + i);
    unsigned far = 0;
    for (int v = 0; v < 4; ++v) {
      const __m256i x = _mm256_xor_si256(_mm256_loadu_si256(p + v), q);
      const __m256i gt = _mm256_cmpgt_epi64(popcount_lanes(x), r);
      far |= static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(gt)))
             << (4 * v);
    }
    unsigned hits = ~far & 0xffffu;
    while (hits != 0) {
      rows.push_back(static_cast<std::uint32_t>(i + std::countr_zero(hits)));
      hits &= hits - 1;
    }
  }
  for (; i < end; ++i) {
    if (std::popcount(hashes[i] ^ query) <= radius) {
      rows.push_back(static_cast<std::uint32_t>(i));
    }
  }
}

IMAGEBANK_TARGET_AVX2 void histogram64_avx2(const std::uint64_t* hashes,
                                            std::size_t n, std::uint64_t query,
                                            std::uint64_t* hist) {
  const __m256i q = _mm256_set1_epi64x(static_cast<long long>(query));
  std::size_t i = 0;
  alignas(32) std::uint64_t d[4];
  for (; i + 4 <= n; i += 4) {
    const __m256i x = _mm256_xor_si256(
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hashes + i)), q);
    _mm256_store_si256(reinterpret_cast<__m256i*>(d), popcount_lanes(x));
    ++hist[d[0]];
    ++hist[d[1]];
    ++hist[d[2]];
    ++hist[d[3]];
  }
  for (; i < n; ++i) ++hist[std::popcount(hashes[i] ^ query)];
}
#endif

}  // namespace

bool has_popcnt() noexcept {
#if IMAGEBANK_HASH_INDEX_X86
  return cpu().popcnt;
#else
  return true;  // the portable code is the native popcount there
#endif
}

bool has_avx2() noexcept {
#if IMAGEBANK_HASH_INDEX_X86
  return cpu().avx2;
#else
  return false;
#endif
}

bool has_fast_pext() noexcept {
#if IMAGEBANK_HASH_INDEX_X86
  return cpu().fast_pext;
#else
  return false;
#endif
}

void pext_keys(const std::uint64_t* hashes, int words, std::size_t n,
               const std::uint64_t* mask, std::uint64_t* pairs) {
#if IMAGEBANK_HASH_INDEX_X86
  pext_keys_bmi2(hashes, words, n, mask, pairs);
#else
  (void)hashes, (void)words, (void)n, (void)mask, (void)pairs;
#endif
}

const char* scan_kernel_name() noexcept {
#if IMAGEBANK_HASH_INDEX_X86
  if (cpu().avx2) return "avx2";
  if (cpu().popcnt) return "popcnt";
#endif
  return "portable";
}

void scan_within(const std::uint64_t* hashes, int words, std::size_t begin,
                 std::size_t end, const std::uint64_t* query, int radius,
                 std::vector<std::uint32_t>& rows) {
#if IMAGEBANK_HASH_INDEX_X86
  if (cpu().avx2 && words == 1) {
    scan64_avx2(hashes, begin, end, query[0], radius, rows);
    return;
  }
  if (cpu().popcnt) {
    scan_popcnt(hashes, words, begin, end, query, radius, rows);
    return;
  }
#endif
  scan_portable(hashes, words, begin, end, query, radius, rows);
}

void distance_histogram(const std::uint64_t* hashes, int words, std::size_t n,
                        const std::uint64_t* query, std::uint64_t* hist) {
#if IMAGEBANK_HASH_INDEX_X86
  if (cpu().avx2 && words == 1) {
    histogram64_avx2(hashes, n, query[0], hist);
    return;
  }
  if (cpu().popcnt) {
    histogram_popcnt(hashes, words, n, query, hist);
    return;
  }
#endif
  histogram_portable(hashes, words, n, query, hist);
}

// ---- XXH64 -----------------------------------------------------------------

namespace {

constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ull;
constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kP3 = 0x165667B19E3779F9ull;
constexpr std::uint64_t kP4 = 0x85EBCA77C2B2A63Dull;
constexpr std::uint64_t kP5 = 0x27D4EB2F165667C5ull;

std::uint64_t read64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);  // the format is little-endian; so is every host
  return v;               // HashIndex supports (checked at open)
}
std::uint32_t read32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint64_t round64(std::uint64_t acc, std::uint64_t input) {
  acc += input * kP2;
  acc = std::rotl(acc, 31);
  return acc * kP1;
}
std::uint64_t merge_round(std::uint64_t acc, std::uint64_t val) {
  acc ^= round64(0, val);
  return acc * kP1 + kP4;
}

}  // namespace

Xxh64::Xxh64(std::uint64_t seed) noexcept
    : v_{seed + kP1 + kP2, seed + kP2, seed, seed - kP1}, seed_(seed) {}

void Xxh64::update(const void* data, std::size_t len) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  total_ += len;
  if (buffered_ + len < 32) {
    if (len != 0) std::memcpy(buf_ + buffered_, p, len);
    buffered_ += len;
    return;
  }
  if (buffered_ != 0) {
    const std::size_t take = 32 - buffered_;
    std::memcpy(buf_ + buffered_, p, take);
    for (int i = 0; i < 4; ++i) v_[i] = round64(v_[i], read64(buf_ + 8 * i));
    p += take;
    len -= take;
    buffered_ = 0;
  }
  std::uint64_t v0 = v_[0], v1 = v_[1], v2 = v_[2], v3 = v_[3];
  while (len >= 32) {
    v0 = round64(v0, read64(p));
    v1 = round64(v1, read64(p + 8));
    v2 = round64(v2, read64(p + 16));
    v3 = round64(v3, read64(p + 24));
    p += 32;
    len -= 32;
  }
  v_[0] = v0;
  v_[1] = v1;
  v_[2] = v2;
  v_[3] = v3;
  if (len != 0) std::memcpy(buf_, p, len);
  buffered_ = len;
}

std::uint64_t Xxh64::digest() const noexcept {
  std::uint64_t h;
  if (total_ >= 32) {
    h = std::rotl(v_[0], 1) + std::rotl(v_[1], 7) + std::rotl(v_[2], 12) +
        std::rotl(v_[3], 18);
    for (int i = 0; i < 4; ++i) h = merge_round(h, v_[i]);
  } else {
    h = seed_ + kP5;
  }
  h += total_;
  const unsigned char* p = buf_;
  std::size_t len = buffered_;
  while (len >= 8) {
    h ^= round64(0, read64(p));
    h = std::rotl(h, 27) * kP1 + kP4;
    p += 8;
    len -= 8;
  }
  if (len >= 4) {
    h ^= static_cast<std::uint64_t>(read32(p)) * kP1;
    h = std::rotl(h, 23) * kP2 + kP3;
    p += 4;
    len -= 4;
  }
  while (len > 0) {
    h ^= (*p) * kP5;
    h = std::rotl(h, 11) * kP1;
    ++p;
    --len;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

std::uint64_t xxh64(const void* data, std::size_t len,
                    std::uint64_t seed) noexcept {
  Xxh64 h(seed);
  h.update(data, len);
  return h.digest();
}

}  // namespace imagebank::hash_index
