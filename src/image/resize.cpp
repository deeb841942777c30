// Separable resampling: a horizontal pass from the source rows into int16
// intermediate rows, then a vertical pass into the output. Rows are streamed:
// each stripe of output rows keeps a ring of the intermediate rows its
// kernel window needs, so the working set stays in cache and no
// full-size intermediate image is ever allocated.
#include "imagebank/image/resize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <numbers>
#include <string>
#include <vector>

#include "image/resize_internal.hpp"

// Compile the kernels for every Highway target and dispatch at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "image/resize_kernels-inl.hpp"
#include <hwy/foreach_target.h>  // must precede highway.h
#include <hwy/highway.h>

#include "image/resize_kernels-inl.hpp"

namespace imagebank {
namespace resize_internal {
namespace {

// Work (pixel x taps, about 0.3 ns each on one AVX2 core) from which a
// resize is split across the pool: below ~1 ms the hand-off costs more than
// it saves. Measured in work rather than output pixels because a thumbnail
// of a large photo is small but costly.
constexpr double kParallelMinWork = 1 << 22;
// Each stripe recomputes the intermediate rows its first output rows share
// with the previous stripe; short stripes would mostly be that overlap.
constexpr std::uint32_t kMinStripeRows = 16;

double filter_support(Filter filter) {
  switch (filter) {
    case Filter::kLanczos3:
      return 3.0;
    case Filter::kMitchell:
      return 2.0;
    case Filter::kLinear:
      return 1.0;
    case Filter::kBox:
      break;
  }
  return 0.5;
}

// sinc(x) * sinc(x / 3) with one sine: sin(3t) = 3 sin t - 4 sin^3 t.
// Tables of large reductions evaluate this ~100 times per output pixel.
double lanczos3(double x) {
  if (x == 0.0) return 1.0;
  if (x >= 3.0) return 0.0;
  const double t = x * std::numbers::pi / 3.0;
  const double s = std::sin(t);
  return (3.0 * s - 4.0 * s * s * s) * s / (3.0 * t * t);
}

// The kernel at distance |x| (in source pixels scaled by the reduction).
double filter_value(Filter filter, double x) {
  x = std::fabs(x);
  switch (filter) {
    case Filter::kLanczos3:
      return lanczos3(x);
    case Filter::kMitchell: {
      constexpr double b = 1.0 / 3.0;
      constexpr double c = 1.0 / 3.0;
      if (x < 1.0) {
        return ((12 - 9 * b - 6 * c) * x * x * x +
                (-18 + 12 * b + 6 * c) * x * x + (6 - 2 * b)) /
               6.0;
      }
      if (x < 2.0) {
        return ((-b - 6 * c) * x * x * x + (6 * b + 30 * c) * x * x +
                (-12 * b - 48 * c) * x + (8 * b + 24 * c)) /
               6.0;
      }
      return 0.0;
    }
    case Filter::kLinear:
      return x < 1.0 ? 1.0 - x : 0.0;
    case Filter::kBox:
      break;
  }
  return x < 0.5 ? 1.0 : 0.0;
}

struct OneTap {
  std::int32_t start = 0;
  std::vector<std::int16_t> weights;
};

// The taps of output i computed directly (make_taps mirrors the right half).
OneTap taps_of(std::uint32_t in_size, std::uint32_t out_size, std::uint32_t i,
               Filter filter) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = filter_support(filter) * filter_scale;
  const double center = (i + 0.5) * scale;
  const auto lo =
      static_cast<std::int64_t>(std::max(0.0, std::floor(center - support)));
  const auto hi = static_cast<std::int64_t>(
      std::min<double>(in_size, std::ceil(center + support) + 1.0));
  std::vector<double> w;
  for (std::int64_t x = lo; x < hi; ++x) {
    if (filter == Filter::kBox) {
      // Area: how much of source pixel x the output pixel covers.
      const double a = std::max<double>(x, center - support);
      const double b = std::min<double>(x + 1, center + support);
      w.push_back(std::max(0.0, b - a));
    } else {
      // Distance from the pixel centre, computed from integers so that
      // mirrored outputs see exactly negated distances.
      const double num = (2.0 * x + 1.0) * out_size - (2.0 * i + 1.0) * in_size;
      w.push_back(filter_value(filter, num / (2.0 * out_size) / filter_scale));
    }
  }
  // Summed from both ends inwards: the same order for a mirrored window.
  double total = 0.0;
  for (std::size_t a = 0, b = w.size(); a < b;) {
    --b;
    total += a == b ? w[a] : w[a] + w[b];
    ++a;
  }
  OneTap t;
  if (w.empty() || !(total > 0.0)) {
    // A degenerate window (cannot happen for valid sizes): nearest pixel.
    t.start = static_cast<std::int32_t>(
        std::min<double>(in_size - 1, std::floor(center)));
    t.weights = {1 << kWeightBits};
    return t;
  }
  std::vector<std::int32_t> q(w.size());
  std::int32_t sum = 0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    q[k] = static_cast<std::int32_t>(
        std::lround(w[k] / total * (1 << kWeightBits)));
    sum += q[k];
  }
  // Rounding leaves the sum a few units off 1.0; the tap nearest the centre
  // absorbs it (split between the two nearest when the centre falls between
  // pixels, which keeps symmetric windows symmetric).
  const std::int32_t diff = (1 << kWeightBits) - sum;
  std::size_t nearest = 0;
  double best = 1e300;
  bool tie = false;
  for (std::size_t k = 0; k < w.size(); ++k) {
    const double d = std::fabs(static_cast<double>(lo + k) + 0.5 - center);
    if (d < best - 1e-9) {
      best = d;
      nearest = k;
      tie = false;
    } else if (d < best + 1e-9) {
      tie = true;
    }
  }
  if (tie && nearest + 1 < q.size()) {
    q[nearest] += diff - diff / 2;
    q[nearest + 1] += diff / 2;
  } else {
    q[nearest] += diff;
  }
  std::size_t first = 0;
  std::size_t last = q.size();
  while (first + 1 < last && q[first] == 0) ++first;
  while (last - 1 > first && q[last - 1] == 0) --last;
  t.start = static_cast<std::int32_t>(lo + first);
  t.weights.assign(q.begin() + first, q.begin() + last);
  return t;
}

// Scales 8-bit RGBA / grey+alpha to premultiplied int16 (x 1 << kMidBits):
// round(c * a * 64 / 255) cannot tie, so this is exact, and transparent
// pixels become 0 whatever colour they carried.
void premultiply(const std::uint8_t* src, std::size_t pixels, int channels,
                 std::int16_t* dst) {
  const int colour = channels - 1;
  for (std::size_t p = 0; p < pixels; ++p) {
    const std::uint8_t* s = src + p * channels;
    std::int16_t* d = dst + p * channels;
    const std::uint32_t a = s[colour];
    for (int c = 0; c < colour; ++c) {
      d[c] =
          static_cast<std::int16_t>((s[c] * a * (1u << kMidBits) + 127) / 255);
    }
    d[colour] = static_cast<std::int16_t>(a << kMidBits);
  }
}

// Back to straight 8-bit alpha. The colour is divided by the unrounded alpha,
// so resampling keeps the precision the int16 intermediate carries; a pixel
// whose alpha rounds to 0 becomes all zero.
void unpremultiply(const std::int16_t* src, std::size_t pixels, int channels,
                   std::uint8_t* dst) {
  const int colour = channels - 1;
  constexpr std::int32_t kOpaque = 255 << kMidBits;
  for (std::size_t p = 0; p < pixels; ++p) {
    const std::int16_t* s = src + p * channels;
    std::uint8_t* d = dst + p * channels;
    const std::int32_t pa = s[colour];
    const std::int32_t a8 = std::clamp(round_shift(pa, kMidBits), 0, 255);
    if (a8 == 0) {
      std::memset(d, 0, static_cast<std::size_t>(channels));
      continue;
    }
    // The epsilon makes exact halves round up despite the inexact 255 / pa.
    const double f = 255.0 / std::clamp(pa, 1, kOpaque);
    for (int c = 0; c < colour; ++c) {
      const double v = s[c] * f + 0.5 + 1e-9;
      d[c] = static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
    }
    d[colour] = static_cast<std::uint8_t>(a8);
  }
}

double mean_count(const Taps& taps) {
  double sum = 0.0;
  for (std::int32_t n : taps.count) sum += n;
  return sum / static_cast<double>(taps.count.size());
}

// Images with alpha are filtered premultiplied, in int16.
HKind kind_of(int channels) {
  switch (channels) {
    case 1:
      return HKind::kU8C1;
    case 2:
      return HKind::kI16C2;
    case 3:
      return HKind::kU8C3;
    default:
      return HKind::kI16C4;
  }
}

}  // namespace

