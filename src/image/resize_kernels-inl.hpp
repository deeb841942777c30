// SIMD kernels of resize, compiled once per Highway target: resize.cpp
// includes this through hwy/foreach_target.h (hence the toggling guard
// instead of #pragma once) and dispatches at run time, so the library needs
// no -m flags yet uses AVX2 where the CPU has it.
//
// All arithmetic is integer (int16 x int16 -> int32 pairwise products, the
// pmaddwd of Pillow-SIMD) and matches the scalar kernels of
// resize_internal.hpp bit for bit, whatever the vector width.
#if defined(IMAGEBANK_IMAGE_RESIZE_KERNELS_INL_HPP_) == \
    defined(HWY_TARGET_TOGGLE)
#ifdef IMAGEBANK_IMAGE_RESIZE_KERNELS_INL_HPP_
#undef IMAGEBANK_IMAGE_RESIZE_KERNELS_INL_HPP_
#else
#define IMAGEBANK_IMAGE_RESIZE_KERNELS_INL_HPP_
#endif

#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include <algorithm>

#include "image/resize_internal.hpp"

HWY_BEFORE_NAMESPACE();
namespace imagebank::resize_internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET == HWY_SCALAR

// One-lane vectors gain nothing over the portable kernels.
void build_hplan(const Taps& taps, HKind kind, std::size_t /*src_samples*/,
                 HPlan* plan) {
  plan->kind = kind;
  plan->taps = &taps;
  plan->out_width = taps.start.size();
  plan->vec_end = 0;
}
void horizontal(const HPlan& plan, const void* const* src,
                std::int16_t* const* dst, std::size_t rows) {
  for (std::size_t r = 0; r < rows; ++r) {
    horizontal_scalar(plan, src[r], dst[r], 0, plan.out_width);
  }
}
void vertical_u8(const std::int16_t* const* rows, const std::int32_t* pairs,
                 std::size_t npairs, std::size_t samples, std::uint8_t* dst) {
  vertical_scalar(rows, pairs, npairs, 0, samples, dst);
}
void vertical_i16(const std::int16_t* const* rows, const std::int32_t* pairs,
                  std::size_t npairs, std::size_t samples, std::int16_t* dst) {
  vertical_scalar(rows, pairs, npairs, 0, samples, dst);
}

#else

// Vectors are capped at 256 bits: the horizontal kernels give each 128-bit
// block its own taps, and one 16-byte load of RGB source holds the taps of
// two blocks at most. (On AVX-512 CPUs this still runs the AVX2-width code.)
using D8 = hn::CappedTag<std::uint8_t, 32>;
using D16 = hn::Repartition<std::int16_t, D8>;
using D32 = hn::Repartition<std::int32_t, D8>;
using D32x4 = hn::Full128<std::int32_t>;
constexpr std::size_t kBlocks = hn::MaxLanes(D8()) / 16;
constexpr std::size_t kLanes16 = hn::MaxLanes(D16());

// Taps per vector group of each kind.
constexpr std::size_t group_taps(HKind kind) {
  switch (channels_of(kind)) {
    case 1:
      return kLanes16;
    case 2:
      return 4 * kBlocks;
    default:
      return 2 * kBlocks;
  }
}

// Byte shuffles (per 128-bit block) that turn source pixels into int16
// lanes pairing one channel of two neighbouring taps, so that one pairwise
// multiply-add applies two taps to every channel. 0x80 yields zero.
// clang-format off
alignas(32) constexpr std::uint8_t kShuffleU8C3[32] = {
    0, 0x80, 3, 0x80, 1, 0x80, 4, 0x80, 2, 0x80, 5, 0x80, 0x80, 0x80, 0x80, 0x80,
    6, 0x80, 9, 0x80, 7, 0x80, 10, 0x80, 8, 0x80, 11, 0x80, 0x80, 0x80, 0x80, 0x80};
alignas(32) constexpr std::uint8_t kShuffleI16C2[32] = {
    0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15,
    0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15};
alignas(32) constexpr std::uint8_t kShuffleI16C4[32] = {
    0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15,
    0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15};
// clang-format on

