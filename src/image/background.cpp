// The border's colour, the border-connected background, and its removal.
#include "imagebank/image/background.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace imagebank {
namespace {

// The image as packed RGB: its own bytes when it is RGB, else a copy with
// grey expanded and alpha composited over white.
class RgbView {
 public:
  explicit RgbView(const Image& image) {
    if (image.channels() == 3) {
      data_ = image.data();
      return;
    }
    const std::size_t n = std::size_t(image.width()) * image.height();
    const int ch = image.channels();
    copy_.resize(n * 3);
    const std::uint8_t* p = image.data();
    for (std::size_t i = 0; i < n; ++i, p += ch) {
      std::uint8_t rgb[3];
      if (ch >= 3) {
        rgb[0] = p[0], rgb[1] = p[1], rgb[2] = p[2];
      } else {
        rgb[0] = rgb[1] = rgb[2] = p[0];
      }
      if (ch == 2 || ch == 4) {
        const int alpha = p[ch - 1];
        for (auto& v : rgb) {
          v = static_cast<std::uint8_t>(
              (v * alpha + 255 * (255 - alpha) + 127) / 255);
        }
      }
      copy_[3 * i] = rgb[0], copy_[3 * i + 1] = rgb[1],
                copy_[3 * i + 2] = rgb[2];
    }
    data_ = copy_.data();
  }
  const std::uint8_t* pixel(std::size_t index) const {
    return data_ + 3 * index;
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::vector<std::uint8_t> copy_;
};

// "Is this colour within `tolerance` (CIEDE2000) of `reference`?", asked
// once per pixel of a flood fill: answers are remembered by exact colour
// (a studio background repeats a few hundred colours), and a lightness gap
// that alone exceeds the tolerance answers without the full formula
// (CIEDE2000 >= |dL| / S_L, and S_L < 1.75 for L in 0-100).
class Within {
 public:
  Within(const Lab& reference, double tolerance)
      : reference_(reference),
        tolerance_(tolerance),
        cache_(std::size_t{1} << kBits, 0) {}

  bool operator()(const std::uint8_t* p) {
    const std::uint32_t key =
        (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
    const std::uint32_t slot = (key * 2654435761u) >> (32 - kBits);
    std::uint32_t& entry = cache_[slot];
    if ((entry & kValid) && (entry & 0xffffff) == key) return entry & kYes;
    const Lab lab = srgb_to_lab({p[0], p[1], p[2]});
    const bool yes = std::abs(lab.l - reference_.l) <= 1.75 * tolerance_ &&
                     ciede2000(lab, reference_) <= tolerance_;
    entry = key | kValid | (yes ? kYes : 0);
    return yes;
  }

 private:
  static constexpr int kBits = 14;
  static constexpr std::uint32_t kValid = 1u << 24;
  static constexpr std::uint32_t kYes = 1u << 25;
  Lab reference_;
  double tolerance_;
  std::vector<std::uint32_t> cache_;
};

std::uint32_t ring_width(std::uint32_t w, std::uint32_t h) {
  return std::max<std::uint32_t>(1, std::min(w, h) / 64);
}

bool in_ring(std::uint32_t x, std::uint32_t y, std::uint32_t w, std::uint32_t h,
             std::uint32_t ring) {
  return x < ring || y < ring || x >= w - ring || y >= h - ring;
}

std::uint8_t median_of(const std::array<std::uint32_t, 256>& histogram,
                       std::uint64_t count) {
  std::uint64_t seen = 0;
  for (int v = 0; v < 256; ++v) {
    seen += histogram[v];
    if (2 * seen >= count) return static_cast<std::uint8_t>(v);
  }
  return 255;
}

}  // namespace

Result<BackgroundMask> find_background(const Image& image,
                                       const BackgroundOptions& options) {
  if (image.empty()) {
    return invalid_argument_error("find_background: the image is empty");
  }
  if (!(options.tolerance > 0) || !std::isfinite(options.tolerance)) {
    return invalid_argument_error(
        "find_background: the tolerance must be a positive number");
  }
  const std::uint32_t w = image.width(), h = image.height();
  const RgbView rgb(image);
  const std::uint32_t ring = ring_width(w, h);

  BackgroundMask out;
  out.width = w;
  out.height = h;
  std::array<std::array<std::uint32_t, 256>, 3> histogram{};
  std::uint64_t ring_count = 0;
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      if (!in_ring(x, y, w, h, ring)) {
        x = w - ring - 1;  // jump over the inside of the row
        continue;
      }
      const std::uint8_t* p = rgb.pixel(std::size_t(y) * w + x);
      for (int c = 0; c < 3; ++c) ++histogram[c][p[c]];
      ++ring_count;
    }
  }
  for (int c = 0; c < 3; ++c)
    out.colour[c] = median_of(histogram[c], ring_count);

