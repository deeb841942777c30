// Internal to HashIndex's tests and benchmarks (header-only, not compiled
// into the library): the data sets they share, so the clustered data the
// tests check is the data the benchmarks time, and a brute-force reference.
//
// Clustered data models a fashion catalog's perceptual hashes: a few
// thousand products (seeds), each photographed many times, so every hash is
// its seed with a few bits flipped (0 to max_flips; 0 is a re-upload of the
// same picture). The seeds themselves have the low-entropy structure of
// photos on white backgrounds: a quarter of the bits are biased (set 85% of
// the time, as a bright border sets an aHash/dHash bit), a quarter are noisy
// copies of another quarter (neighbouring DCT coefficients move together),
// the rest are uniform. benchmarks/peers/hash_index_vs_faiss.py generates the
// same model with numpy.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "imagebank/hash/hash_index.hpp"

namespace imagebank::hash_index::testdata {

// SplitMix64: a tiny deterministic generator, identical everywhere.
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : s_(seed) {}
  std::uint64_t operator()() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return (*this)() % n; }
  // True with probability num / 1000.
  bool chance(unsigned num) { return below(1000) < num; }

 private:
  std::uint64_t s_;
};

// One 64-bit word of a structured seed: bits 0-15 biased, bits 16-31 noisy
// copies of bits 32-47, bits 32-63 uniform.
inline std::uint64_t structured_word(SplitMix& rng) {
  std::uint64_t w = rng() & 0xFFFFFFFF00000000ull;
  for (int b = 0; b < 16; ++b) {
    if (rng.chance(850)) w |= std::uint64_t{1} << b;
  }
  for (int b = 16; b < 32; ++b) {
    std::uint64_t bit = (w >> (b + 16)) & 1u;
    if (rng.chance(100)) bit ^= 1u;
    w |= bit << b;
  }
  return w;
}

// n hashes of `words` words each (1 or 4).
inline std::vector<std::uint64_t> random_hashes(std::size_t n, int words,
                                                std::uint64_t seed) {
  SplitMix rng(seed);
  std::vector<std::uint64_t> out(n * static_cast<std::size_t>(words));
  for (auto& w : out) w = rng();
  return out;
}

inline std::vector<std::uint64_t> structured_seeds(std::size_t seeds, int words,
                                                   std::uint64_t seed) {
  SplitMix rng(seed);
  std::vector<std::uint64_t> out(seeds * static_cast<std::size_t>(words));
  for (auto& w : out) w = structured_word(rng);
  return out;
}

// Flips `flips` distinct random bits of h (words words).
inline void flip_bits(std::uint64_t* h, int words, int flips, SplitMix& rng) {
  const int bits = 64 * words;
  std::uint64_t done[4] = {0, 0, 0, 0};
  for (int f = 0; f < flips;) {
    const int b = static_cast<int>(rng.below(static_cast<std::uint64_t>(bits)));
    if ((done[b / 64] >> (b % 64)) & 1u) continue;
    done[b / 64] |= std::uint64_t{1} << (b % 64);
    h[b / 64] ^= std::uint64_t{1} << (b % 64);
    ++f;
  }
}

inline std::vector<std::uint64_t> clustered_hashes(std::size_t n, int words,
                                                   std::size_t seeds,
                                                   int max_flips,
                                                   std::uint64_t seed) {
  const std::vector<std::uint64_t> base = structured_seeds(seeds, words, seed);
  SplitMix rng(seed ^ 0x5EED5EED5EED5EEDull);
  std::vector<std::uint64_t> out(n * static_cast<std::size_t>(words));
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t* h = out.data() + i * words;
    const std::size_t s = rng.below(seeds);
    std::copy_n(base.data() + s * words, words, h);
    flip_bits(h, words, static_cast<int>(rng.below(max_flips + 1)), rng);
  }
  return out;
}

// Queries near the data: a stored hash (or a seed) with up to max_flips bits
// flipped; the typical query of a near-duplicate check.
inline std::vector<std::uint64_t> queries_near(
    const std::vector<std::uint64_t>& data, int words, std::size_t count,
    int max_flips, std::uint64_t seed) {
  SplitMix rng(seed);
  const std::size_t n = data.size() / static_cast<std::size_t>(words);
  std::vector<std::uint64_t> out(count * static_cast<std::size_t>(words));
  for (std::size_t i = 0; i < count; ++i) {
    std::copy_n(data.data() + rng.below(n) * words, words,
                out.data() + i * words);
    flip_bits(out.data() + i * words, words,
              static_cast<int>(rng.below(max_flips + 1)), rng);
  }
  return out;
}

inline Hash256 as_hash256(const std::uint64_t* h, int words) {
  Hash256 out{};
  std::copy_n(h, words, out.begin());
  return out;
}

// Every (id, distance) within radius, by distance then id.
inline std::vector<HashIndex::Match> brute_force(
    const std::vector<std::uint64_t>& ids,
    const std::vector<std::uint64_t>& hashes, int words, const Hash256& q,
    int radius) {
  std::vector<HashIndex::Match> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    int d = 0;
    for (int w = 0; w < words; ++w) {
      d += std::popcount(hashes[i * words + w] ^ q[w]);
    }
    if (d <= radius) out.push_back({ids[i], d});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.id < b.id;
  });
  return out;
}

}  // namespace imagebank::hash_index::testdata
