// The reference's downsample, rounding step for rounding step.
//
// The fast downsample (pdq_downsample.cpp) computes the blur exactly; the
// reference computes it with float running sums whose rounding drifts by up
// to ~0.01 in DCT units. That never matters for a photo, whose coefficients
// near the median are spread far wider, but an image with no structure (one
// colour, or all of its content in the alpha channel) has every coefficient
// at rounding-noise level, and only the same roundings give the same bits.
//
// This path repeats, for every element, the reference's float operations in
// its order: a running sum along each row, down each column, along each row
// again and down each column again, each output the sum divided by the
// samples in the window. The order in which elements are visited is ours:
// the passes along rows run four rows side by side (independent dependency
// chains), the passes down columns are streamed through a ring of `window`
// rows with SIMD across the columns, and the second passes compute only what
// the 64x64 samples need. Memory stays a few rows instead of the reference's
// two full-size float images.

#include <cstddef>
#include <cstdint>

// Compile the column kernels for every Highway target (this file includes
// itself once per target through foreach_target.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "hash/pdq_exact.cpp"
#include <hwy/foreach_target.h>  // must precede highway.h
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace imagebank::pdq_internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One step of the running sums of n columns: sum = (sum + add) - sub, then
// out = sum / count; `add`, `sub` and `out` may be null (that part is
// skipped). Every element sees the same operations as a scalar loop would.
void column_step_simd(float* HWY_RESTRICT sum, const float* HWY_RESTRICT add,
                      const float* HWY_RESTRICT sub, float count,
                      float* HWY_RESTRICT out, std::size_t n) {
  const hn::ScalableTag<float> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto vcount = hn::Set(d, count);
  std::size_t k = 0;
  for (; k + lanes <= n; k += lanes) {
    auto s = hn::LoadU(d, sum + k);
    if (add != nullptr) s = hn::Add(s, hn::LoadU(d, add + k));
    if (sub != nullptr) s = hn::Sub(s, hn::LoadU(d, sub + k));
    hn::StoreU(s, d, sum + k);
    if (out != nullptr) hn::StoreU(hn::Div(s, vcount), d, out + k);
  }
  for (; k < n; ++k) {
    float s = sum[k];
    if (add != nullptr) s += add[k];
    if (sub != nullptr) s -= sub[k];
    sum[k] = s;
    if (out != nullptr) out[k] = s / count;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace imagebank::pdq_internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE

#include <algorithm>
#include <array>
#include <vector>

#include "hash/pdq_internal.hpp"

namespace imagebank::pdq_internal {

HWY_EXPORT(column_step_simd);

namespace {

constexpr int kBlock = 4;  // rows filtered side by side

void column_step(float* sum, const float* add, const float* sub, int count,
                 float* out, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(column_step_simd)
  (sum, add, sub, static_cast<float>(count), out, n);
}

// The reference's running window over n samples: `lead` samples are summed
// before the first output; then each step adds one sample and, once
// `window` are in, subtracts the oldest; the last `lead` outputs only
// subtract.
struct BoxPlan {
  std::uint32_t n;
  std::uint32_t window;
  std::uint32_t lead;
  explicit BoxPlan(std::uint32_t size)
      : n(size), window(box_window(size)), lead((window + 2) / 2 - 1) {}
};

// Filters rows in[0..kRows) along their length into out[r], or, when
// `samples` is given, stores only out[r][j] = output samples[j] (j < 64,
// ascending). The rows' running sums advance together: each is its own
// chain of dependent additions, so several side by side keep the FPU busy.
template <int kRows>
void box_rows(const float* const* in, float* const* out, const BoxPlan& plan,
              const std::array<std::uint32_t, kGrid>* samples) {
  std::array<float, kRows> sum{};
  int count = 0;
  std::uint32_t add = 0;
  std::uint32_t sub = 0;
  std::uint32_t o = 0;
  int next = 0;  // the next sample to store
  const auto emit = [&] {
    const float c = static_cast<float>(count);
    if (samples == nullptr) {
      for (int r = 0; r < kRows; ++r) out[r][o] = sum[r] / c;
    } else {
      for (; next < kGrid && (*samples)[next] == o; ++next) {
        for (int r = 0; r < kRows; ++r) out[r][next] = sum[r] / c;
      }
    }
    ++o;
  };
  for (; add < plan.lead; ++add, ++count) {
    for (int r = 0; r < kRows; ++r) sum[r] += in[r][add];
  }
  for (; add < plan.window; ++add) {
    for (int r = 0; r < kRows; ++r) sum[r] += in[r][add];
    ++count;
    emit();
  }
  for (; add < plan.n; ++add, ++sub) {
    for (int r = 0; r < kRows; ++r) {
      sum[r] += in[r][add];
      sum[r] -= in[r][sub];
    }
    emit();
  }
  for (; o < plan.n; ++sub) {
    for (int r = 0; r < kRows; ++r) sum[r] -= in[r][sub];
    --count;
    emit();
  }
}

void box_block(int rows, const float* const* in, float* const* out,
               const BoxPlan& plan,
               const std::array<std::uint32_t, kGrid>* samples = nullptr) {
  if (rows == kBlock) {
    box_rows<kBlock>(in, out, plan, samples);
  } else {
    for (int r = 0; r < rows; ++r) box_rows<1>(in + r, out + r, plan, samples);
  }
}

// The same running window down the columns of rows that arrive one at a
// time: each column goes through the operations box_rows() does along a
// row, in the same order.
class BoxColumns {
 public:
  BoxColumns(std::uint32_t height, std::size_t width)
      : plan_(height),
        width_(width),
        ring_(std::size_t{plan_.window} * width),
        sum_(width, 0.0f),
        out_(width) {}

  // Takes the next input row; returns the output row it completes, or
  // nullptr while the first outputs still wait for their window.
  const float* push(const float* row) {
    const std::uint32_t add = added_++;
    // A full window's oldest row lives in the slot the new row takes.
    float* slot = &ring_[(add % plan_.window) * width_];
    const bool full = add >= plan_.window;
    if (!full) ++count_;
    const bool emit = add >= plan_.lead;
    column_step(sum_.data(), row, full ? slot : nullptr, count_,
                emit ? out_.data() : nullptr, width_);
    std::copy(row, row + width_, slot);
    return emit ? out_.data() : nullptr;
  }

  // After the last push: the next output row, or nullptr when all are out.
  const float* drain() {
    if (emitted() >= plan_.n) return nullptr;
    const std::uint32_t oldest = plan_.n - plan_.window + drained_++;
    --count_;
    column_step(sum_.data(), nullptr, &ring_[(oldest % plan_.window) * width_],
                count_, out_.data(), width_);
    return out_.data();
  }

 private:
  std::uint32_t emitted() const {
    return added_ < plan_.lead ? 0 : added_ - plan_.lead + drained_;
  }

  BoxPlan plan_;
  std::size_t width_;
  std::vector<float> ring_;  // the last `window` input rows
  std::vector<float> sum_;
  std::vector<float> out_;
  std::uint32_t added_ = 0;
  std::uint32_t drained_ = 0;
  int count_ = 0;  // input rows in the window
};

// The luma pdqhash computes: numpy's float64 r * 0.299 + g * 0.587 +
// b * 0.114, then float32. Each product of a byte is one of 256 doubles, so
// tables give the same bits for a third of the work.
struct LumaTables {
  std::array<double, 256> r, g, b;
  LumaTables() {
    for (int v = 0; v < 256; ++v) {
      r[v] = v * 0.299;
      g[v] = v * 0.587;
      b[v] = v * 0.114;
    }
  }
};

template <int kChannels>
void luma_row_of(const std::uint8_t* p, std::uint32_t width, float* out) {
  static const LumaTables t;
  for (std::uint32_t x = 0; x < width; ++x, p += kChannels) {
    // Grey is fed to pdqhash as three equal channels.
    const std::uint8_t r = p[0];
    const std::uint8_t g = kChannels >= 3 ? p[1] : r;
    const std::uint8_t b = kChannels >= 3 ? p[2] : r;
    out[x] = static_cast<float>(t.r[r] + t.g[g] + t.b[b]);
  }
}

void luma_row(const Image& image, std::uint32_t y, float* out) {
  const std::uint8_t* p = image.row(y);
  switch (image.channels()) {
    case 1:
      return luma_row_of<1>(p, image.width(), out);
    case 2:
      return luma_row_of<2>(p, image.width(), out);
    case 3:
      return luma_row_of<3>(p, image.width(), out);
    default:
      return luma_row_of<4>(p, image.width(), out);
  }
}

}  // namespace

Grid downsample_exact(const Image& image) {
  const std::uint32_t width = image.width();
  const std::uint32_t height = image.height();
  Grid grid{};
  if (width == kGrid && height == kGrid) {
    // The reference takes a 64x64 image as it is, unfiltered.
    for (std::uint32_t y = 0; y < height; ++y) {
      luma_row(image, y, &grid[std::size_t{y} * kGrid]);
    }
    return grid;
  }

  const BoxPlan across(width);
  std::array<std::uint32_t, kGrid> xs{};
  std::array<std::uint32_t, kGrid> ys{};
  for (int i = 0; i < kGrid; ++i) {
    xs[i] = sample_index(width, i);
    ys[i] = sample_index(height, i);
  }

  // Pass 1 along rows (blocks of kBlock luma rows), pass 1 down columns,
  // pass 2 along rows (blocks of kBlock rows that pass 1 completed, only at
  // the sampled columns), pass 2 down the sampled columns, then the sampled
  // rows of that.
  std::vector<float> luma(std::size_t{kBlock} * width);
  std::vector<float> across1(std::size_t{kBlock} * width);
  std::vector<float> down1_rows(std::size_t{kBlock} * width);
  std::array<std::array<float, kGrid>, kBlock> across2{};
  std::array<const float*, kBlock> in{};
  std::array<float*, kBlock> out{};
  BoxColumns down1(height, width);
  BoxColumns down2(height, kGrid);
  std::uint32_t out_row = 0;
  const auto take = [&](const float* row) {
    for (int i = 0; i < kGrid; ++i) {
      if (ys[i] == out_row) {
        std::copy(row, row + kGrid, &grid[std::size_t(i) * kGrid]);
      }
    }
    ++out_row;
  };
  int pending = 0;  // rows of pass 1 down columns waiting in down1_rows
  const auto flush = [&] {
    std::array<const float*, kBlock> from{};
    std::array<float*, kBlock> to{};
    for (int r = 0; r < pending; ++r) {
      from[r] = &down1_rows[r * std::size_t{width}];
      to[r] = across2[r].data();
    }
    box_block(pending, from.data(), to.data(), across, &xs);
    for (int r = 0; r < pending; ++r) {
      if (const float* row = down2.push(across2[r].data())) take(row);
    }
    pending = 0;
  };
  const auto collect = [&](const float* row) {
    std::copy(row, row + width, &down1_rows[pending * std::size_t{width}]);
    if (++pending == kBlock) flush();
  };

  for (std::uint32_t y = 0; y < height; y += kBlock) {
    const int rows =
        static_cast<int>(std::min<std::uint32_t>(kBlock, height - y));
    for (int r = 0; r < rows; ++r) {
      luma_row(image, y + r, &luma[r * std::size_t{width}]);
      in[r] = &luma[r * std::size_t{width}];
      out[r] = &across1[r * std::size_t{width}];
    }
    box_block(rows, in.data(), out.data(), across);
    for (int r = 0; r < rows; ++r) {
      if (const float* row = down1.push(out[r])) collect(row);
    }
  }
  while (const float* row = down1.drain()) collect(row);
  flush();
  while (const float* row = down2.drain()) take(row);
  return grid;
}

}  // namespace imagebank::pdq_internal

#endif  // HWY_ONCE