  Within near_background(srgb_to_lab(out.colour), options.tolerance);
  Within near_white(Lab{100, 0, 0}, kNearWhite);
  std::uint64_t uniform = 0, white = 0;
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      if (!in_ring(x, y, w, h, ring)) {
        x = w - ring - 1;
        continue;
      }
      const std::uint8_t* p = rgb.pixel(std::size_t(y) * w + x);
      uniform += near_background(p);
      white += near_white(p);
    }
  }
  out.uniformity = double(uniform) / double(ring_count);
  out.white_share = double(white) / double(ring_count);
  out.white_background = out.white_share >= kWhiteBackgroundShare &&
                         out.uniformity >= kWhiteBackgroundShare;

  // Flood fill (4-connected) from the edge pixels in the border's colour.
  const std::size_t n = std::size_t(w) * h;
  out.background.assign(n, 0);
  std::vector<std::uint8_t> seen(n, 0);
  std::vector<std::uint32_t> queue;
  queue.reserve(n / 2);
  auto visit = [&](std::uint32_t x, std::uint32_t y) {
    const std::size_t i = std::size_t(y) * w + x;
    if (seen[i]) return;
    seen[i] = 1;
    if (near_background(rgb.pixel(i))) {
      out.background[i] = 1;
      queue.push_back(static_cast<std::uint32_t>(i));
    }
  };
  for (std::uint32_t x = 0; x < w; ++x) {
    visit(x, 0);
    visit(x, h - 1);
  }
  for (std::uint32_t y = 0; y < h; ++y) {
    visit(0, y);
    visit(w - 1, y);
  }
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::uint32_t i = queue[head];
    const std::uint32_t x = i % w, y = i / w;
    if (x > 0) visit(x - 1, y);
    if (x + 1 < w) visit(x + 1, y);
    if (y > 0) visit(x, y - 1);
    if (y + 1 < h) visit(x, y + 1);
  }
  out.background_share = double(queue.size()) / double(n);
  return out;
}

namespace {

// How far along the line from the background `b` to the solid colour `f`
// the observed colour `p` lies (least squares), in [0, 1].
double unmix_alpha(const std::uint8_t* p, const Rgb8& b,
                   const std::uint8_t* f) {
  double dot = 0, norm = 0;
  for (int c = 0; c < 3; ++c) {
    const double d = double(f[c]) - b[c];
    dot += (double(p[c]) - b[c]) * d;
    norm += d * d;
  }
  if (norm < 1) return 1.0;
  return std::clamp(dot / norm, 0.0, 1.0);
}

// Without a solid neighbour (a stroke thinner than the edge): the least
// alpha that explains `p` as some colour over `b` (colour-to-alpha).
double least_alpha(const std::uint8_t* p, const Rgb8& b) {
  double alpha = 0;
  for (int c = 0; c < 3; ++c) {
    const double d = double(p[c]) - b[c];
    const double room = d > 0 ? 255.0 - b[c] : double(b[c]);
    if (d != 0) alpha = std::max(alpha, room > 0 ? std::abs(d) / room : 1.0);
  }
  return std::clamp(alpha, 0.0, 1.0);
}

}  // namespace