Taps make_taps(std::uint32_t in_size, std::uint32_t out_size,
               std::uint32_t first, std::uint32_t n, Filter filter) {
  std::vector<OneTap> all(n);
  std::size_t widest = 1;
  for (std::uint32_t j = 0; j < n; ++j) {
    const std::uint32_t i = first + j;
    const std::uint32_t mirror = out_size - 1 - i;
    if (i <= mirror) {
      all[j] = taps_of(in_size, out_size, i, filter);
    } else {
      OneTap m = taps_of(in_size, out_size, mirror, filter);
      all[j].start = static_cast<std::int32_t>(in_size) - m.start -
                     static_cast<std::int32_t>(m.weights.size());
      all[j].weights.assign(m.weights.rbegin(), m.weights.rend());
    }
    widest = std::max(widest, all[j].weights.size());
  }
  Taps taps;
  taps.stride = static_cast<std::int32_t>(widest);
  taps.start.resize(n);
  taps.count.resize(n);
  taps.weights.assign(n * widest, 0);
  for (std::uint32_t j = 0; j < n; ++j) {
    taps.start[j] = all[j].start;
    taps.count[j] = static_cast<std::int32_t>(all[j].weights.size());
    std::copy(all[j].weights.begin(), all[j].weights.end(),
              taps.weights.begin() + j * widest);
  }
  return taps;
}

