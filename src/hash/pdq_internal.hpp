// Internals of PDQ shared by pdq.cpp, pdq_downsample.cpp and the tests. Not
// part of the public API.
//
// The reference blurs the whole luma image with two passes of a box filter
// along rows and columns (a tent, Jarosz's approximation of a Gaussian) and
// then keeps 64x64 samples of it. The blur is linear and separable, so each
// kept sample is a weighted sum of the pixels around it with the weights of
// the box filter applied twice: we compute only those 4,096 sums, reading
// each pixel about once, instead of four full-image passes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "imagebank/hash/hamming.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank::pdq_internal {

inline constexpr int kGrid = 64;  // the downsample is kGrid x kGrid
inline constexpr int kDct = 16;   // the hash keeps kDct x kDct coefficients

using Grid = std::array<float, kGrid * kGrid>;  // row-major
using Dct =
    std::array<float, kDct * kDct>;  // row-major, (vertical, horizontal)

// The reference's box window for reducing `size` samples to kGrid: a
// 1/(2 * kGrid) of the size, rounded up (two passes make a full cell).
constexpr std::uint32_t box_window(std::uint32_t size) {
  return (size + 2 * kGrid - 1) / (2 * kGrid);
}

// Which input sample output cell `i` of an axis of `size` keeps (the
// reference samples cell centres, rounding down).
std::uint32_t sample_index(std::uint32_t size, int i);

// One axis of the downsample: output i = sum over k < count[i] of
// weights[offset[i] + k] * input[start[i] + k]. Each output's weights sum to
// 1 (the box filter divides by the samples inside the image at the edges).
struct AxisTaps {
  std::array<std::uint32_t, kGrid> start{};
  std::array<std::uint32_t, kGrid> count{};
  std::array<std::size_t, kGrid> offset{};
  std::vector<float> weights;
};
AxisTaps axis_taps(std::uint32_t size);

// The blurred and decimated luma. `image` must be non-empty.
Grid downsample(const Image& image);

// The same downsample with the reference's own float roundings (slower:
// two sequential passes along every row). See pdq_exact.cpp.
Grid downsample_exact(const Image& image);

// out[k] += weight * src[k] for k < n, vectorised for the CPU at hand. Each
// element is one multiply and one add, so every target gives the same bits.
void accumulate_row(const std::uint8_t* src, float weight, std::size_t n,
                    float* out);

// The reference's gradient-sum quality (0-100) of the downsample.
int quality(const Grid& grid);

// Coefficients 1-16 x 1-16 of the 2-D DCT-II of the downsample (the DC term
// carries no shape and is skipped).
Dct dct(const Grid& grid);

// The 8 rotations and flips, in the public pdq_dihedral() order.
enum class Dihedral : int {
  kOriginal = 0,
  kRotate90,
  kRotate180,
  kRotate270,
  kFlipX,
  kFlipY,
  kTranspose,
  kTransverse,
};

// The DCT of the image transformed by `d`, from the DCT of the image.
Dct transform(const Dct& dct, Dihedral d);

// Whether the fast downsample may give more than 2 bits the reference would
// not, in the DCT or any of its dihedral transforms: true when at least 2
// coefficients on each side of the median lie within kNearMedian of it,
// where the reference's rounding drift (up to ~0.01 measured) could swap
// them across it.
inline constexpr float kNearMedian = 0.05f;
bool near_median(const Dct& dct);

// Bit i * 16 + j set where coefficient (i, j) is above the median (the
// 128th smallest of the 256).
Hash256 threshold(const Dct& dct);

}  // namespace imagebank::pdq_internal