Result<Image> remove_background(const Image& image,
                                const RemoveBackgroundOptions& options) {
  if (options.feather < 0 || options.feather > 16) {
    return invalid_argument_error(
        "remove_background: feather must be 0-16 px, got " +
        std::to_string(options.feather));
  }
  auto found = find_background(image, BackgroundOptions{options.tolerance});
  if (!found.ok()) return found.status();
  const BackgroundMask& mask = found.value();
  if (mask.uniformity < options.min_uniformity) {
    return invalid_argument_error(
        "remove_background: the border is not one colour (uniformity " +
        std::to_string(mask.uniformity) + " < " +
        std::to_string(options.min_uniformity) + "): no background to remove");
  }
  const std::uint32_t w = mask.width, h = mask.height;
  const std::size_t n = std::size_t(w) * h;
  const RgbView rgb(image);
  std::vector<std::uint8_t> background = mask.background;
  if (options.enclosed) {
    Within near(srgb_to_lab(mask.colour), options.tolerance);
    for (std::size_t i = 0; i < n; ++i) {
      if (!background[i] && near(rgb.pixel(i))) background[i] = 1;
    }
  }

  // Chessboard distance to the background, up to feather + 1 (= solid).
  const int solid = options.feather + 1;
  std::vector<std::uint8_t> distance(n, static_cast<std::uint8_t>(solid));
  std::vector<std::uint32_t> layer, next;
  for (std::size_t i = 0; i < n; ++i) {
    if (background[i]) {
      distance[i] = 0;
      layer.push_back(static_cast<std::uint32_t>(i));
    }
  }
  for (int d = 1; d < solid && !layer.empty(); ++d) {
    next.clear();
    for (const std::uint32_t i : layer) {
      const std::int64_t x = i % w, y = i / w;
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        for (std::int64_t dx = -1; dx <= 1; ++dx) {
          const std::int64_t nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const std::size_t j = std::size_t(ny) * w + std::size_t(nx);
          if (distance[j] > d) {
            distance[j] = static_cast<std::uint8_t>(d);
            next.push_back(static_cast<std::uint32_t>(j));
          }
        }
      }
    }
    layer.swap(next);
  }

  auto made = Image::create(w, h, 4);
  if (!made.ok()) return made.status();
  Image out = std::move(made).value();
  const int ch = image.channels();
  const int reach = solid + 1;  // how far an edge pixel looks for a solid one
  for (std::uint32_t y = 0; y < h; ++y) {
    std::uint8_t* o = out.row(y);
    const std::uint8_t* src = image.row(y);
    for (std::uint32_t x = 0; x < w; ++x, o += 4, src += ch) {
      const std::size_t i = std::size_t(y) * w + x;
      const std::uint8_t* p = rgb.pixel(i);
      const int alpha_in = (ch == 2 || ch == 4) ? src[ch - 1] : 255;
      // Colour as stored where it is visible, else the composited one.
      if (ch >= 3) {
        o[0] = src[0], o[1] = src[1], o[2] = src[2];
      } else {
        o[0] = o[1] = o[2] = src[0];
      }
      if (distance[i] == 0) {
        o[3] = 0;
        continue;
      }
      if (distance[i] >= solid) {
        o[3] = static_cast<std::uint8_t>(alpha_in);
        continue;
      }
      // An edge pixel: the nearest solid pixel gives the colour it blends.
      const std::uint8_t* solid_colour = nullptr;
      std::int64_t best = -1;
      for (std::int64_t dy = -reach; dy <= reach; ++dy) {
        for (std::int64_t dx = -reach; dx <= reach; ++dx) {
          const std::int64_t nx = std::int64_t(x) + dx,
                             ny = std::int64_t(y) + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const std::size_t j = std::size_t(ny) * w + std::size_t(nx);
          if (distance[j] < solid) continue;
          const std::int64_t d2 = dx * dx + dy * dy;
          if (best < 0 || d2 < best) {
            best = d2;
            solid_colour = rgb.pixel(j);
          }
        }
      }
      const double alpha = solid_colour
                               ? unmix_alpha(p, mask.colour, solid_colour)
                               : least_alpha(p, mask.colour);
      if (alpha <= 0) {
        o[3] = 0;
        continue;
      }
      for (int c = 0; c < 3; ++c) {
        // The colour with the background taken out: p = a*f + (1-a)*b.
        const double f =
            mask.colour[c] + (double(p[c]) - mask.colour[c]) / alpha;
        o[c] =
            static_cast<std::uint8_t>(std::lround(std::clamp(f, 0.0, 255.0)));
      }
      o[3] = static_cast<std::uint8_t>(std::lround(alpha * alpha_in));
    }
  }
  return out;
}

}  // namespace imagebank
