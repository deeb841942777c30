#include "hash/pillow_kernels.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "hash/pillow_kernels-inl.hpp"
#include <hwy/foreach_target.h>  // must precede highway.h
#include <hwy/highway.h>

#include <algorithm>

#include "hash/pillow_kernels-inl.hpp"
#include "hash/pillow_resample.hpp"

#if HWY_ONCE
namespace imagebank::pillow {

HWY_EXPORT(horizontal_rows_kernel);

SimdTaps make_simd_taps(const Taps& taps, std::uint32_t width) {
  SimdTaps t;
  const std::size_t outputs = taps.start.size();
  std::size_t widest = 0;
  for (std::int32_t c : taps.count) {
    widest = std::max(widest, static_cast<std::size_t>(c));
  }
  const std::size_t padded = (widest + 15) / 16 * 16;
  if (padded == 0 || padded > width) return t;  // portable code instead
  t.padded = padded;
  t.load_start.resize(outputs);
  t.lo.assign(outputs * padded, 0);
  t.hi.assign(outputs * padded, 0);
  const auto ksize = static_cast<std::size_t>(taps.ksize);
  for (std::size_t i = 0; i < outputs; ++i) {
    const std::int32_t start = taps.start[i];
    const std::int32_t load =
        std::min(start, static_cast<std::int32_t>(width - padded));
    t.load_start[i] = load;
    for (std::int32_t j = 0; j < taps.count[i]; ++j) {
      const std::int32_t w = taps.weight[i * ksize + j];
      // w = hi * 65536 + lo with lo in [-32768, 32767].
      const auto lo = static_cast<std::int16_t>(static_cast<std::uint16_t>(w));
      const std::int32_t hi = (w - lo) / 65536;
      const std::size_t at =
          i * padded + static_cast<std::size_t>(start - load + j);
      t.lo[at] = lo;
      t.hi[at] = static_cast<std::int16_t>(hi);
      t.has_hi = t.has_hi || hi != 0;
    }
  }
  return t;
}

void horizontal_rows(const SimdTaps& taps, std::size_t outputs,
                     const std::uint8_t* in, std::size_t stride,
                     std::size_t rows, std::uint8_t* out,
                     std::size_t out_stride) {
  HWY_DYNAMIC_DISPATCH(horizontal_rows_kernel)
  (taps, outputs, in, stride, rows, out, out_stride);
}

}  // namespace imagebank::pillow
#endif  // HWY_ONCE
