// The pieces of PDQ: downsample taps, the SIMD kernel, the exact path, DCT
// transforms, threshold and quality.
#include "hash/pdq_internal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

namespace imagebank::pdq_internal {
namespace {

Image noise_image(std::uint32_t w, std::uint32_t h, int channels,
                  std::uint32_t seed) {
  std::mt19937 rng(seed);
  Image image = Image::create(w, h, channels).value();
  // Smooth plus noise: structure at every scale.
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w * channels; ++x) {
      const double base = 128 + 100 * std::sin(x * 0.01 + y * 0.02);
      image.row(y)[x] = static_cast<std::uint8_t>(
          std::clamp(base + static_cast<int>(rng() % 41) - 20, 0.0, 255.0));
    }
  }
  return image;
}

Dct sample_dct(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, 50.0f);
  Dct d;
  for (float& v : d) v = n(rng);
  return d;
}

int popcount(const Hash256& h) {
  return std::popcount(h[0]) + std::popcount(h[1]) + std::popcount(h[2]) +
         std::popcount(h[3]);
}

TEST(PdqTaps, WeightsSumToOneAndCoverTheSample) {
  for (const std::uint32_t size :
       {5u, 37u, 64u, 127u, 128u, 129u, 1000u, 3172u, 5640u, 16384u}) {
    SCOPED_TRACE(size);
    const AxisTaps taps = axis_taps(size);
    for (int i = 0; i < kGrid; ++i) {
      const float* w = &taps.weights[taps.offset[i]];
      const double sum = std::accumulate(w, w + taps.count[i], 0.0);
      EXPECT_NEAR(sum, 1.0, 1e-5);
      EXPECT_LE(taps.start[i] + taps.count[i], size);
      const std::uint32_t s = sample_index(size, i);
      EXPECT_GE(s, taps.start[i]);
      EXPECT_LT(s, taps.start[i] + taps.count[i]);
      // Two passes of a window w: a tent 2w - 1 wide.
      EXPECT_LE(taps.count[i], 2 * box_window(size) - 1);
      EXPECT_TRUE(
          std::all_of(w, w + taps.count[i], [](float v) { return v > 0.0f; }));
    }
  }
  // At 64 the downsample is the identity.
  const AxisTaps same = axis_taps(64);
  for (int i = 0; i < kGrid; ++i) {
    EXPECT_EQ(same.start[i], static_cast<std::uint32_t>(i));
    EXPECT_EQ(same.count[i], 1u);
    EXPECT_EQ(same.weights[same.offset[i]], 1.0f);
  }
  EXPECT_EQ(box_window(64), 1u);
  EXPECT_EQ(box_window(128), 1u);
  EXPECT_EQ(box_window(129), 2u);
  EXPECT_EQ(box_window(5640), 45u);
}

TEST(PdqKernel, AccumulateRowEqualsScalarBitForBit) {
  std::mt19937 rng(3);
  for (const std::size_t n : {0u, 1u, 3u, 7u, 8u, 15u, 16u, 17u, 31u, 33u, 64u,
                              100u, 1001u, 16923u}) {
    std::vector<std::uint8_t> src(n);
    for (auto& v : src) v = static_cast<std::uint8_t>(rng());
    std::vector<float> out(n), want(n);
    for (std::size_t k = 0; k < n; ++k) {
      want[k] = out[k] = static_cast<float>(rng() % 100000) / 7.0f;
    }
    const float w = 0.0123456f;
    accumulate_row(src.data(), w, n, out.data());
    for (std::size_t k = 0; k < n; ++k)
      want[k] += w * static_cast<float>(src[k]);
    EXPECT_EQ(out, want) << n;
  }
}