// The weights of group g of one output, in the lane order its kernel needs.
void expand_group(HKind kind, const std::int16_t* w, std::int32_t count,
                  std::size_t g, std::int16_t* out) {
  const auto tap = [&](std::size_t t) -> std::int16_t {
    return t < static_cast<std::size_t>(count) ? w[t] : 0;
  };
  const std::size_t first = g * group_taps(kind);
  const std::size_t c = channels_of(kind);
  for (std::size_t b = 0; b < kBlocks; ++b) {
    std::int16_t* lanes = out + 8 * b;
    if (c == 1) {
      for (std::size_t i = 0; i < 8; ++i) lanes[i] = tap(first + 8 * b + i);
    } else if (c == 2) {
      const std::size_t t = first + 4 * b;
      const std::int16_t v[8] = {tap(t),     tap(t + 1), tap(t),
                                 tap(t + 1), tap(t + 2), tap(t + 3),
                                 tap(t + 2), tap(t + 3)};
      std::copy(v, v + 8, lanes);
    } else {
      const std::size_t t = first + 2 * b;
      for (std::size_t i = 0; i < 4; ++i) {
        lanes[2 * i] = i < c ? tap(t) : 0;
        lanes[2 * i + 1] = i < c ? tap(t + 1) : 0;
      }
    }
  }
}

void build_hplan(const Taps& taps, HKind kind, std::size_t src_samples,
                 HPlan* plan) {
  const std::size_t out = taps.start.size();
  const std::size_t per_group = group_taps(kind);
  const std::size_t c = channels_of(kind);
  const std::size_t max_groups =
      (static_cast<std::size_t>(taps.stride) + per_group - 1) / per_group;
  plan->kind = kind;
  plan->taps = &taps;
  plan->out_width = out;
  plan->stride = max_groups * kLanes16;
  plan->groups.assign(out, 0);
  plan->weights.assign(out * plan->stride, 0);
  // Samples one group's loads read, counted from the group's first tap.
  const std::size_t load = kind == HKind::kU8C3 ? 16 : kLanes16;
  plan->vec_end = out;
  for (std::size_t x = 0; x < out; ++x) {
    const std::size_t groups =
        (static_cast<std::size_t>(taps.count[x]) + per_group - 1) / per_group;
    plan->groups[x] = static_cast<std::int32_t>(groups);
    for (std::size_t g = 0; g < groups; ++g) {
      expand_group(kind, &taps.weights[x * taps.stride], taps.count[x], g,
                   &plan->weights[x * plan->stride + g * kLanes16]);
    }
    const std::size_t last_read =
        (taps.start[x] + (groups - 1) * per_group) * c + load;
    if (last_read > src_samples && plan->vec_end == out) plan->vec_end = x;
  }
}

// Adds the 128-bit blocks of v: the partial sums of their taps.
template <class V>
HWY_INLINE hn::Vec<D32x4> fold_blocks(V v) {
  if constexpr (kBlocks == 2) {
    const hn::Half<D32> dh;
    return hn::Add(hn::LowerHalf(dh, v), hn::UpperHalf(dh, v));
  } else {
    return v;
  }
}

// The pixel sums of `sum` (channels in lanes 0-3) shifted down to the
// intermediate scale and stored as 4 int16 (the extra lanes are overwritten
// by the next pixel or land in the row padding).
template <int kShift>
HWY_INLINE void store_pixel(hn::Vec<D32x4> sum, std::int16_t* dst) {
  const D32x4 d4;
  const hn::Rebind<std::int16_t, D32x4> d16x4;
  sum = hn::ShiftRight<kShift>(hn::Add(sum, hn::Set(d4, 1 << (kShift - 1))));
  hn::StoreU(hn::DemoteTo(d16x4, sum), d16x4, dst);
}

