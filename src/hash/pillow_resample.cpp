#include "pillow_resample.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <mutex>
#include <utility>

#include "hash/pillow_kernels.hpp"

namespace imagebank::pillow {
namespace {

constexpr double kPi = 3.14159265358979323846;  // M_PI
constexpr double kSupport = 3.0;                // Lanczos-3

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x = x * kPi;
  return std::sin(x) / x;
}

double lanczos(double x) {
  if (-kSupport <= x && x < kSupport) return sinc(x) * sinc(x / 3);
  return 0.0;
}

std::uint8_t clip8(std::uint32_t sum) {
  const std::int32_t v = static_cast<std::int32_t>(sum) >> kPrecisionBits;
  return static_cast<std::uint8_t>(std::clamp(v, 0, 255));
}

constexpr std::uint32_t kHalf = 1u << (kPrecisionBits - 1);

}  // namespace

// The taps of one axis, with their SIMD layout when they are horizontal.
struct AxisTaps {
  Taps taps;
  SimdTaps simd;
};

namespace {

// Catalogue photos come in a handful of sizes, and the taps cost thousands
// of libm calls each: keep the last few.
class TapsCache {
 public:
  std::shared_ptr<const AxisTaps> get(std::uint32_t in_size,
                                      std::uint32_t out_size) {
    {
      std::lock_guard lock(mutex_);
      for (auto& e : entries_) {
        if (e.in == in_size && e.out == out_size) {
          e.used = ++clock_;
          return e.taps;
        }
      }
    }
    auto axis = std::make_shared<AxisTaps>();
    axis->taps = lanczos_taps(in_size, out_size);
    axis->simd = make_simd_taps(axis->taps, in_size);
    std::shared_ptr<const AxisTaps> taps = std::move(axis);
    std::lock_guard lock(mutex_);
    Entry* slot = &entries_[0];
    for (auto& e : entries_) {
      if (e.used < slot->used) slot = &e;
    }
    *slot = {in_size, out_size, ++clock_, taps};
    return taps;
  }

 private:
  struct Entry {
    std::uint32_t in = 0;
    std::uint32_t out = 0;
    std::uint64_t used = 0;
    std::shared_ptr<const AxisTaps> taps;
  };
  std::mutex mutex_;
  std::uint64_t clock_ = 0;
  std::array<Entry, 16> entries_{};
};

std::shared_ptr<const AxisTaps> cached_taps(std::uint32_t in_size,
                                            std::uint32_t out_size) {
  static TapsCache cache;
  return cache.get(in_size, out_size);
}

}  // namespace

Taps lanczos_taps(std::uint32_t in_size, std::uint32_t out_size) {
  // The box is (0, in_size) as floats, as Image.resize passes it.
  const float in0 = 0.0f;
  const float in1 = static_cast<float>(in_size);
  const double scale = static_cast<double>(in1 - in0) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = kSupport * filterscale;
  Taps taps;
  taps.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  const auto ksize = static_cast<std::size_t>(taps.ksize);
  taps.start.resize(out_size);
  taps.count.resize(out_size);
  taps.weight.assign(out_size * ksize, 0);
  std::vector<double> w(ksize);
  const double inv_filterscale = 1.0 / filterscale;
  for (std::uint32_t xx = 0; xx < out_size; ++xx) {
    const double center = in0 + (xx + 0.5) * scale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > static_cast<int>(in_size)) xmax = static_cast<int>(in_size);
    xmax -= xmin;
    double sum = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[x] = lanczos((x + xmin - center + 0.5) * inv_filterscale);
      sum += w[x];
    }
    std::int32_t* k = &taps.weight[xx * ksize];
    for (int x = 0; x < xmax; ++x) {
      const double v = sum != 0.0 ? w[x] / sum : w[x];
      const double scaled = v * (1 << kPrecisionBits);
      k[x] = static_cast<std::int32_t>(v < 0 ? -0.5 + scaled : 0.5 + scaled);
    }
    taps.start[xx] = xmin;
    taps.count[xx] = xmax;
  }
  return taps;
}

void horizontal_row(const Taps& taps, const std::uint8_t* in,
                    std::uint8_t* out) {
  const std::size_t n = taps.start.size();
  const auto ksize = static_cast<std::size_t>(taps.ksize);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* src = in + taps.start[i];
    const std::int32_t* k = &taps.weight[i * ksize];
    std::uint32_t sum = kHalf;
    for (std::int32_t j = 0; j < taps.count[i]; ++j) {
      sum += static_cast<std::uint32_t>(k[j]) * src[j];
    }
    out[i] = clip8(sum);
  }
}

struct Resampler::Target {
  Size2 size;
  bool need_h = false;
  bool need_v = false;
  bool h_first = true;
  std::shared_ptr<const AxisTaps> h;
  std::shared_ptr<const AxisTaps> v;
  // Horizontal first: the input rows [y_first, y_last) the vertical pass
  // reads, resampled horizontally into `mid`.
  std::int32_t y_first = 0;
  std::int32_t y_last = 0;
  std::vector<std::uint8_t> mid;
  // Vertical first (or only): per output row, the running sums of each
  // input column; `active` is the first output row still open.
  std::vector<std::uint32_t> acc;
  std::size_t active = 0;
  std::vector<std::uint8_t> out;
  bool finished = false;
};

