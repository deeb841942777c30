// Cropping, fitting to a box (contain / cover / pad) and the smart-crop
// window search of kCover (libvips' entropy and attention strategies).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "image/resize_internal.hpp"
#include "imagebank/image/resize.hpp"

namespace imagebank {
namespace {

// Smart crops look at a copy whose long side is at most this: plenty to find
// where the detail is, and the search then costs well under a millisecond.
constexpr double kAnalysisSide = 256.0;

std::uint32_t round_px(double v) {
  return static_cast<std::uint32_t>(std::max(1.0, std::round(v)));
}

// What fit_to does: resize to `content`, then crop (kCover) or pad (kPad) to
// `canvas`. For kFit both are the same.
struct FitPlan {
  Size content;
  Size canvas;
};

Result<FitPlan> plan_fit(std::uint32_t w, std::uint32_t h, const Geometry& g) {
  if (w == 0 || h == 0) return invalid_argument_error("fit of an empty image");
  if (g.width == 0 && g.height == 0) {
    return invalid_argument_error("fit to a 0x0 box");
  }
  // A missing side follows the image's aspect ratio.
  const double aspect = static_cast<double>(w) / h;
  const std::uint32_t bw = g.width ? g.width : round_px(g.height * aspect);
  const std::uint32_t bh = g.height ? g.height : round_px(g.width / aspect);
  // Which side sets the scale: for contain the one with the smaller ratio
  // (bw / w vs bh / h, compared exactly), for cover the larger; a derived
  // side never does.
  const std::uint64_t wide_cmp = std::uint64_t{bw} * h;  // vs bh * w
  const std::uint64_t tall_cmp = std::uint64_t{bh} * w;
  const bool by_width = g.height == 0          ? true
                        : g.width == 0         ? false
                        : g.fit == Fit::kCover ? wide_cmp >= tall_cmp
                                               : wide_cmp <= tall_cmp;
  const double scale =
      by_width ? static_cast<double>(bw) / w : static_cast<double>(bh) / h;
  const Size scaled =
      by_width ? Size{bw, round_px(h * scale)} : Size{round_px(w * scale), bh};

  FitPlan plan;
  if (g.fit == Fit::kCover) {
    if (scale > 1.0 && !g.upscale) {
      // Too small to cover the box: keep the scale, crop to the box aspect.
      const double box_aspect = static_cast<double>(bw) / bh;
      const Size window = by_width
                              ? Size{w, std::min(h, round_px(w / box_aspect))}
                              : Size{std::min(w, round_px(h * box_aspect)), h};
      plan.content = {w, h};
      plan.canvas = window;
      return plan;
    }
    plan.content = {std::max(bw, scaled.width), std::max(bh, scaled.height)};
    plan.canvas = {bw, bh};
    return plan;
  }
  if (scale > 1.0 && !g.upscale) {
    plan.content = {w, h};
  } else {
    plan.content = {std::min(bw, scaled.width), std::min(bh, scaled.height)};
  }
  plan.canvas = g.fit == Fit::kPad ? Size{bw, bh} : plan.content;
  return plan;
}

// Rec. 601 luma, as JPEG and Pillow's "L" conversion use.
std::uint8_t luma(std::uint32_t r, std::uint32_t g, std::uint32_t b) {
  return static_cast<std::uint8_t>((299 * r + 587 * g + 114 * b + 500) / 1000);
}

std::vector<std::uint8_t> luma_plane(const Image& image) {
  std::vector<std::uint8_t> out(std::size_t{image.width()} * image.height());
  const int c = image.channels();
  const std::uint8_t* p = image.data();
  for (std::size_t i = 0; i < out.size(); ++i, p += c) {
    out[i] = c >= 3 ? luma(p[0], p[1], p[2]) : p[0];
  }
  return out;
}

struct Rect {
  std::uint32_t x, y, w, h;
};

// Shannon entropy (bits) of the luminance histogram inside r.
double entropy(const std::vector<std::uint8_t>& lum, std::uint32_t stride,
               const Rect& r) {
  std::uint32_t hist[256] = {};
  for (std::uint32_t y = r.y; y < r.y + r.h; ++y) {
    const std::uint8_t* row = &lum[std::size_t{y} * stride];
    for (std::uint32_t x = r.x; x < r.x + r.w; ++x) ++hist[row[x]];
  }
  const double n = static_cast<double>(r.w) * r.h;
  double e = 0.0;
  for (std::uint32_t count : hist) {
    if (count != 0) e -= count / n * std::log2(count / n);
  }
  return e;
}

// libvips' entropy strategy: trim slices (an eighth of the excess) off the
// less interesting end of each axis until the window remains. Equal scores
// trim both ends evenly (to the half pixel, kept in `half`), so a
// featureless image crops to its centre. Returns the window's top-left.
std::pair<double, double> entropy_window(const Image& a, Size window) {
  const std::vector<std::uint8_t> lum = luma_plane(a);
  Rect r{0, 0, a.width(), a.height()};
  double half_x = 0.0, half_y = 0.0;
  const std::uint32_t slice = std::max(
      {1u, (r.w - window.width + 7) / 8, (r.h - window.height + 7) / 8});
  while (r.w > window.width || r.h > window.height) {
    const std::uint32_t sw = std::min(r.w - window.width, slice);
    if (sw > 0) {
      const double lo = entropy(lum, a.width(), {r.x, r.y, sw, r.h});
      const double hi = entropy(lum, a.width(), {r.x + r.w - sw, r.y, sw, r.h});
      r.x += lo < hi ? sw : lo > hi ? 0 : sw / 2;
      if (lo == hi) half_x += (sw % 2) / 2.0;
      r.w -= sw;
    }
    const std::uint32_t sh = std::min(r.h - window.height, slice);
    if (sh > 0) {
      const double lo = entropy(lum, a.width(), {r.x, r.y, r.w, sh});
      const double hi = entropy(lum, a.width(), {r.x, r.y + r.h - sh, r.w, sh});
      r.y += lo < hi ? sh : lo > hi ? 0 : sh / 2;
      if (lo == hi) half_y += (sh % 2) / 2.0;
      r.h -= sh;
    }
  }
  return {r.x + half_x, r.y + half_y};
}

// CIE L*a*b* (D65) of an 8-bit sRGB pixel.
void to_lab(std::uint8_t r8, std::uint8_t g8, std::uint8_t b8, double* lab) {
  static const std::vector<double> linear = [] {
    std::vector<double> t(256);
    for (int i = 0; i < 256; ++i) {
      const double v = i / 255.0;
      t[i] = v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    }
    return t;
  }();
  const double r = linear[r8], g = linear[g8], b = linear[b8];
  const auto f = [](double t) {
    constexpr double d = 6.0 / 29.0;
    return t > d * d * d ? std::cbrt(t) : t / (3 * d * d) + 4.0 / 29.0;
  };
  const double fx = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const double fy = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const double fz = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  lab[0] = 116 * fy - 16;
  lab[1] = 500 * (fx - fy);
  lab[2] = 200 * (fy - fz);
}

// libvips' attention strategy, with the window scored as a whole: every
// pixel scores its Sobel edge strength on L*, plus 255 when skin-toned
// (a* 3-22, b* 4-31, L* >= 15: libvips' ranges) and 255 when saturated
// (chroma > 60); the score map is box blurred and the window with the
// highest total wins (summed-area table). Ties go to the most central
// window, or to the mean of the equally central ones.
std::pair<double, double> attention_window(const Image& a, Size window) {
  const std::size_t w = a.width(), h = a.height();
  const int c = a.channels();
  std::vector<double> lightness(w * h);
  std::vector<double> score(w * h, 0.0);
  for (std::size_t i = 0; i < w * h; ++i) {
    const std::uint8_t* p = a.data() + i * c;
    double lab[3];
    if (c >= 3) {
      to_lab(p[0], p[1], p[2], lab);
    } else {
      to_lab(p[0], p[0], p[0], lab);
    }
    lightness[i] = lab[0];
    const bool skin = lab[1] >= 3 && lab[1] <= 22 && lab[2] >= 4 &&
                      lab[2] <= 31 && lab[0] >= 15;
    const bool saturated = std::hypot(lab[1], lab[2]) > 60;
    score[i] = (skin ? 255.0 : 0.0) + (saturated ? 255.0 : 0.0);
  }
  const auto at = [&](std::size_t x, std::size_t y) {
    return lightness[y * w + x];
  };
  for (std::size_t y = 1; y + 1 < h; ++y) {
    for (std::size_t x = 1; x + 1 < w; ++x) {
      const double gx = at(x + 1, y - 1) + 2 * at(x + 1, y) + at(x + 1, y + 1) -
                        at(x - 1, y - 1) - 2 * at(x - 1, y) - at(x - 1, y + 1);
      const double gy = at(x - 1, y + 1) + 2 * at(x, y + 1) + at(x + 1, y + 1) -
                        at(x - 1, y - 1) - 2 * at(x, y - 1) - at(x + 1, y - 1);
      score[y * w + x] += std::fabs(gx) + std::fabs(gy);
    }
  }
  // Summed-area table with a zero first row and column: the sum over
  // [x0, x1) x [y0, y1) is four lookups.
  std::vector<double> sat((w + 1) * (h + 1), 0.0);
  for (std::size_t y = 0; y < h; ++y) {
    double run = 0.0;
    for (std::size_t x = 0; x < w; ++x) {
      run += score[y * w + x];
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + run;
    }
  }
  const auto box = [&](std::size_t x0, std::size_t y0, std::size_t x1,
                       std::size_t y1) {
    return sat[y1 * (w + 1) + x1] - sat[y0 * (w + 1) + x1] -
           sat[y1 * (w + 1) + x0] + sat[y0 * (w + 1) + x0];
  };
  // A box blur (radius ~1/16 of the window) spreads each feature's score so
  // that windows holding an object whole beat ones that clip it.
  const std::size_t radius =
      std::max<std::size_t>(1, std::min(window.width, window.height) / 16);
  std::vector<double> blurred(w * h);
  for (std::size_t y = 0; y < h; ++y) {
    const std::size_t y0 = y >= radius ? y - radius : 0;
    const std::size_t y1 = std::min(h, y + radius + 1);
    for (std::size_t x = 0; x < w; ++x) {
      const std::size_t x0 = x >= radius ? x - radius : 0;
      const std::size_t x1 = std::min(w, x + radius + 1);
      blurred[y * w + x] = box(x0, y0, x1, y1) / double((x1 - x0) * (y1 - y0));
    }
  }
  for (std::size_t y = 0; y < h; ++y) {
    double run = 0.0;
    for (std::size_t x = 0; x < w; ++x) {
      run += blurred[y * w + x];
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + run;
    }
  }
  const std::size_t ww = window.width, wh = window.height;
  const double cx = (w - ww) / 2.0, cy = (h - wh) / 2.0;
  double best_score = -1.0, best_dist = 0.0;
  double sum_x = 0.0, sum_y = 0.0, tied = 0.0;
  for (std::size_t y = 0; y + wh <= h; ++y) {
    for (std::size_t x = 0; x + ww <= w; ++x) {
      const double s = box(x, y, x + ww, y + wh);
      const double dist = (x - cx) * (x - cx) + (y - cy) * (y - cy);
      // Relative tolerance: sums of the same scores in another order may
      // differ in the last bits.
      const double tol = 1e-9 * std::max(1.0, best_score);
      const bool better = s > best_score + tol;
      if (!better && (s < best_score - tol || dist > best_dist + 1e-9)) {
        continue;
      }
      if (better || dist < best_dist - 1e-9) {
        best_score = std::max(s, best_score);
        best_dist = dist;
        sum_x = sum_y = tied = 0.0;
      }
      sum_x += static_cast<double>(x);
      sum_y += static_cast<double>(y);
      tied += 1.0;
    }
  }
  return {sum_x / tied, sum_y / tied};
}

// The top-left corner of the `window` (in `content` pixels) that `strategy`
// keeps of `image` resized to `content`.
Result<std::pair<std::uint32_t, std::uint32_t>> choose_window(
    const Image& image, Size content, Size window, CropStrategy strategy,
    const ResizeOptions& options) {
  const std::uint32_t spare_x = content.width - window.width;
  const std::uint32_t spare_y = content.height - window.height;
  if (strategy == CropStrategy::kCentre || (spare_x == 0 && spare_y == 0)) {
    return std::pair{spare_x / 2, spare_y / 2};
  }
  const double shrink =
      std::min(1.0, kAnalysisSide / std::max(content.width, content.height));
  const Size small{round_px(content.width * shrink),
                   round_px(content.height * shrink)};
  Image resized;
  const Image* analysis = &image;
  if (small.width != image.width() || small.height != image.height()) {
    ResizeOptions box = options;
    box.filter = Filter::kBox;
    IMAGEBANK_ASSIGN_OR_RETURN(resized,
                               resize(image, small.width, small.height, box));
    analysis = &resized;
  }
  const double rx = static_cast<double>(content.width) / small.width;
  const double ry = static_cast<double>(content.height) / small.height;
  const Size small_window{std::min(small.width, round_px(window.width / rx)),
                          std::min(small.height, round_px(window.height / ry))};
  const auto [ax, ay] = strategy == CropStrategy::kEntropy
                            ? entropy_window(*analysis, small_window)
                            : attention_window(*analysis, small_window);
  // Back to content pixels: the same fraction of the free space on each side
  // (so a centred analysis window maps to an exactly centred crop).
  const auto map = [](double pos, std::uint32_t free_small,
                      std::uint32_t spare) {
    const double f = free_small ? pos / free_small : 0.5;
    return static_cast<std::uint32_t>(
        std::clamp(std::round(f * spare), 0.0, static_cast<double>(spare)));
  };
  return std::pair{map(ax, small.width - small_window.width, spare_x),
                   map(ay, small.height - small_window.height, spare_y)};
}

Result<Image> pad(const Image& content, Size canvas,
                  const std::array<std::uint8_t, 4>& background) {
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image out,
      Image::create(canvas.width, canvas.height, content.channels()));
  const int c = content.channels();
  std::uint8_t fill[4];
  if (c >= 3) {
    std::copy(background.begin(), background.begin() + 3, fill);
  } else {
    fill[0] = luma(background[0], background[1], background[2]);
  }
  if (content.has_alpha()) fill[c - 1] = background[3];
  for (std::size_t i = 0; i < out.size_bytes(); i += c) {
    std::memcpy(out.data() + i, fill, static_cast<std::size_t>(c));
  }
  const std::uint32_t x0 = (canvas.width - content.width()) / 2;
  const std::uint32_t y0 = (canvas.height - content.height()) / 2;
  for (std::uint32_t y = 0; y < content.height(); ++y) {
    std::memcpy(out.row(y0 + y) + std::size_t{x0} * c, content.row(y),
                content.stride());
  }
  return out;
}

}  // namespace

