// Internal: the SIMD kernels of the imagehash-compatible path, compiled per
// Highway target (pillow_kernels-inl.hpp) and dispatched at run time. All
// integer arithmetic: the results equal the portable code bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace imagebank::pillow {

struct Taps;

// Horizontal taps laid out for the kernel: per output `padded` int16
// weights (a multiple of 16) split as weight = hi * 65536 + lo, placed so
// that one load of `padded` samples from `load_start` stays inside the row
// (right-edge outputs load from further left, their weights start later).
struct SimdTaps {
  std::size_t padded = 0;
  bool has_hi = false;  // any weight outside int16
  std::vector<std::int32_t> load_start;
  std::vector<std::int16_t> lo;
  std::vector<std::int16_t> hi;
};

// For a row of `width` samples; empty (padded == 0) when the row is too
// narrow for a full load, and the portable code runs instead.
SimdTaps make_simd_taps(const Taps& taps, std::uint32_t width);

// out[i] = clip8(sum of row[j] * weight) for each output of `taps`, for
// `rows` rows `stride` bytes apart into rows of `out_stride`.
void horizontal_rows(const SimdTaps& taps, std::size_t outputs,
                     const std::uint8_t* in, std::size_t stride,
                     std::size_t rows, std::uint8_t* out,
                     std::size_t out_stride);

}  // namespace imagebank::pillow