// Group g of the taps of one output pixel, as int16 lanes that pair one
// channel of two neighbouring taps (s points at the pixel's first tap).
template <HKind kKind>
HWY_INLINE hn::Vec<D16> load_group(const void* s, std::size_t g) {
  const D8 d8;
  const D16 d16;
  constexpr std::size_t kStep = group_taps(kKind) * channels_of(kKind);
  const auto* u8 = static_cast<const std::uint8_t*>(s) + g * kStep;
  const auto* i16 = static_cast<const std::int16_t*>(s) + g * kStep;
  if constexpr (kKind == HKind::kU8C1) {
    const hn::Rebind<std::uint8_t, D16> d8h;
    const hn::RebindToUnsigned<D16> du16;
    return hn::BitCast(d16, hn::PromoteTo(du16, hn::LoadU(d8h, u8)));
  } else if constexpr (kKind == HKind::kU8C3) {
    const auto bytes = hn::LoadDup128(d8, u8);
    return hn::BitCast(
        d16, hn::TableLookupBytesOr0(bytes, hn::Load(d8, kShuffleU8C3)));
  } else {
    const auto shuffle =
        hn::Load(d8, kKind == HKind::kI16C2 ? kShuffleI16C2 : kShuffleI16C4);
    return hn::BitCast(d16, hn::TableLookupBytes(
                                hn::BitCast(d8, hn::LoadU(d16, i16)), shuffle));
  }
}

// Stores one output pixel from the accumulators of its taps.
template <HKind kKind>
HWY_INLINE void finish_pixel(hn::Vec<D32> sum0, hn::Vec<D32> sum1,
                             std::int16_t* dst) {
  // u8 sources carry no fraction, int16 ones carry kMidBits already.
  constexpr int kShift = is_u8(kKind) ? kWeightBits - kMidBits : kWeightBits;
  const D32 d32;
  if constexpr (channels_of(kKind) == 1) {
    const auto total =
        hn::SumOfLanes(d32, hn::RearrangeToOddPlusEven(sum0, sum1));
    const std::int32_t v = (hn::GetLane(total) + (1 << (kShift - 1))) >> kShift;
    *dst = static_cast<std::int16_t>(std::clamp(v, -32768, 32767));
  } else {
    auto sum = fold_blocks(hn::RearrangeToOddPlusEven(sum0, sum1));
    if constexpr (kKind == HKind::kI16C2) {
      // Lanes hold (grey, alpha) of taps 0-1 and of taps 2-3.
      sum = hn::Add(sum, hn::Shuffle1032(sum));
    }
    store_pixel<kShift>(sum, dst);
  }
}

// Filters kRows source rows at once: they share every weight load and the
// loop overhead, which is most of the cost of a narrow kernel.
template <HKind kKind, std::size_t kRows>
void horizontal_rows(const HPlan& plan, const void* const* src,
                     std::int16_t* const* dst) {
  static_assert(kRows >= 1 && kRows <= 4);
  const D16 d16;
  const D32 d32;
  constexpr std::size_t kC = channels_of(kKind);
  constexpr std::size_t kBytes = is_u8(kKind) ? 1 : 2;
  const auto at = [&](std::size_t r, std::size_t x) -> const void* {
    return static_cast<const std::uint8_t*>(src[r]) +
           static_cast<std::size_t>(plan.taps->start[x]) * kC * kBytes;
  };
  for (std::size_t x = 0; x < plan.vec_end; ++x) {
    const std::int16_t* HWY_RESTRICT w = &plan.weights[x * plan.stride];
    const std::size_t n = static_cast<std::size_t>(plan.groups[x]);
    const void* s0 = at(0, x);
    const void* s1 = kRows > 1 ? at(1, x) : s0;
    const void* s2 = kRows > 2 ? at(2, x) : s0;
    const void* s3 = kRows > 3 ? at(3, x) : s0;
    auto a0 = hn::Zero(d32), b0 = hn::Zero(d32);
    auto a1 = hn::Zero(d32), b1 = hn::Zero(d32);
    auto a2 = hn::Zero(d32), b2 = hn::Zero(d32);
    auto a3 = hn::Zero(d32), b3 = hn::Zero(d32);
    for (std::size_t g = 0; g < n; ++g) {
      const auto wv = hn::LoadU(d16, w + g * kLanes16);
      a0 = hn::ReorderWidenMulAccumulate(d32, load_group<kKind>(s0, g), wv, a0,
                                         b0);
      if constexpr (kRows > 1) {
        a1 = hn::ReorderWidenMulAccumulate(d32, load_group<kKind>(s1, g), wv,
                                           a1, b1);
      }
      if constexpr (kRows > 2) {
        a2 = hn::ReorderWidenMulAccumulate(d32, load_group<kKind>(s2, g), wv,
                                           a2, b2);
      }
      if constexpr (kRows > 3) {
        a3 = hn::ReorderWidenMulAccumulate(d32, load_group<kKind>(s3, g), wv,
                                           a3, b3);
      }
    }
    finish_pixel<kKind>(a0, b0, dst[0] + x * kC);
    if constexpr (kRows > 1) finish_pixel<kKind>(a1, b1, dst[1] + x * kC);
    if constexpr (kRows > 2) finish_pixel<kKind>(a2, b2, dst[2] + x * kC);
    if constexpr (kRows > 3) finish_pixel<kKind>(a3, b3, dst[3] + x * kC);
  }
  for (std::size_t r = 0; r < kRows; ++r) {
    horizontal_scalar(plan, src[r], dst[r], plan.vec_end, plan.out_width);
  }
}

