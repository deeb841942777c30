// SIMD kernels of the imagehash-compatible path, compiled once per Highway
// target: pillow_kernels.cpp includes this through hwy/foreach_target.h
// (hence the toggling guard instead of #pragma once).
//
// Pillow sums int32 products in a fixed order; integer sums do not depend
// on the order (all arithmetic here wraps modulo 2^32 as Pillow's int does
// in practice), so the pairwise int16 products of pmaddwd give the same
// totals. A weight needs up to 24 bits: it is split as hi * 65536 + lo with
// both halves in int16, and hi is skipped when every weight fits in lo.
#if defined(IMAGEBANK_HASH_PILLOW_KERNELS_INL_HPP_) == \
    defined(HWY_TARGET_TOGGLE)
#ifdef IMAGEBANK_HASH_PILLOW_KERNELS_INL_HPP_
#undef IMAGEBANK_HASH_PILLOW_KERNELS_INL_HPP_
#else
#define IMAGEBANK_HASH_PILLOW_KERNELS_INL_HPP_
#endif

#include <hwy/highway.h>

#include <algorithm>

#include "hash/pillow_kernels.hpp"
#include "hash/pillow_resample.hpp"

HWY_BEFORE_NAMESPACE();
namespace imagebank::pillow {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

HWY_INLINE std::uint8_t clip8_sum(std::uint32_t sum) {
  const std::int32_t v = static_cast<std::int32_t>(sum) >> kPrecisionBits;
  return static_cast<std::uint8_t>(std::clamp(v, 0, 255));
}

#if HWY_TARGET == HWY_SCALAR

void horizontal_rows_kernel(const SimdTaps& t, std::size_t outputs,
                            const std::uint8_t* in, std::size_t stride,
                            std::size_t rows, std::uint8_t* out,
                            std::size_t out_stride) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t i = 0; i < outputs; ++i) {
      const std::uint8_t* src = in + r * stride + t.load_start[i];
      std::uint32_t lo = 0;
      std::uint32_t hi = 0;
      for (std::size_t j = 0; j < t.padded; ++j) {
        lo += static_cast<std::uint32_t>(t.lo[i * t.padded + j]) * src[j];
        hi += static_cast<std::uint32_t>(t.hi[i * t.padded + j]) * src[j];
      }
      out[r * out_stride + i] =
          clip8_sum(lo + (hi << 16) + (1u << (kPrecisionBits - 1)));
    }
  }
}

#else

using D16 = hn::CappedTag<std::int16_t, 16>;

// Four rows at once: each weight vector is loaded once for all of them, and
// the rows' sums are independent dependency chains (kept in registers:
// named variables, not arrays). ReorderWidenMulAccumulate's second sum is
// unused on x86 but required by the API.
template <bool kHasHi>
HWY_INLINE void horizontal_four(const SimdTaps& t, std::size_t outputs,
                                const std::uint8_t* in, std::size_t stride,
                                std::uint8_t* out, std::size_t out_stride) {
  const D16 d16;
  const hn::Repartition<std::int32_t, D16> d32;
  const hn::Rebind<std::uint8_t, D16> d8;
  const hn::RebindToUnsigned<D16> du16;
  const std::size_t n = hn::Lanes(d16);
  auto load = [&](const std::uint8_t* p) {
    return hn::BitCast(d16, hn::PromoteTo(du16, hn::LoadU(d8, p)));
  };
  auto total = [&](auto lo0, auto lo1, auto hi0, auto hi1) {
    auto sum = static_cast<std::uint32_t>(
        hn::GetLane(hn::SumOfLanes(d32, hn::RearrangeToOddPlusEven(lo0, lo1))));
    if constexpr (kHasHi) {
      sum += static_cast<std::uint32_t>(hn::GetLane(
                 hn::SumOfLanes(d32, hn::RearrangeToOddPlusEven(hi0, hi1))))
             << 16;
    }
    return clip8_sum(sum + (1u << (kPrecisionBits - 1)));
  };
  for (std::size_t i = 0; i < outputs; ++i) {
    const std::uint8_t* s0 = in + t.load_start[i];
    const std::uint8_t* s1 = s0 + stride;
    const std::uint8_t* s2 = s1 + stride;
    const std::uint8_t* s3 = s2 + stride;
    const std::int16_t* lo = &t.lo[i * t.padded];
    const std::int16_t* hi = &t.hi[i * t.padded];
    auto a0 = hn::Zero(d32), b0 = hn::Zero(d32), c0 = hn::Zero(d32),
         e0 = hn::Zero(d32);
    auto a1 = hn::Zero(d32), b1 = hn::Zero(d32), c1 = hn::Zero(d32),
         e1 = hn::Zero(d32);
    auto ha0 = hn::Zero(d32), hb0 = hn::Zero(d32), hc0 = hn::Zero(d32),
         he0 = hn::Zero(d32);
    auto ha1 = hn::Zero(d32), hb1 = hn::Zero(d32), hc1 = hn::Zero(d32),
         he1 = hn::Zero(d32);
    for (std::size_t j = 0; j < t.padded; j += n) {
      const auto w = hn::LoadU(d16, lo + j);
      const auto p0 = load(s0 + j);
      const auto p1 = load(s1 + j);
      const auto p2 = load(s2 + j);
      const auto p3 = load(s3 + j);
      a0 = hn::ReorderWidenMulAccumulate(d32, p0, w, a0, a1);
      b0 = hn::ReorderWidenMulAccumulate(d32, p1, w, b0, b1);
      c0 = hn::ReorderWidenMulAccumulate(d32, p2, w, c0, c1);
      e0 = hn::ReorderWidenMulAccumulate(d32, p3, w, e0, e1);
      if constexpr (kHasHi) {
        const auto wh = hn::LoadU(d16, hi + j);
        ha0 = hn::ReorderWidenMulAccumulate(d32, p0, wh, ha0, ha1);
        hb0 = hn::ReorderWidenMulAccumulate(d32, p1, wh, hb0, hb1);
        hc0 = hn::ReorderWidenMulAccumulate(d32, p2, wh, hc0, hc1);
        he0 = hn::ReorderWidenMulAccumulate(d32, p3, wh, he0, he1);
      }
    }
    out[i] = total(a0, a1, ha0, ha1);
    out[out_stride + i] = total(b0, b1, hb0, hb1);
    out[2 * out_stride + i] = total(c0, c1, hc0, hc1);
    out[3 * out_stride + i] = total(e0, e1, he0, he1);
  }
}

