// Internal to HashIndex: the hot loops that do not depend on the index's
// structure (linear popcount scans, distance histograms) and the XXH64
// checksum of the file format.
//
// The library is built for baseline x86-64, where std::popcount is a dozen
// instructions. The scans are compiled a second time for AVX2 (popcount of
// four 64-bit hashes per instruction sequence, Mula's nibble lookup) and for
// the POPCNT instruction, and picked once per process from the CPU's
// features; code elsewhere that needs a fast popcount is built through
// IMAGEBANK_TARGET_POPCNT and dispatched on has_popcnt().
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define IMAGEBANK_HASH_INDEX_X86 1
#define IMAGEBANK_TARGET_POPCNT __attribute__((target("popcnt")))
#define IMAGEBANK_TARGET_AVX2 __attribute__((target("avx2,popcnt")))
#define IMAGEBANK_TARGET_BMI2 __attribute__((target("bmi2")))
#else
#define IMAGEBANK_TARGET_BMI2
#define IMAGEBANK_HASH_INDEX_X86 0
#define IMAGEBANK_TARGET_POPCNT
#define IMAGEBANK_TARGET_AVX2
#endif

#if defined(__GNUC__) || defined(__clang__)
#define IMAGEBANK_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define IMAGEBANK_ALWAYS_INLINE inline
#endif

namespace imagebank::hash_index {

bool has_popcnt() noexcept;
bool has_avx2() noexcept;

// Which scan kernel the process uses ("avx2", "popcnt" or "portable"), for
// benchmarks and reports.
const char* scan_kernel_name() noexcept;

// Popcount distance of two hashes of W 64-bit words.
template <int W>
IMAGEBANK_ALWAYS_INLINE int distance(const std::uint64_t* a,
                                     const std::uint64_t* b) noexcept {
  int d = 0;
  for (int w = 0; w < W; ++w) d += std::popcount(a[w] ^ b[w]);
  return d;
}

// Whether PEXT is both present and fast (Intel since Haswell, AMD since Zen
// 3; Zen 1 and 2 run it in microcode, tens of times slower than a lookup).
bool has_fast_pext() noexcept;

// pairs[i] = key(hash i) << 32 | i, where the key packs the bits of `mask`
// (words words, ascending bit order) as PEXT does. Only when
// has_fast_pext().
void pext_keys(const std::uint64_t* hashes, int words, std::size_t n,
               const std::uint64_t* mask, std::uint64_t* pairs);

// Appends to `rows` the index of every hash in [begin, end) (hashes of
// `words` words each) within `radius` of `query`.
void scan_within(const std::uint64_t* hashes, int words, std::size_t begin,
                 std::size_t end, const std::uint64_t* query, int radius,
                 std::vector<std::uint32_t>& rows);

// hist[d] += number of hashes in [0, n) at distance d from query;
// hist has 64 * words + 1 entries.
void distance_histogram(const std::uint64_t* hashes, int words, std::size_t n,
                        const std::uint64_t* query, std::uint64_t* hist);

// XXH64 (Yann Collet's algorithm), streaming: update() any number of times,
// then digest().
class Xxh64 {
 public:
  explicit Xxh64(std::uint64_t seed = 0) noexcept;
  void update(const void* data, std::size_t len) noexcept;
  std::uint64_t digest() const noexcept;

 private:
  std::uint64_t v_[4];
  std::uint64_t seed_;
  std::uint64_t total_ = 0;
  unsigned char buf_[32];
  std::size_t buffered_ = 0;
};

std::uint64_t xxh64(const void* data, std::size_t len,
                    std::uint64_t seed = 0) noexcept;

}  // namespace imagebank::hash_index