HWY_EXPORT(get_kernel_table);

const KernelTable& kernels() {
  return *HWY_DYNAMIC_DISPATCH(get_kernel_table)();
}

std::vector<std::int64_t> supported_targets() {
  return hwy::SupportedAndGeneratedTargets();
}

std::string target_name(std::int64_t target) { return hwy::TargetName(target); }

void force_target_for_test(std::int64_t target) {
  hwy::SetSupportedTargetsForTest(target);
}

namespace {

// Rows the horizontal kernel filters per call (see KernelTable::horizontal).
constexpr std::size_t kBatch = 4;

// Everything one resize shares read-only between its stripes.
struct Job {
  const Image* src = nullptr;
  Image* out = nullptr;
  const KernelTable* kernels = nullptr;
  Taps tx;
  Taps ty;
  HPlan plan;
  bool copy_rows = false;  // same width: the horizontal pass is a copy
  std::uint32_t col0 = 0;  // first source column copied
  std::size_t max_pairs = 0;
  std::vector<std::int32_t> pairs;  // per output row, max_pairs entries
};

// Rows of int16 samples with kRowPad slack each.
class RowBuffer {
 public:
  RowBuffer(std::size_t rows, std::size_t samples)
      : stride_(samples + kRowPad), data_(rows * stride_, 0) {}
  std::int16_t* row(std::size_t i) { return &data_[i * stride_]; }
  std::size_t stride() const { return stride_; }

