// Internals of resize shared by resize.cpp, crop.cpp, the per-target SIMD
// kernels (resize_kernels-inl.hpp) and the tests. Not part of the public API.
//
// Arithmetic is fixed point so that every SIMD target, the scalar fallback
// and any split of the rows across threads produce the same bytes:
//  - weights are int16 and sum to exactly 1 << kWeightBits per output sample;
//  - the intermediate (horizontally filtered) rows are int16 holding the value
//    times 1 << kMidBits, so the vertical pass starts from ~1/128 LSB error
//    instead of re-quantising to 8 bits between the passes as Pillow does;
//  - premultiplied samples of images with alpha are int16 in the same scale.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/image.hpp"
#include "imagebank/image/resize.hpp"

namespace imagebank::resize_internal {

inline constexpr int kWeightBits = 14;
inline constexpr int kMidBits = 6;
// int16 samples of slack after every row buffer: vector loads and the 4-lane
// stores of the horizontal kernels may run this far past the last sample.
inline constexpr std::size_t kRowPad = 64;

// The taps of one axis: output sample i reads `count[i]` source samples from
// `start[i]` on, with the weights at `weights[i * stride]`.
struct Taps {
  std::vector<std::int32_t> start;
  std::vector<std::int32_t> count;
  std::vector<std::int16_t> weights;  // zero padded to `stride` per output
  std::int32_t stride = 0;            // the largest count
};

// Taps mapping `in_size` source samples onto an axis of `out_size` samples,
// for outputs [first, first + n) of that axis (a window of the full resize,
// as fit_to's cover crops need). Each output's weights sum to exactly
// 1 << kWeightBits, taps outside the source are dropped (edges renormalised)
// and the table is mirror-symmetric: output i of a flipped source equals
// output out_size - 1 - i of the source.
Taps make_taps(std::uint32_t in_size, std::uint32_t out_size,
               std::uint32_t first, std::uint32_t n, Filter filter);

// What the horizontal pass reads: the 8-bit rows of images without alpha,
// or the premultiplied int16 rows of images with alpha.
enum class HKind : int { kU8C1, kU8C3, kI16C2, kI16C4 };

constexpr std::size_t channels_of(HKind kind) {
  switch (kind) {
    case HKind::kU8C1:
      return 1;
    case HKind::kI16C2:
      return 2;
    case HKind::kU8C3:
      return 3;
    case HKind::kI16C4:
      break;
  }
  return 4;
}
constexpr bool is_u8(HKind kind) {
  return kind == HKind::kU8C1 || kind == HKind::kU8C3;
}

// The horizontal taps laid out for one SIMD target's kernel: per output pixel
// `stride` int16, one vector of weights per group of taps (a group is as
// many taps as the kernel consumes per vector load).
struct HPlan {
  HKind kind = HKind::kU8C3;
  const Taps* taps = nullptr;
  std::size_t out_width = 0;
  // Outputs [0, vec_end) take the SIMD path; their loads stay inside the
  // source row. The rest (the right edge of narrow images) are scalar.
  std::size_t vec_end = 0;
  std::size_t stride = 0;
  std::vector<std::int32_t> groups;  // vector groups per output pixel
  std::vector<std::int16_t> weights;
};

// One SIMD target's kernels (or the portable scalar ones). Intermediate
// rows are int16 in the 1 << kMidBits scale.
struct KernelTable {
  const char* target_name;
  // `src_samples` is how many samples a source row holds, padding included.
  void (*build_hplan)(const Taps& taps, HKind kind, std::size_t src_samples,
                      HPlan* plan);
  // Source rows (uint8_t or int16_t per kind) to intermediate rows; several
  // rows per call let the kernel share each weight load between them.
  void (*horizontal)(const HPlan& plan, const void* const* src,
                     std::int16_t* const* dst, std::size_t rows);
  // dst[x] = sum over pairs k of rows 2k and 2k+1 weighted by the int16
  // halves of pairs[k] (low half for the even row), for x < samples. The
  // u8 form rounds and clamps to 0-255, the int16 form keeps the kMidBits
  // fraction (the alpha path unpremultiplies from it).
  void (*vertical_u8)(const std::int16_t* const* rows,
                      const std::int32_t* pairs, std::size_t npairs,
                      std::size_t samples, std::uint8_t* dst);
  void (*vertical_i16)(const std::int16_t* const* rows,
                       const std::int32_t* pairs, std::size_t npairs,
                       std::size_t samples, std::int16_t* dst);
};

// The portable kernels, inline so that the SIMD kernels' tails use them: the
// reference every target must match exactly.
inline std::int32_t round_shift(std::int32_t acc, int shift) {
  return (acc + (1 << (shift - 1))) >> shift;
}

inline void horizontal_scalar(const HPlan& plan, const void* src,
                              std::int16_t* dst, std::size_t x_begin,
                              std::size_t x_end) {
  const Taps& taps = *plan.taps;
  const std::size_t c = channels_of(plan.kind);
  const bool u8 = is_u8(plan.kind);
  const int shift = u8 ? kWeightBits - kMidBits : kWeightBits;
  const auto* s8 = static_cast<const std::uint8_t*>(src);
  const auto* s16 = static_cast<const std::int16_t*>(src);
  for (std::size_t x = x_begin; x < x_end; ++x) {
    const std::int16_t* w = &taps.weights[x * taps.stride];
    const std::size_t first = static_cast<std::size_t>(taps.start[x]) * c;
    for (std::size_t ch = 0; ch < c; ++ch) {
      std::int32_t acc = 0;
      for (std::int32_t t = 0; t < taps.count[x]; ++t) {
        const std::size_t i = first + static_cast<std::size_t>(t) * c + ch;
        acc += w[t] * (u8 ? std::int32_t{s8[i]} : std::int32_t{s16[i]});
      }
      dst[x * c + ch] = static_cast<std::int16_t>(
          std::clamp(round_shift(acc, shift), -32768, 32767));
    }
  }
}

// The vertical kernels' reference; the output type sets the rounding.
template <typename Out>
void vertical_scalar(const std::int16_t* const* rows, const std::int32_t* pairs,
                     std::size_t npairs, std::size_t x_begin, std::size_t x_end,
                     Out* dst) {
  constexpr bool kToU8 = sizeof(Out) == 1;
  constexpr int kShift = kToU8 ? kWeightBits + kMidBits : kWeightBits;
  constexpr std::int32_t kLo = kToU8 ? 0 : -32768;
  constexpr std::int32_t kHi = kToU8 ? 255 : 32767;
  for (std::size_t x = x_begin; x < x_end; ++x) {
    std::int32_t acc = 0;
    for (std::size_t k = 0; k < npairs; ++k) {
      const auto w0 = static_cast<std::int16_t>(pairs[k] & 0xFFFF);
      const auto w1 = static_cast<std::int16_t>(pairs[k] >> 16);
      acc += w0 * rows[2 * k][x] + w1 * rows[2 * k + 1][x];
    }
    dst[x] = static_cast<Out>(std::clamp(round_shift(acc, kShift), kLo, kHi));
  }
}

// The kernels of the best target this CPU supports (or the one forced for a
// test).
const KernelTable& kernels();

// Test hooks: the SIMD targets compiled in and supported by this CPU, and a
// way to force one (0 restores automatic choice). Forcing affects the whole
// process; tests only.
std::vector<std::int64_t> supported_targets();
std::string target_name(std::int64_t target);
void force_target_for_test(std::int64_t target);

// resize() of the window (x, y, width, height) of the `full_width` x
// `full_height` resize of `image`, without computing the rest: the same
// bytes as resizing fully and cropping, at the cost of the window only.
Result<Image> resize_window(const Image& image, std::uint32_t full_width,
                            std::uint32_t full_height, std::uint32_t x,
                            std::uint32_t y, std::uint32_t width,
                            std::uint32_t height, const ResizeOptions& options);

}  // namespace imagebank::resize_internal
