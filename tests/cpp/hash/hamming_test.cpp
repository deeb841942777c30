#include "imagebank/hash/hamming.hpp"

#include <gtest/gtest.h>

#include <random>

namespace imagebank {
namespace {

int naive(std::uint64_t a, std::uint64_t b) {
  int n = 0;
  for (int i = 0; i < 64; ++i) n += static_cast<int>(((a ^ b) >> i) & 1);
  return n;
}

TEST(Hamming, Bits64) {
  static_assert(hamming(std::uint64_t{0}, ~std::uint64_t{0}) == 64);
  EXPECT_EQ(hamming(std::uint64_t{0x8000000000000001}, std::uint64_t{0}), 2);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t a = rng(), b = rng();
    ASSERT_EQ(hamming(a, b), naive(a, b));
    ASSERT_EQ(hamming(a, a), 0);
  }
}

TEST(Hamming, Bits256SumsTheWords) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 1000; ++i) {
    Hash256 a{rng(), rng(), rng(), rng()}, b{rng(), rng(), rng(), rng()};
    int want = 0;
    for (int w = 0; w < 4; ++w) want += naive(a[w], b[w]);
    ASSERT_EQ(hamming(a, b), want);
  }
  constexpr Hash256 zero{}, ones{~0ull, ~0ull, ~0ull, ~0ull};
  static_assert(hamming(zero, ones) == 256);
}

}  // namespace
}  // namespace imagebank
