// Pillow's RGB -> "L" on RGBX rows, compiled once per Highway target:
// luma.cpp includes this through hwy/foreach_target.h (hence the toggling
// guard instead of #pragma once). Integer arithmetic only: every target
// gives Pillow's values bit for bit.
#if defined(IMAGEBANK_IMAGE_LUMA_KERNELS_INL_HPP_) == defined(HWY_TARGET_TOGGLE)
#ifdef IMAGEBANK_IMAGE_LUMA_KERNELS_INL_HPP_
#undef IMAGEBANK_IMAGE_LUMA_KERNELS_INL_HPP_
#else
#define IMAGEBANK_IMAGE_LUMA_KERNELS_INL_HPP_
#endif

#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>

HWY_BEFORE_NAMESPACE();
namespace imagebank::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void rgbx_to_luma_kernel(const std::uint8_t* rgbx, std::size_t pixels,
                         std::uint8_t* out) {
  std::size_t i = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::CappedTag<std::int32_t, 8> d32;
  const hn::Repartition<std::uint8_t, decltype(d32)> d8;
  const hn::Rebind<std::uint8_t, decltype(d32)> d8q;
  const std::size_t n = hn::Lanes(d32);
  const auto mask = hn::Set(d32, 0xFF);
  const auto wr = hn::Set(d32, 19595);
  const auto wg = hn::Set(d32, 38470);
  const auto wb = hn::Set(d32, 7471);
  const auto half = hn::Set(d32, 0x8000);
  for (; i + n <= pixels; i += n) {
    const auto v = hn::BitCast(d32, hn::LoadU(d8, rgbx + 4 * i));
    const auto r = hn::And(v, mask);
    const auto g = hn::And(hn::ShiftRight<8>(v), mask);
    const auto b = hn::And(hn::ShiftRight<16>(v), mask);
    const auto sum = hn::Add(hn::Add(hn::Mul(r, wr), hn::Mul(g, wg)),
                             hn::Add(hn::Mul(b, wb), half));
    hn::StoreU(hn::DemoteTo(d8q, hn::ShiftRight<16>(sum)), d8q, out + i);
  }
#endif
  for (; i < pixels; ++i) {
    const std::uint8_t* p = rgbx + 4 * i;
    out[i] = static_cast<std::uint8_t>(
        (p[0] * 19595u + p[1] * 38470u + p[2] * 7471u + 0x8000u) >> 16);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace imagebank::detail
HWY_AFTER_NAMESPACE();

#endif  // toggling include guard
