// Pillow's convert("L") arithmetic, shared by both grey views.
#include "grey_internal.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "image/luma_kernels-inl.hpp"
#include <hwy/foreach_target.h>  // must precede highway.h
#include <hwy/highway.h>

#include <cstring>

#include "image/luma_kernels-inl.hpp"

#if HWY_ONCE
namespace imagebank::detail {

HWY_EXPORT(rgbx_to_luma_kernel);

void rgbx_to_pillow_luma(const std::uint8_t* rgbx, std::size_t pixels,
                         std::uint8_t* out) {
  HWY_DYNAMIC_DISPATCH(rgbx_to_luma_kernel)(rgbx, pixels, out);
}

void row_to_pillow_luma(const std::uint8_t* in, int channels, std::size_t width,
                        std::uint8_t* out) {
  switch (channels) {
    case 1:
      std::memcpy(out, in, width);
      return;
    case 2:
      for (std::size_t x = 0; x < width; ++x) out[x] = in[2 * x];
      return;
    case 3:
      for (std::size_t x = 0; x < width; ++x) {
        const std::uint8_t* p = in + 3 * x;
        out[x] = pillow_luma(p[0], p[1], p[2]);
      }
      return;
    default:
      for (std::size_t x = 0; x < width; ++x) {
        const std::uint8_t* p = in + 4 * x;
        out[x] = pillow_luma(p[0], p[1], p[2]);
      }
      return;
  }
}

}  // namespace imagebank::detail
#endif  // HWY_ONCE