Result<Image> crop(const Image& image, std::uint32_t x, std::uint32_t y,
                   std::uint32_t width, std::uint32_t height) {
  if (image.empty()) return invalid_argument_error("crop of an empty image");
  if (width == 0 || height == 0 || std::uint64_t{x} + width > image.width() ||
      std::uint64_t{y} + height > image.height()) {
    return invalid_argument_error(
        "crop " + std::to_string(width) + "x" + std::to_string(height) + "+" +
        std::to_string(x) + "+" + std::to_string(y) + " outside a " +
        std::to_string(image.width()) + "x" + std::to_string(image.height()) +
        " image");
  }
  // A crop is never larger than its source, which passed the limits.
  Limits limits;
  limits.max_pixels = std::uint64_t{image.width()} * image.height();
  limits.max_dimension = std::max(image.width(), image.height());
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image out, Image::create(width, height, image.channels(), limits));
  const std::size_t offset = std::size_t{x} * image.channels();
  for (std::uint32_t r = 0; r < height; ++r) {
    std::memcpy(out.row(r), image.row(y + r) + offset, out.stride());
  }
  return out;
}

Result<Size> fitted_size(std::uint32_t width, std::uint32_t height,
                         const Geometry& geometry) {
  IMAGEBANK_ASSIGN_OR_RETURN(const FitPlan plan,
                             plan_fit(width, height, geometry));
  return plan.canvas;
}

Result<Image> fit_to(const Image& image, const Geometry& geometry,
                     const ResizeOptions& options) {
  if (image.empty()) return invalid_argument_error("fit of an empty image");
  IMAGEBANK_ASSIGN_OR_RETURN(const FitPlan plan,
                             plan_fit(image.width(), image.height(), geometry));
  const Size content = plan.content;
  const Size canvas = plan.canvas;
  switch (geometry.fit) {
    case Fit::kFit:
      return resize(image, content.width, content.height, options);
    case Fit::kCover: {
      IMAGEBANK_ASSIGN_OR_RETURN(
          const auto corner,
          choose_window(image, content, canvas, geometry.crop, options));
      // Only the kept window is resampled.
      return resize_internal::resize_window(
          image, content.width, content.height, corner.first, corner.second,
          canvas.width, canvas.height, options);
    }
    case Fit::kPad: {
      IMAGEBANK_ASSIGN_OR_RETURN(
          const Image resized,
          resize(image, content.width, content.height, options));
      if (content == canvas) return resized;
      return pad(resized, canvas, geometry.background);
    }
  }
  return invalid_argument_error("unknown fit mode");
}

}  // namespace imagebank