template <HKind kKind>
void horizontal_kind(const HPlan& plan, const void* const* src,
                     std::int16_t* const* dst, std::size_t rows) {
  for (; rows >= 4; rows -= 4, src += 4, dst += 4) {
    horizontal_rows<kKind, 4>(plan, src, dst);
  }
  switch (rows) {
    case 3:
      return horizontal_rows<kKind, 3>(plan, src, dst);
    case 2:
      return horizontal_rows<kKind, 2>(plan, src, dst);
    case 1:
      return horizontal_rows<kKind, 1>(plan, src, dst);
    default:
      return;
  }
}

void horizontal(const HPlan& plan, const void* const* src,
                std::int16_t* const* dst, std::size_t rows) {
  switch (plan.kind) {
    case HKind::kU8C1:
      return horizontal_kind<HKind::kU8C1>(plan, src, dst, rows);
    case HKind::kU8C3:
      return horizontal_kind<HKind::kU8C3>(plan, src, dst, rows);
    case HKind::kI16C2:
      return horizontal_kind<HKind::kI16C2>(plan, src, dst, rows);
    case HKind::kI16C4:
      return horizontal_kind<HKind::kI16C4>(plan, src, dst, rows);
  }
}

// Rounds, shifts and saturates the accumulators of one vector of samples.
template <int kShift>
HWY_INLINE hn::Vec<D16> narrow(hn::Vec<D32> lo0, hn::Vec<D32> lo1,
                               hn::Vec<D32> hi0, hn::Vec<D32> hi1) {
  const D16 d16;
  const D32 d32;
  const auto round = hn::Set(d32, 1 << (kShift - 1));
  const auto lo = hn::ShiftRight<kShift>(
      hn::Add(hn::RearrangeToOddPlusEven(lo0, lo1), round));
  const auto hi = hn::ShiftRight<kShift>(
      hn::Add(hn::RearrangeToOddPlusEven(hi0, hi1), round));
  // Demoting pairs blocks the same way the interleaves split them, so the
  // samples come back in order.
  return hn::ReorderDemote2To(d16, lo, hi);
}

// The weighted sums of `npairs` row pairs at samples [x, x + 2 * Lanes), in
// two vectors: two per pass amortise the row pointer and weight loads.
template <int kShift>
HWY_INLINE void vertical_vectors(const std::int16_t* const* rows,
                                 const std::int32_t* pairs, std::size_t npairs,
                                 std::size_t x, hn::Vec<D16>& out0,
                                 hn::Vec<D16>& out1) {
  const D16 d16;
  const D32 d32;
  const std::size_t n = hn::Lanes(d16);
  auto lo0 = hn::Zero(d32), lo1 = hn::Zero(d32);
  auto hi0 = hn::Zero(d32), hi1 = hn::Zero(d32);
  auto lo2 = hn::Zero(d32), lo3 = hn::Zero(d32);
  auto hi2 = hn::Zero(d32), hi3 = hn::Zero(d32);
  for (std::size_t k = 0; k < npairs; ++k) {
    const std::int16_t* ra = rows[2 * k];
    const std::int16_t* rb = rows[2 * k + 1];
    const auto w = hn::BitCast(d16, hn::Set(d32, pairs[k]));
    const auto a0 = hn::LoadU(d16, ra + x), b0 = hn::LoadU(d16, rb + x);
    const auto a1 = hn::LoadU(d16, ra + x + n);
    const auto b1 = hn::LoadU(d16, rb + x + n);
    lo0 = hn::ReorderWidenMulAccumulate(d32, hn::InterleaveLower(d16, a0, b0),
                                        w, lo0, lo1);
    hi0 = hn::ReorderWidenMulAccumulate(d32, hn::InterleaveUpper(d16, a0, b0),
                                        w, hi0, hi1);
    lo2 = hn::ReorderWidenMulAccumulate(d32, hn::InterleaveLower(d16, a1, b1),
                                        w, lo2, lo3);
    hi2 = hn::ReorderWidenMulAccumulate(d32, hn::InterleaveUpper(d16, a1, b1),
                                        w, hi2, hi3);
  }
  out0 = narrow<kShift>(lo0, lo1, hi0, hi1);
  out1 = narrow<kShift>(lo2, lo3, hi2, hi3);
}