 private:
  std::size_t stride_;
  std::vector<std::int16_t> data_;
};

// Runs output rows [y_begin, y_end). Source rows are filtered horizontally
// into a ring of intermediate rows, each once, in batches that include rows
// later output rows will need; each output row then reads its vertical
// window from the ring.
void run_stripe(const Job& job, std::uint32_t y_begin, std::uint32_t y_end) {
  const Image& src = *job.src;
  const int c = src.channels();
  const bool alpha = src.has_alpha();
  const std::size_t out_samples = job.out->stride();
  // Source row r lives in slot r % ring: any `ring` consecutive rows have
  // distinct slots, so the current window and a batch of look-ahead fit.
  const std::size_t ring = static_cast<std::size_t>(job.ty.stride) + kBatch;
  RowBuffer mid(ring, out_samples);
  std::vector<std::int64_t> slot_row(ring, -1);
  RowBuffer premul(alpha ? kBatch : 0, src.stride());
  RowBuffer out16(alpha ? 1 : 0, out_samples);
  std::vector<const std::int16_t*> rows(2 * job.max_pairs);
  std::int64_t last_needed = 0;  // the stripe needs no row past this
  for (std::uint32_t y = y_begin; y < y_end; ++y) {
    last_needed = std::max<std::int64_t>(last_needed,
                                         job.ty.start[y] + job.ty.count[y] - 1);
  }
  const auto slot = [&](std::int64_t r) {
    return static_cast<std::size_t>(r) % ring;
  };

  std::vector<std::int64_t> missing;
  // Fills the first n rows listed in `missing` (n <= kBatch).
  const auto fill = [&](std::size_t n) {
    const void* srcs[kBatch];
    std::int16_t* dsts[kBatch];
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = static_cast<std::uint32_t>(missing[i]);
      dsts[i] = mid.row(slot(r));
      slot_row[slot(r)] = r;
      const std::uint8_t* s = src.row(r);
      if (alpha) premultiply(s, src.width(), c, premul.row(i));
      srcs[i] = alpha ? static_cast<const void*>(premul.row(i)) : s;
      if (job.copy_rows) {
        const std::size_t from = std::size_t{job.col0} * c;
        for (std::size_t k = 0; k < out_samples; ++k) {
          dsts[i][k] = alpha
                           ? premul.row(i)[from + k]
                           : static_cast<std::int16_t>(s[from + k] << kMidBits);
        }
      }
    }
    if (!job.copy_rows) job.kernels->horizontal(job.plan, srcs, dsts, n);
    missing.erase(missing.begin(), missing.begin() + static_cast<long>(n));
  };

  for (std::uint32_t y = y_begin; y < y_end; ++y) {
    const std::int64_t first = job.ty.start[y];
    const std::int64_t end = first + job.ty.count[y];
    for (std::int64_t r = first; r < end; ++r) {
      if (slot_row[slot(r)] != r) missing.push_back(r);
    }
    // Round the batch up with rows later output rows need; they displace
    // only rows before `first`, which are done with.
    for (std::int64_t r = end;
         missing.size() % kBatch != 0 && r <= last_needed &&
         r < first + static_cast<std::int64_t>(ring);
         ++r) {
      if (slot_row[slot(r)] != r) missing.push_back(r);
    }
    while (!missing.empty()) fill(std::min(kBatch, missing.size()));
    for (std::int64_t r = first; r < end; ++r) {
      rows[static_cast<std::size_t>(r - first)] = mid.row(slot(r));
    }
    // An odd tap count pairs the last row with itself at weight 0.
    const std::size_t count = static_cast<std::size_t>(end - first);
    if (count % 2 != 0) rows[count] = rows[count - 1];
    const std::size_t npairs = (count + 1) / 2;
    const std::int32_t* pairs = &job.pairs[y * job.max_pairs];
    if (alpha) {
      job.kernels->vertical_i16(rows.data(), pairs, npairs, out_samples,
                                out16.row(0));
      unpremultiply(out16.row(0), job.out->width(), c, job.out->row(y));
    } else {
      job.kernels->vertical_u8(rows.data(), pairs, npairs, out_samples,
                               job.out->row(y));
    }
  }
}

}  // namespace

