// Internal: Pillow 13's Image.resize(size, LANCZOS) of an 8-bit grey ("L")
// image, reproduced bit for bit (ImagingResample in libImaging/Resample.c),
// for several output sizes at once and fed one batch of rows at a time, so a
// decoder can stream rows through it without the image ever being stored.
//
// What has to match Pillow exactly:
//  - the taps: per output, the window [xmin, xmin + n) and the Lanczos-3
//    weights in double (libm sin, the same operation order), normalised to
//    sum 1, then rounded half away from zero to 22-bit fixed point;
//  - each pass sums sample x weight in 32-bit integers from 1 << 21 and
//    keeps bits 22+ clamped to 0-255, so the intermediate image is rounded
//    to 8 bits between the passes;
//  - the pass order: horizontal first (over only the rows the vertical pass
//    reads), unless the height shrinks by more than twice as many pixels as
//    the width, then vertical first; a pass whose axis keeps its size is
//    skipped.
// Integer sums do not depend on the order of the terms (they are exact
// modulo 2^32, as Pillow's int sums are in practice), which is what lets the
// vertical-first pass accumulate row by row as the rows arrive and the
// horizontal pass use SIMD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace imagebank::pillow {

inline constexpr int kPrecisionBits = 22;  // Pillow's PRECISION_BITS

struct Size2 {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// The taps of one axis, in_size -> out_size (box = the whole axis).
struct Taps {
  std::vector<std::int32_t> start;   // first source sample of each output
  std::vector<std::int32_t> count;   // number of source samples read
  std::vector<std::int32_t> weight;  // `ksize` per output, fixed point
  int ksize = 0;
};
Taps lanczos_taps(std::uint32_t in_size, std::uint32_t out_size);

// Horizontal pass of one row: out[i] = clip8(sum of in[start + j] * w[j]).
void horizontal_row(const Taps& taps, const std::uint8_t* in,
                    std::uint8_t* out);

struct AxisTaps;

class Resampler {
 public:
  // An input of width x height resized to each of `targets`.
  Resampler(std::uint32_t width, std::uint32_t height,
            std::span<const Size2> targets);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // The next `count` rows of the input, top to bottom, `stride` bytes apart.
  void add_rows(const std::uint8_t* rows, std::size_t count,
                std::size_t stride);

  // Target i (width x height, row-major), once every row has been added.
  const std::vector<std::uint8_t>& result(std::size_t i);

 private:
  struct Target;
  void horizontal(const AxisTaps& h, const std::uint8_t* rows,
                  std::size_t stride, std::size_t count, std::uint8_t* out,
                  std::size_t out_stride);
  void accumulate(Target& t, const std::uint8_t* row, std::int32_t y);

  std::uint32_t width_;
  std::uint32_t height_;
  std::uint32_t next_row_ = 0;
  std::vector<std::unique_ptr<Target>> targets_;
};

}  // namespace imagebank::pillow