// Each sample reads a column of rows far apart in memory, more streams than
// the hardware prefetcher follows (113 rows for Lanczos3 reducing 19x):
// fetch every row's next cache lines ahead, once per line.
HWY_INLINE void prefetch_rows(const std::int16_t* const* rows,
                              std::size_t nrows, std::size_t x) {
  if (x % 32 != 0) return;
  for (std::size_t r = 0; r < nrows; ++r) hwy::Prefetch(rows[r] + x + 256);
}

// Runs `store(x, v0, v1)` over the row in steps of two vectors; a ragged end
// is covered by one last step overlapping the previous one, which rewrites
// the same values.
template <int kShift, class Store>
HWY_INLINE void vertical_row(const std::int16_t* const* rows,
                             const std::int32_t* pairs, std::size_t npairs,
                             std::size_t samples, const Store& store) {
  const std::size_t step = 2 * hn::Lanes(D16());
  if (samples < step) return;
  for (std::size_t x = 0;; x += step) {
    x = std::min(x, samples - step);
    prefetch_rows(rows, 2 * npairs, x);
    hn::Vec<D16> v0, v1;
    vertical_vectors<kShift>(rows, pairs, npairs, x, v0, v1);
    store(x, v0, v1);
    if (x + step == samples) return;
  }
}

void vertical_u8(const std::int16_t* const* rows, const std::int32_t* pairs,
                 std::size_t npairs, std::size_t samples, std::uint8_t* dst) {
  const hn::Rebind<std::uint8_t, D16> d8h;
  const std::size_t n = hn::Lanes(d8h);
  if (samples < 2 * n) {
    return vertical_scalar(rows, pairs, npairs, 0, samples, dst);
  }
  vertical_row<kWeightBits + kMidBits>(
      rows, pairs, npairs, samples,
      [&](std::size_t x, hn::Vec<D16> v0, hn::Vec<D16> v1) {
        hn::StoreU(hn::DemoteTo(d8h, v0), d8h, dst + x);
        hn::StoreU(hn::DemoteTo(d8h, v1), d8h, dst + x + n);
      });
}

void vertical_i16(const std::int16_t* const* rows, const std::int32_t* pairs,
                  std::size_t npairs, std::size_t samples, std::int16_t* dst) {
  const D16 d16;
  const std::size_t n = hn::Lanes(d16);
  if (samples < 2 * n) {
    return vertical_scalar(rows, pairs, npairs, 0, samples, dst);
  }
  vertical_row<kWeightBits>(
      rows, pairs, npairs, samples,
      [&](std::size_t x, hn::Vec<D16> v0, hn::Vec<D16> v1) {
        hn::StoreU(v0, d16, dst + x);
        hn::StoreU(v1, d16, dst + x + n);
      });
}

#endif  // HWY_TARGET == HWY_SCALAR

const KernelTable* get_kernel_table() {
  static const KernelTable table = {hwy::TargetName(HWY_TARGET), &build_hplan,
                                    &horizontal, &vertical_u8, &vertical_i16};
  return &table;
}

}  // namespace HWY_NAMESPACE
}  // namespace imagebank::resize_internal
HWY_AFTER_NAMESPACE();

#endif  // include guard
