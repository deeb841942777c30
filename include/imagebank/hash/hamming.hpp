// Hamming distance between perceptual hashes: 64-bit (pHash, dHash, aHash)
// and 256-bit (PDQ).
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace imagebank {

// A 256-bit hash as four 64-bit words; word 0 holds bits 0-63.
using Hash256 = std::array<std::uint64_t, 4>;

constexpr int hamming(std::uint64_t a, std::uint64_t b) noexcept {
  return std::popcount(a ^ b);
}

constexpr int hamming(const Hash256& a, const Hash256& b) noexcept {
  return std::popcount(a[0] ^ b[0]) + std::popcount(a[1] ^ b[1]) +
         std::popcount(a[2] ^ b[2]) + std::popcount(a[3] ^ b[3]);
}

}  // namespace imagebank