Resampler::Resampler(std::uint32_t width, std::uint32_t height,
                     std::span<const Size2> targets)
    : width_(width), height_(height) {
  for (const Size2 size : targets) {
    auto t = std::make_unique<Target>();
    t->size = size;
    t->need_h = size.width != width;
    t->need_v = size.height != height;
    const std::int64_t dh = std::int64_t{height} - size.height;
    const std::int64_t dw = std::int64_t{width} - size.width;
    t->h_first = !(dh > 0 && dh > dw * 2);
    if (t->need_v || (t->need_h && t->h_first)) {
      t->v = cached_taps(height, size.height);
    }
    if (t->need_h) t->h = cached_taps(width, size.width);
    if (t->need_h && t->h_first) {
      t->y_first = t->v->taps.start.front();
      t->y_last = t->v->taps.start.back() + t->v->taps.count.back();
      t->mid.resize(std::size_t(t->y_last - t->y_first) * size.width);
    } else if (t->need_v) {
      t->acc.assign(std::size_t{size.height} * width, kHalf);
    } else {
      t->out.resize(std::size_t{width} * height);
    }
    targets_.push_back(std::move(t));
  }
}

Resampler::~Resampler() = default;

void Resampler::add_rows(const std::uint8_t* rows, std::size_t count,
                         std::size_t stride) {
  count = std::min<std::size_t>(count, height_ - next_row_);
  const auto y0 = static_cast<std::int32_t>(next_row_);
  const auto y1 = static_cast<std::int32_t>(next_row_ + count);
  for (auto& tp : targets_) {
    Target& t = *tp;
    if (t.need_h && t.h_first) {
      // Only the rows the vertical pass reads.
      const std::int32_t from = std::max(y0, t.y_first);
      const std::int32_t to = std::min(y1, t.y_last);
      if (from < to) {
        horizontal(*t.h, rows + std::size_t(from - y0) * stride, stride,
                   std::size_t(to - from),
                   &t.mid[std::size_t(from - t.y_first) * t.size.width],
                   t.size.width);
      }
    } else if (t.need_v) {
      for (std::int32_t y = y0; y < y1; ++y) {
        accumulate(t, rows + std::size_t(y - y0) * stride, y);
      }
    } else {
      for (std::int32_t y = y0; y < y1; ++y) {
        std::memcpy(&t.out[std::size_t(y) * width_],
                    rows + std::size_t(y - y0) * stride, width_);
      }
    }
  }
  next_row_ += static_cast<std::uint32_t>(count);
}

void Resampler::horizontal(const AxisTaps& h, const std::uint8_t* rows,
                           std::size_t stride, std::size_t count,
                           std::uint8_t* out, std::size_t out_stride) {
  if (h.simd.padded != 0) {
    horizontal_rows(h.simd, h.taps.start.size(), rows, stride, count, out,
                    out_stride);
    return;
  }
  for (std::size_t r = 0; r < count; ++r) {
    horizontal_row(h.taps, rows + r * stride, out + r * out_stride);
  }
}

void Resampler::accumulate(Target& t, const std::uint8_t* row, std::int32_t y) {
  // Every output row whose window holds y (windows only move down).
  const Taps& v = t.v->taps;
  const auto ksize = static_cast<std::size_t>(v.ksize);
  while (t.active < t.size.height &&
         v.start[t.active] + v.count[t.active] <= y) {
    ++t.active;
  }
  for (std::size_t yy = t.active; yy < t.size.height && v.start[yy] <= y;
       ++yy) {
    const auto w =
        static_cast<std::uint32_t>(v.weight[yy * ksize + (y - v.start[yy])]);
    std::uint32_t* acc = &t.acc[yy * width_];
    for (std::uint32_t x = 0; x < width_; ++x) acc[x] += w * row[x];
  }
}

const std::vector<std::uint8_t>& Resampler::result(std::size_t i) {
  Target& t = *targets_[i];
  if (t.finished) return t.out;
  t.finished = true;
  const std::uint32_t ow = t.size.width;
  const std::uint32_t oh = t.size.height;
  if (t.need_h && t.h_first) {
    if (!t.need_v) {
      t.out = std::move(t.mid);
      return t.out;
    }
    const Taps& v = t.v->taps;
    const auto ksize = static_cast<std::size_t>(v.ksize);
    t.out.resize(std::size_t{ow} * oh);
    for (std::uint32_t yy = 0; yy < oh; ++yy) {
      const std::int32_t* k = &v.weight[yy * ksize];
      const std::size_t first = std::size_t(v.start[yy] - t.y_first);
      for (std::uint32_t x = 0; x < ow; ++x) {
        std::uint32_t sum = kHalf;
        for (std::int32_t j = 0; j < v.count[yy]; ++j) {
          sum += static_cast<std::uint32_t>(k[j]) * t.mid[(first + j) * ow + x];
        }
        t.out[std::size_t{yy} * ow + x] = clip8(sum);
      }
    }
    return t.out;
  }
  if (t.need_v) {
    std::vector<std::uint8_t> mid(std::size_t{oh} * width_);
    for (std::size_t j = 0; j < mid.size(); ++j) mid[j] = clip8(t.acc[j]);
    t.acc = {};
    if (!t.need_h) {
      t.out = std::move(mid);
      return t.out;
    }
    t.out.resize(std::size_t{ow} * oh);
    horizontal(*t.h, mid.data(), width_, oh, t.out.data(), ow);
  }
  return t.out;
}

}  // namespace imagebank::pillow
