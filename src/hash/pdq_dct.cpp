// PDQ from the 64x64 downsample on: quality, DCT, the dihedral transforms
// of the DCT and the median threshold.
//
// Arithmetic is float in the reference's order where it decides bits near
// the median (the DCT sums), so hashes agree with it bit for bit unless the
// downsample itself differs.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>

#include "hash/pdq_internal.hpp"

namespace imagebank::pdq_internal {
namespace {

// Rows 1-16 of the orthonormal 64-point DCT-II matrix: entry (i, k) is
// sqrt(2/64) cos(pi (i + 1) (2k + 1) / 128). The scale is rounded to float
// before the product, as the reference does.
using DctMatrix = std::array<float, kDct * kGrid>;

const DctMatrix& dct_matrix() {
  static const DctMatrix matrix = [] {
    DctMatrix m{};
    const float scale = static_cast<float>(std::sqrt(2.0 / kGrid));
    for (int i = 0; i < kDct; ++i) {
      for (int k = 0; k < kGrid; ++k) {
        m[static_cast<std::size_t>(i) * kGrid + k] =
            static_cast<float>(scale * std::cos(std::numbers::pi / 2.0 / kGrid *
                                                (i + 1) * (2 * k + 1)));
      }
    }
    return m;
  }();
  return matrix;
}

// How one dihedral transform acts on the coefficients: a flip along an axis
// negates the odd frequencies along it (coefficient index 0 is frequency 1,
// so the even indices), and a transpose of the image transposes the DCT.
// Rotations are a transpose then a flip. The negations are stated in the
// output's coordinates.
struct SignRule {
  bool transpose;
  bool negate_even_rows;
  bool negate_even_cols;
};

constexpr SignRule kRules[8] = {
    {false, false, false},  // original
    {true, true, false},    // rotate 90 ccw: transpose, then upside down
    {false, true, true},    // rotate 180: both flips
    {true, false, true},    // rotate 270 ccw: transpose, then left-right
    {false, true, false},   // upside down
    {false, false, true},   // left-right
    {true, false, false},   // transpose
    {true, true, true},     // transverse: transpose, then rotate 180
};

}  // namespace

int quality(const Grid& grid) {
  // Counts steps between neighbours in percent of full scale, truncated, so
  // that many small gradients (noise, JPEG ringing) add up to little.
  const auto step = [](float u, float v) {
    return std::abs(static_cast<int>((u - v) * 100.0f / 255.0f));
  };
  int sum = 0;
  for (int i = 0; i + 1 < kGrid; ++i) {
    for (int j = 0; j < kGrid; ++j) {
      sum += step(grid[i * kGrid + j], grid[(i + 1) * kGrid + j]);
    }
  }
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j + 1 < kGrid; ++j) {
      sum += step(grid[i * kGrid + j], grid[i * kGrid + j + 1]);
    }
  }
  return std::min(sum / 90, 100);
}

Dct dct(const Grid& grid) {
  const DctMatrix& d = dct_matrix();
  // B = D A D^T through T = D A (16x64).
  std::array<float, kDct * kGrid> t{};
  for (int i = 0; i < kDct; ++i) {
    for (int j = 0; j < kGrid; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < kGrid; ++k) {
        sum += d[i * kGrid + k] * grid[k * kGrid + j];
      }
      t[i * kGrid + j] = sum;
    }
  }
  Dct b{};
  for (int i = 0; i < kDct; ++i) {
    for (int j = 0; j < kDct; ++j) {
      float sum = 0.0f;
      for (int k = 0; k < kGrid; ++k) {
        sum += t[i * kGrid + k] * d[j * kGrid + k];
      }
      b[i * kDct + j] = sum;
    }
  }
  return b;
}

Dct transform(const Dct& in, Dihedral d) {
  const SignRule rule = kRules[static_cast<int>(d)];
  Dct out{};
  for (int i = 0; i < kDct; ++i) {
    for (int j = 0; j < kDct; ++j) {
      const float v = rule.transpose ? in[j * kDct + i] : in[i * kDct + j];
      const bool negate = (rule.negate_even_rows && i % 2 == 0) !=
                          (rule.negate_even_cols && j % 2 == 0);
      out[i * kDct + j] = negate ? -v : v;
    }
  }
  return out;
}

namespace {

float median(const Dct& dct) {
  Dct sorted = dct;
  std::nth_element(sorted.begin(), sorted.begin() + 127, sorted.end());
  return sorted[127];
}

}  // namespace

bool near_median(const Dct& dct) {
  // A transpose permutes the coefficients without changing their values, so
  // the four transforms without one cover all eight.
  for (const Dihedral d : {Dihedral::kOriginal, Dihedral::kRotate180,
                           Dihedral::kFlipX, Dihedral::kFlipY}) {
    const Dct t = transform(dct, d);
    const float m = median(t);
    // Coefficients outside the band keep their side of the median, so the
    // number of set bits inside it is fixed: drift can only swap set and
    // clear bits in pairs, at most min(above, at or below) pairs.
    int above = 0;
    int below = 0;
    for (const float v : t) {
      if (v > m && v - m <= kNearMedian) ++above;
      if (v <= m && m - v <= kNearMedian) ++below;
    }
    if (std::min(above, below) >= 2) return true;
  }
  return false;
}

Hash256 threshold(const Dct& dct) {
  const float m = median(dct);
  Hash256 hash{};
  for (std::size_t k = 0; k < dct.size(); ++k) {
    if (dct[k] > m) hash[k / 64] |= std::uint64_t{1} << (k % 64);
  }
  return hash;
}

}  // namespace imagebank::pdq_internal