Result<Image> resize_window(const Image& image, std::uint32_t full_width,
                            std::uint32_t full_height, std::uint32_t x,
                            std::uint32_t y, std::uint32_t width,
                            std::uint32_t height,
                            const ResizeOptions& options) {
  if (image.empty()) return invalid_argument_error("resize of an empty image");
  if (full_width == 0 || full_height == 0 || width == 0 || height == 0) {
    return invalid_argument_error("resize to a zero size");
  }
  if (std::uint64_t{x} + width > full_width ||
      std::uint64_t{y} + height > full_height) {
    return invalid_argument_error("resize window outside the output");
  }
  if (full_width == image.width() && full_height == image.height()) {
    // Resampling at scale 1 is a copy; cropping also spares the alpha
    // round trip through premultiplication.
    return crop(image, x, y, width, height);
  }
  // The output may be as large as an input the caller already accepted.
  Limits limits;
  limits.max_pixels = std::max<std::uint64_t>(
      limits.max_pixels, std::uint64_t{image.width()} * image.height());
  limits.max_dimension =
      std::max({limits.max_dimension, image.width(), image.height()});
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image out, Image::create(width, height, image.channels(), limits));
  try {
    Job job;
    job.src = &image;
    job.out = &out;
    job.kernels = &kernels();
    job.tx = make_taps(image.width(), full_width, x, width, options.filter);
    job.ty = make_taps(image.height(), full_height, y, height, options.filter);
    job.copy_rows = full_width == image.width();
    job.col0 = x;
    if (!job.copy_rows) {
      const bool alpha = image.has_alpha();
      job.kernels->build_hplan(job.tx, kind_of(image.channels()),
                               image.stride() + (alpha ? kRowPad : 0),
                               &job.plan);
    }
    job.max_pairs = (static_cast<std::size_t>(job.ty.stride) + 1) / 2;
    job.pairs.assign(height * job.max_pairs, 0);
    for (std::uint32_t r = 0; r < height; ++r) {
      const std::int16_t* w = &job.ty.weights[r * job.ty.stride];
      for (std::int32_t k = 0; k < job.ty.count[r]; k += 2) {
        const auto w0 = static_cast<std::uint16_t>(w[k]);
        const auto w1 =
            static_cast<std::uint16_t>(k + 1 < job.ty.count[r] ? w[k + 1] : 0);
        job.pairs[r * job.max_pairs + k / 2] =
            static_cast<std::int32_t>(w0 | (std::uint32_t{w1} << 16));
      }
    }

    std::size_t stripes = 1;
    const std::size_t rows_in = static_cast<std::size_t>(
        job.ty.start.back() + job.ty.count.back() - job.ty.start.front());
    const double work = (static_cast<double>(rows_in) * mean_count(job.tx) +
                         static_cast<double>(height) * mean_count(job.ty)) *
                        width;
    if (work >= kParallelMinWork) {
      ThreadPool& pool = options.pool ? *options.pool : ThreadPool::shared();
      // The caller runs a stripe too, hence one more than the workers.
      stripes = std::min<std::size_t>(pool.size() + 1,
                                      std::max(1u, height / kMinStripeRows));
      if (stripes > 1) {
        pool.parallel_for(stripes, [&](std::size_t s) {
          run_stripe(job, static_cast<std::uint32_t>(height * s / stripes),
                     static_cast<std::uint32_t>(height * (s + 1) / stripes));
        });
        return out;
      }
    }
    run_stripe(job, 0, height);
  } catch (const std::bad_alloc&) {
    return limit_exceeded_error("out of memory resizing to " +
                                std::to_string(width) + "x" +
                                std::to_string(height));
  }
  return out;
}

}  // namespace resize_internal

Result<Image> resize(const Image& image, std::uint32_t width,
                     std::uint32_t height, const ResizeOptions& options) {
  return resize_internal::resize_window(image, width, height, 0, 0, width,
                                        height, options);
}

}  // namespace imagebank