// One row, two chains per sum (even and odd vectors).
template <bool kHasHi>
HWY_INLINE void horizontal_one(const SimdTaps& t, std::size_t outputs,
                               const std::uint8_t* in, std::uint8_t* out) {
  const D16 d16;
  const hn::Repartition<std::int32_t, D16> d32;
  const hn::Rebind<std::uint8_t, D16> d8;
  const hn::RebindToUnsigned<D16> du16;
  const std::size_t n = hn::Lanes(d16);
  for (std::size_t i = 0; i < outputs; ++i) {
    const std::uint8_t* src = in + t.load_start[i];
    const std::int16_t* lo = &t.lo[i * t.padded];
    const std::int16_t* hi = &t.hi[i * t.padded];
    auto l0 = hn::Zero(d32), l1 = hn::Zero(d32);
    auto h0 = hn::Zero(d32), h1 = hn::Zero(d32);
    for (std::size_t j = 0; j < t.padded; j += n) {
      const auto px =
          hn::BitCast(d16, hn::PromoteTo(du16, hn::LoadU(d8, src + j)));
      l0 = hn::ReorderWidenMulAccumulate(d32, px, hn::LoadU(d16, lo + j), l0,
                                         l1);
      if constexpr (kHasHi) {
        h0 = hn::ReorderWidenMulAccumulate(d32, px, hn::LoadU(d16, hi + j), h0,
                                           h1);
      }
    }
    auto sum = static_cast<std::uint32_t>(
        hn::GetLane(hn::SumOfLanes(d32, hn::RearrangeToOddPlusEven(l0, l1))));
    if constexpr (kHasHi) {
      sum += static_cast<std::uint32_t>(hn::GetLane(
                 hn::SumOfLanes(d32, hn::RearrangeToOddPlusEven(h0, h1))))
             << 16;
    }
    out[i] = clip8_sum(sum + (1u << (kPrecisionBits - 1)));
  }
}

template <bool kHasHi>
HWY_INLINE void horizontal_all(const SimdTaps& t, std::size_t outputs,
                               const std::uint8_t* in, std::size_t stride,
                               std::size_t rows, std::uint8_t* out,
                               std::size_t out_stride) {
  std::size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    horizontal_four<kHasHi>(t, outputs, in + r * stride, stride,
                            out + r * out_stride, out_stride);
  }
  for (; r < rows; ++r) {
    horizontal_one<kHasHi>(t, outputs, in + r * stride, out + r * out_stride);
  }
}

void horizontal_rows_kernel(const SimdTaps& t, std::size_t outputs,
                            const std::uint8_t* in, std::size_t stride,
                            std::size_t rows, std::uint8_t* out,
                            std::size_t out_stride) {
  if (t.has_hi) {
    horizontal_all<true>(t, outputs, in, stride, rows, out, out_stride);
  } else {
    horizontal_all<false>(t, outputs, in, stride, rows, out, out_stride);
  }
}

#endif  // HWY_TARGET == HWY_SCALAR

}  // namespace HWY_NAMESPACE
}  // namespace imagebank::pillow
HWY_AFTER_NAMESPACE();

#endif  // include guard
