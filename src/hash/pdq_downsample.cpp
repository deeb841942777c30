// PDQ's downsample to 64x64: the reference's two-pass box blur and decimation
// computed only at the 4,096 points it keeps (see pdq_internal.hpp).
//
// Each output row is the weighted sum of the source rows under its vertical
// tent, accumulated over all channels at once (the rows are read as they are
// stored, no de-interleaving), then turned into luma and summed under the
// horizontal tents. The accumulation is the only per-pixel work; it is
// compiled for every Highway target and dispatched at run time.

// Compile accumulate_row for every Highway target (this file includes itself
// once per target through foreach_target.h).
#include <cstddef>
#include <cstdint>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "hash/pdq_downsample.cpp"
#include <hwy/foreach_target.h>  // must precede highway.h
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace imagebank::pdq_internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void accumulate_row_simd(const std::uint8_t* HWY_RESTRICT src, float weight,
                         std::size_t n, float* HWY_RESTRICT out) {
  const hn::ScalableTag<float> df;
  const hn::Rebind<std::int32_t, decltype(df)> di;
  const hn::Rebind<std::uint8_t, decltype(df)> d8;
  const std::size_t lanes = hn::Lanes(df);
  const auto w = hn::Set(df, weight);
  std::size_t k = 0;
  for (; k + 2 * lanes <= n; k += 2 * lanes) {
    const auto p0 =
        hn::ConvertTo(df, hn::PromoteTo(di, hn::LoadU(d8, src + k)));
    const auto p1 =
        hn::ConvertTo(df, hn::PromoteTo(di, hn::LoadU(d8, src + k + lanes)));
    // Mul then Add, never a fused MulAdd: the scalar tail and every target
    // must round alike.
    hn::StoreU(hn::Add(hn::LoadU(df, out + k), hn::Mul(w, p0)), df, out + k);
    hn::StoreU(hn::Add(hn::LoadU(df, out + k + lanes), hn::Mul(w, p1)), df,
               out + k + lanes);
  }
  for (; k < n; ++k) out[k] += weight * static_cast<float>(src[k]);
}

}  // namespace HWY_NAMESPACE
}  // namespace imagebank::pdq_internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

#include <algorithm>
#include <vector>

#include "hash/pdq_internal.hpp"

namespace imagebank::pdq_internal {

HWY_EXPORT(accumulate_row_simd);

void accumulate_row(const std::uint8_t* src, float weight, std::size_t n,
                    float* out) {
  HWY_DYNAMIC_DISPATCH(accumulate_row_simd)(src, weight, n, out);
}

std::uint32_t sample_index(std::uint32_t size, int i) {
  return static_cast<std::uint32_t>(((i + 0.5) * size) / kGrid);
}

AxisTaps axis_taps(std::uint32_t size) {
  // One box pass averages the samples [k - before, k + after] that lie
  // inside the axis; for an even window the extra sample is on the right.
  const std::int64_t n = size;
  const std::int64_t window = box_window(size);
  const std::int64_t after = (window + 2) / 2 - 1;
  const std::int64_t before = window - 1 - after;
  const auto lo = [&](std::int64_t k) {
    return std::max<std::int64_t>(0, k - before);
  };
  const auto hi = [&](std::int64_t k) {
    return std::min<std::int64_t>(n - 1, k + after);
  };

  AxisTaps taps;
  std::vector<double> diff;
  for (int i = 0; i < kGrid; ++i) {
    const std::int64_t s = sample_index(size, i);
    // Two passes: the average over k near s of the averages near k.
    const std::int64_t first = lo(lo(s));
    const std::int64_t last = hi(hi(s));
    diff.assign(static_cast<std::size_t>(last - first + 2), 0.0);
    const double outer = 1.0 / static_cast<double>(hi(s) - lo(s) + 1);
    for (std::int64_t k = lo(s); k <= hi(s); ++k) {
      const double v = outer / static_cast<double>(hi(k) - lo(k) + 1);
      diff[static_cast<std::size_t>(lo(k) - first)] += v;
      diff[static_cast<std::size_t>(hi(k) - first + 1)] -= v;
    }
    taps.start[i] = static_cast<std::uint32_t>(first);
    taps.count[i] = static_cast<std::uint32_t>(last - first + 1);
    taps.offset[i] = taps.weights.size();
    double w = 0.0;
    for (std::int64_t k = 0; k <= last - first; ++k) {
      w += diff[static_cast<std::size_t>(k)];
      taps.weights.push_back(static_cast<float>(w));
    }
  }
  return taps;
}

Grid downsample(const Image& image) {
  const std::uint32_t width = image.width();
  const int channels = image.channels();
  const std::size_t samples = std::size_t{width} * channels;
  const AxisTaps across = axis_taps(width);
  const AxisTaps down = axis_taps(image.height());

  std::vector<float> row(samples);
  std::vector<float> luma(width);
  Grid grid{};
  for (int i = 0; i < kGrid; ++i) {
    std::fill(row.begin(), row.end(), 0.0f);
    for (std::uint32_t k = 0; k < down.count[i]; ++k) {
      accumulate_row(image.row(down.start[i] + k),
                     down.weights[down.offset[i] + k], samples, row.data());
    }
    // Luma after the vertical blur equals the blur of the luma (linear),
    // and costs one conversion per column instead of one per pixel.
    if (channels >= 3) {
      for (std::uint32_t x = 0; x < width; ++x) {
        const float* p = &row[std::size_t{x} * channels];
        luma[x] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      }
    } else {
      for (std::uint32_t x = 0; x < width; ++x) {
        luma[x] = row[std::size_t{x} * channels];
      }
    }
    for (int j = 0; j < kGrid; ++j) {
      const float* w = &across.weights[across.offset[j]];
      const float* p = &luma[across.start[j]];
      float sum = 0.0f;
      for (std::uint32_t k = 0; k < across.count[j]; ++k) sum += w[k] * p[k];
      grid[static_cast<std::size_t>(i) * kGrid + j] = sum;
    }
  }
  return grid;
}

}  // namespace imagebank::pdq_internal

#endif  // HWY_ONCE