TEST(PdqDownsample, FastAndExactAgreeClosely) {
  for (const auto& [w, h, c] :
       {std::tuple{64u, 64u, 3}, std::tuple{5u, 7u, 1},
        std::tuple{63u, 200u, 4}, std::tuple{300u, 200u, 3},
        std::tuple{1021u, 517u, 2}, std::tuple{1600u, 1200u, 3}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    const Image image = noise_image(w, h, c, w + h);
    const Grid fast = downsample(image);
    const Grid exact = downsample_exact(image);
    float worst = 0.0f;
    for (std::size_t k = 0; k < fast.size(); ++k) {
      worst = std::max(worst, std::abs(fast[k] - exact[k]));
    }
    EXPECT_LT(worst, 1e-3f);
  }
}

TEST(PdqDownsample, Exact64x64IsTheLuma) {
  const Image image = noise_image(64, 64, 3, 9);
  const Grid g = downsample_exact(image);
  for (std::uint32_t y = 0; y < 64; ++y) {
    for (std::uint32_t x = 0; x < 64; ++x) {
      const std::uint8_t* p = image.row(y) + x * 3;
      EXPECT_EQ(g[y * 64 + x],
                static_cast<float>(p[0] * 0.299 + p[1] * 0.587 + p[2] * 0.114));
    }
  }
}

TEST(PdqDownsample, ConstantImageGivesConstantGrid) {
  Image image = Image::create(333, 222, 1).value();
  std::fill(image.data(), image.data() + image.size_bytes(), 77);
  for (const Grid& g : {downsample(image), downsample_exact(image)}) {
    for (const float v : g) EXPECT_NEAR(v, 77.0f, 1e-3f);
  }
  // Integer luma sums exactly in the reference's running sums.
  for (const float v : downsample_exact(image)) EXPECT_EQ(v, 77.0f);
}

TEST(PdqTransform, GroupLaws) {
  const Dct d = sample_dct(1);
  const auto t = [](const Dct& x, Dihedral k) { return transform(x, k); };
  EXPECT_EQ(t(d, Dihedral::kOriginal), d);
  EXPECT_EQ(t(t(d, Dihedral::kRotate90), Dihedral::kRotate90),
            t(d, Dihedral::kRotate180));
  EXPECT_EQ(t(t(d, Dihedral::kRotate90), Dihedral::kRotate180),
            t(d, Dihedral::kRotate270));
  EXPECT_EQ(t(t(d, Dihedral::kRotate270), Dihedral::kRotate90), d);
  for (const Dihedral k :
       {Dihedral::kFlipX, Dihedral::kFlipY, Dihedral::kTranspose,
        Dihedral::kTransverse, Dihedral::kRotate180}) {
    EXPECT_EQ(t(t(d, k), k), d) << static_cast<int>(k);
  }
  EXPECT_EQ(t(t(d, Dihedral::kFlipX), Dihedral::kFlipY),
            t(d, Dihedral::kRotate180));
  EXPECT_EQ(t(t(d, Dihedral::kTranspose), Dihedral::kRotate180),
            t(d, Dihedral::kTransverse));
}

TEST(PdqThreshold, HalfTheBitsInCoefficientOrder) {
  Dct d;
  std::iota(d.begin(), d.end(), -100.0f);  // ascending: the top 128 set
  const Hash256 h = threshold(d);
  EXPECT_EQ(h[0], 0u);
  EXPECT_EQ(h[1], 0u);
  EXPECT_EQ(h[2], ~std::uint64_t{0});
  EXPECT_EQ(h[3], ~std::uint64_t{0});
  for (std::uint32_t seed = 1; seed < 20; ++seed) {
    EXPECT_EQ(popcount(threshold(sample_dct(seed))), 128);
  }
  // Ties at the median stay clear; all-equal coefficients give no bits.
  Dct flat;
  flat.fill(0.0f);
  EXPECT_EQ(popcount(threshold(flat)), 0);
}

TEST(PdqThreshold, NearMedianFlagsCrowdsOnBothSides) {
  Dct d;
  for (int k = 0; k < 256; ++k) d[k] = static_cast<float>(k);  // spaced by 1
  EXPECT_FALSE(near_median(d));
  Dct crowd = d;
  // Two more just above and two just below the median (127).
  crowd[0] = 127.01f;
  crowd[1] = 127.02f;
  crowd[255] = 126.99f;
  crowd[254] = 126.98f;
  EXPECT_TRUE(near_median(crowd));
  // One on one side is at most one swap: 2 bits.
  Dct one = d;
  one[0] = 127.01f;
  one[255] = 126.99f;
  EXPECT_FALSE(near_median(one));
  Dct zero;
  zero.fill(0.0f);
  EXPECT_FALSE(near_median(zero));  // all tied: no bit can change
}

TEST(PdqQuality, CountsSignificantSteps) {
  Grid g;
  g.fill(0.0f);
  EXPECT_EQ(quality(g), 0);
  // One full-scale vertical edge: 64 steps of 100 -> 6400 / 90.
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 32; j < kGrid; ++j) g[i * kGrid + j] = 255.0f;
  }
  EXPECT_EQ(quality(g), 71);
  // Steps under 1% of full scale count nothing.
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid; ++j) g[i * kGrid + j] = 2.5f * ((i + j) % 2);
  }
  EXPECT_EQ(quality(g), 0);
  // A checkerboard of full steps saturates at 100.
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid; ++j) g[i * kGrid + j] = 255.0f * ((i + j) % 2);
  }
  EXPECT_EQ(quality(g), 100);
}

}  // namespace
}  // namespace imagebank::pdq_internal
