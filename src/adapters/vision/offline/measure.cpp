// Measures a picture: background and foreground, dominant colours (k-means
// in CIELAB on a fixed sample with a fixed seed), connected regions, the
// Laplacian's variance, clipping and a BlurHash. Single-threaded and
// deterministic: the same pixels give the same figures.
#include "adapters/vision/offline/measure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "imagebank/catalog/types.hpp"
#include "imagebank/image/background.hpp"
#include "imagebank/image/blurhash.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank::vision::offline {
namespace {

constexpr double kMinUniformity = 0.6;     // else the border is "busy"
constexpr double kMinForeground = 0.005;   // else "all background"
constexpr std::size_t kMaxSamples = 4096;  // k-means sample
constexpr int kClusters = 6;               // more than reported: a small
                                           // cluster does not blur a large
constexpr int kIterations = 12;
constexpr std::uint32_t kSeed = 17;
constexpr double kMinColourShare = 0.05;
constexpr double kMinItemColourShare = 0.1;
constexpr double kMinRegionShare = 0.005;  // of the picture
constexpr std::size_t kRegionSamples = 512;
constexpr int kBlurHashSide = 64;
constexpr double kFullContrast = 30.0;  // edge CIEDE2000 for confidence 1

// `value` to `decimals` places, as the nearest double to that decimal (so
// 151.2 prints as 151.2, not 151.20000000000002).
double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

// Area-average reduction of packed RGB to fit `side` on the long side
// (never enlarged). Integer block bounds, every source pixel read once.
Image shrink(const std::uint8_t* rgb, std::uint32_t w, std::uint32_t h,
             std::uint32_t side) {
  const std::uint32_t long_side = std::max(w, h);
  std::uint32_t ow = w, oh = h;
  if (long_side > side) {
    ow = std::max<std::uint32_t>(
        1,
        static_cast<std::uint32_t>(std::lround(double(w) * side / long_side)));
    oh = std::max<std::uint32_t>(
        1,
        static_cast<std::uint32_t>(std::lround(double(h) * side / long_side)));
  }
  Image out = std::move(Image::create(ow, oh, 3)).value();
  std::vector<std::uint32_t> xs(ow + 1);
  for (std::uint32_t ox = 0; ox <= ow; ++ox) {
    xs[ox] = static_cast<std::uint32_t>(std::uint64_t{ox} * w / ow);
  }
  std::vector<std::uint32_t> acc(std::size_t(ow) * 3);
  for (std::uint32_t oy = 0; oy < oh; ++oy) {
    const auto y0 = static_cast<std::uint32_t>(std::uint64_t{oy} * h / oh);
    const auto y1 = static_cast<std::uint32_t>(std::uint64_t{oy + 1} * h / oh);
    std::fill(acc.begin(), acc.end(), 0u);
    for (std::uint32_t y = y0; y < y1; ++y) {
      const std::uint8_t* row = rgb + std::size_t(y) * w * 3;
      for (std::uint32_t ox = 0; ox < ow; ++ox) {
        std::uint32_t r = 0, g = 0, b = 0;
        for (std::uint32_t x = xs[ox]; x < xs[ox + 1]; ++x) {
          r += row[3 * x];
          g += row[3 * x + 1];
          b += row[3 * x + 2];
        }
        acc[3 * ox] += r;
        acc[3 * ox + 1] += g;
        acc[3 * ox + 2] += b;
      }
    }
    std::uint8_t* o = out.row(oy);
    for (std::uint32_t ox = 0; ox < ow; ++ox) {
      const std::uint32_t count = (xs[ox + 1] - xs[ox]) * (y1 - y0);
      for (int c = 0; c < 3; ++c) {
        o[3 * ox + c] =
            static_cast<std::uint8_t>((acc[3 * ox + c] + count / 2) / count);
      }
    }
  }
  return out;
}

double distance2(const Lab& x, const Lab& y) {
  const double dl = x.l - y.l, da = x.a - y.a, db = x.b - y.b;
  return dl * dl + da * da + db * db;
}

int nearest(const Lab& lab, const std::vector<Lab>& centres) {
  int best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (int k = 0; k < static_cast<int>(centres.size()); ++k) {
    const double d = distance2(lab, centres[k]);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best;
}

// k-means++ seeding with a fixed seed, then Lloyd iterations.
std::vector<Lab> kmeans(const std::vector<Lab>& samples, int k,
                        std::vector<int>& assignment) {
  std::mt19937 random(kSeed);
  const auto uniform = [&] { return double(random()) / 4294967296.0; };
  std::vector<Lab> centres;
  centres.push_back(samples[random() % samples.size()]);
  std::vector<double> d2(samples.size());
  while (static_cast<int>(centres.size()) < k) {
    double total = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      d2[i] = distance2(samples[i], centres[nearest(samples[i], centres)]);
      total += d2[i];
    }
    if (total <= 0) break;  // fewer distinct colours than clusters
    double pick = uniform() * total;
    std::size_t chosen = samples.size() - 1;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      pick -= d2[i];
      if (pick < 0) {
        chosen = i;
        break;
      }
    }
    centres.push_back(samples[chosen]);
  }
  assignment.assign(samples.size(), -1);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    bool changed = false;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const int c = nearest(samples[i], centres);
      if (c != assignment[i]) {
        assignment[i] = c;
        changed = true;
      }
    }
    if (!changed) break;
    std::vector<Lab> sums(centres.size());
    std::vector<std::size_t> counts(centres.size(), 0);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      Lab& s = sums[assignment[i]];
      s.l += samples[i].l;
      s.a += samples[i].a;
      s.b += samples[i].b;
      ++counts[assignment[i]];
    }
    for (std::size_t c = 0; c < centres.size(); ++c) {
      if (counts[c] == 0) continue;  // an empty cluster keeps its centre
      const double n = double(counts[c]);
      centres[c] = {sums[c].l / n, sums[c].a / n, sums[c].b / n};
    }
  }
  return centres;
}

// Tallies sample clusters into named colours: one entry per name, largest
// first (ties by name), shares of `total`.
std::vector<ColourShare> by_name(const std::vector<int>& cluster_of,
                                 const std::vector<std::string>& names,
                                 const std::vector<Lab>& centres,
                                 const std::vector<std::array<double, 3>>& rgb,
                                 std::size_t total) {
  struct Tally {
    std::size_t count = 0;
    std::array<double, 3> rgb{};
    int largest = -1;
    std::size_t largest_count = 0;
  };
  std::vector<std::size_t> cluster_count(centres.size(), 0);
  for (const int c : cluster_of) ++cluster_count[c];
  std::vector<std::pair<std::string, Tally>> tallies;
  for (std::size_t i = 0; i < cluster_of.size(); ++i) {
    const int c = cluster_of[i];
    auto it = std::find_if(tallies.begin(), tallies.end(),
                           [&](const auto& t) { return t.first == names[c]; });
    if (it == tallies.end()) {
      tallies.push_back({names[c], {}});
      it = tallies.end() - 1;
    }
    Tally& t = it->second;
    ++t.count;
    for (int ch = 0; ch < 3; ++ch) t.rgb[ch] += rgb[i][ch];
    if (cluster_count[c] > t.largest_count) {
      t.largest_count = cluster_count[c];
      t.largest = c;
    }
  }
  std::vector<ColourShare> out;
  for (const auto& [name, t] : tallies) {
    ColourShare share;
    share.name = name;
    for (int ch = 0; ch < 3; ++ch) {
      share.rgb[ch] =
          static_cast<std::uint8_t>(std::lround(t.rgb[ch] / double(t.count)));
    }
    share.lab = centres[t.largest];
    share.share = double(t.count) / double(total);
    out.push_back(std::move(share));
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    if (x.share != y.share) return x.share > y.share;
    return x.name < y.name;
  });
  return out;
}

}  // namespace

std::string_view mask_state_name(MaskState state) {
  switch (state) {
    case MaskState::kOk:
      return "ok";
    case MaskState::kAllBackground:
      return "all-background";
    case MaskState::kBusyBorder:
      return "busy-border";
  }
  return "";
}

Result<Measurements> measure(const std::uint8_t* rgb, int width, int height,
                             const MeasureOptions& options) {
  if (width <= 0 || height <= 0 || rgb == nullptr) {
    return invalid_argument_error("no pixels to measure");
  }
  const Image image = shrink(rgb, static_cast<std::uint32_t>(width),
                             static_cast<std::uint32_t>(height),
                             static_cast<std::uint32_t>(options.size));
  const int w = static_cast<int>(image.width());
  const int h = static_cast<int>(image.height());
  const std::size_t n = std::size_t(w) * h;
  const std::uint8_t* px = image.data();

  Measurements m;
  m.width = w;
  m.height = h;
  auto found = find_background(image, BackgroundOptions{options.tolerance});
  if (!found.ok()) return found.status();
  const BackgroundMask& mask = *found;
  m.background = mask.colour;
  m.white_share = mask.white_share;
  m.uniformity = mask.uniformity;
  m.white_background = mask.white_background;
  if (mask.uniformity < kMinUniformity) {
    m.mask = MaskState::kBusyBorder;
  } else if (1.0 - mask.background_share < kMinForeground) {
    m.mask = MaskState::kAllBackground;
  }
  const bool separated = m.mask == MaskState::kOk;
  m.foreground_share = separated ? 1.0 - mask.background_share : 0.0;
  // The pixels the photo-quality figures are taken over: the foreground,
  // or the whole picture when there is none to speak of.
  auto measured = [&](std::size_t i) {
    return !separated || mask.background[i] == 0;
  };

  // Exposure: a pixel is clipped when all three channels are (within one
  // code value of JPEG noise) at the end of the range.
  std::size_t measured_count = 0, highlights = 0, shadows = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!measured(i)) continue;
    ++measured_count;
    const std::uint8_t* p = px + 3 * i;
    highlights += p[0] >= 254 && p[1] >= 254 && p[2] >= 254;
    shadows += p[0] <= 1 && p[1] <= 1 && p[2] <= 1;
  }
  if (measured_count > 0) {
    m.clipped_highlights = double(highlights) / double(measured_count);
    m.clipped_shadows = double(shadows) / double(measured_count);
  }

  // Sharpness: variance of the 4-neighbour Laplacian of luma.
  {
    std::vector<float> luma(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t* p = px + 3 * i;
      luma[i] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    }
    double sum = 0, sum2 = 0;
    std::size_t count = 0;
    for (int y = 1; y + 1 < h; ++y) {
      for (int x = 1; x + 1 < w; ++x) {
        const std::size_t i = std::size_t(y) * w + x;
        // Inside the measured region only: the silhouette against the
        // background is an edge of every cut-out, sharp or not.
        if (!measured(i) || !measured(i - 1) || !measured(i + 1) ||
            !measured(i - w) || !measured(i + w)) {
          continue;
        }
        const double l = 4.0 * luma[i] - luma[i - 1] - luma[i + 1] -
                         luma[i - w] - luma[i + w];
        sum += l;
        sum2 += l * l;
        ++count;
      }
    }
    if (count > 0) {
      const double mean = sum / double(count);
      m.sharpness = std::max(0.0, sum2 / double(count) - mean * mean);
    }
  }

  {
    const Image small =
        shrink(px, image.width(), image.height(), kBlurHashSide);
    auto hash = blurhash_encode(small, 4, 3);
    if (!hash.ok()) return hash.status();
    m.blurhash = std::move(hash).value();
  }

  if (separated) {
    // Edge contrast: how far the foreground's rim lies from the
    // background colour (a soft shadow or a pale garment blur it).
    const Lab background_lab = srgb_to_lab(mask.colour);
    std::vector<std::size_t> rim;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const std::size_t i = std::size_t(y) * w + x;
        if (mask.background[i]) continue;
        const bool touches = (x > 0 && mask.background[i - 1]) ||
                             (x + 1 < w && mask.background[i + 1]) ||
                             (y > 0 && mask.background[i - w]) ||
                             (y + 1 < h && mask.background[i + w]);
        if (touches) rim.push_back(i);
      }
    }
    if (!rim.empty()) {
      const std::size_t step = std::max<std::size_t>(1, rim.size() / 256);
      double total = 0;
      std::size_t count = 0;
      for (std::size_t k = 0; k < rim.size(); k += step) {
        const std::uint8_t* p = px + 3 * rim[k];
        total += ciede2000(srgb_to_lab({p[0], p[1], p[2]}), background_lab);
        ++count;
      }
      m.edge_contrast = total / double(count);
    }

    // Dominant colours: k-means on an even sample of the foreground.
    std::vector<std::size_t> foreground;
    foreground.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!mask.background[i]) foreground.push_back(i);
    }
    const std::size_t step = std::max<std::size_t>(
        1, (foreground.size() + kMaxSamples - 1) / kMaxSamples);
    std::vector<Lab> samples;
    std::vector<std::array<double, 3>> sample_rgb;
    for (std::size_t k = 0; k < foreground.size(); k += step) {
      const std::uint8_t* p = px + 3 * foreground[k];
      samples.push_back(srgb_to_lab({p[0], p[1], p[2]}));
      sample_rgb.push_back({double(p[0]), double(p[1]), double(p[2])});
    }
    std::vector<int> assignment;
    const std::vector<Lab> centres = kmeans(samples, kClusters, assignment);
    std::vector<std::string> names;
    for (const Lab& c : centres) names.emplace_back(name_color(c));
    std::vector<ColourShare> colours =
        by_name(assignment, names, centres, sample_rgb, samples.size());
    for (ColourShare& c : colours) {
      if (c.share < kMinColourShare && !m.colours.empty()) break;
      if (static_cast<int>(m.colours.size()) >= options.colors) break;
      c.share = round_to(c.share, 3);
      m.colours.push_back(std::move(c));
    }

    // Regions: 8-connected components of the foreground, largest first.
    std::vector<int> label(n, -1);
    std::vector<std::vector<std::uint32_t>> components;
    std::vector<std::uint32_t> queue;
    for (const std::size_t start : foreground) {
      if (label[start] >= 0) continue;
      const int id = static_cast<int>(components.size());
      queue.assign(1, static_cast<std::uint32_t>(start));
      label[start] = id;
      for (std::size_t head = 0; head < queue.size(); ++head) {
        const int x = static_cast<int>(queue[head] % w);
        const int y = static_cast<int>(queue[head] / w);
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = x + dx, ny = y + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
            const std::size_t j = std::size_t(ny) * w + nx;
            if (mask.background[j] || label[j] >= 0) continue;
            label[j] = id;
            queue.push_back(static_cast<std::uint32_t>(j));
          }
        }
      }
      components.push_back(queue);
    }
    std::vector<std::size_t> order(components.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) {
      return components[x].size() > components[y].size();
    });
    for (const std::size_t k : order) {
      const auto& pixels = components[k];
      if (m.regions.size() >= static_cast<std::size_t>(kMaxImageItems)) break;
      if (double(pixels.size()) < kMinRegionShare * double(n)) break;
      int x0 = w, y0 = h, x1 = -1, y1 = -1;
      for (const std::uint32_t i : pixels) {
        const int x = static_cast<int>(i % w), y = static_cast<int>(i / w);
        x0 = std::min(x0, x), x1 = std::max(x1, x);
        y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
      Region region;
      const double left = round_to(double(x0) / w, 4);
      const double top = round_to(double(y0) / h, 4);
      // Width and height from the rounded edges, so x + width stays <= 1.
      region.box = {left, top,
                    round_to(round_to(double(x1 + 1) / w, 4) - left, 4),
                    round_to(round_to(double(y1 + 1) / h, 4) - top, 4)};
      region.share = round_to(double(pixels.size()) / double(n), 4);
      const std::size_t rstep = std::max<std::size_t>(
          1, (pixels.size() + kRegionSamples - 1) / kRegionSamples);
      std::vector<int> cluster_of;
      std::vector<std::array<double, 3>> rgb_of;
      for (std::size_t s = 0; s < pixels.size(); s += rstep) {
        const std::uint8_t* p = px + 3 * std::size_t(pixels[s]);
        cluster_of.push_back(nearest(srgb_to_lab({p[0], p[1], p[2]}), centres));
        rgb_of.push_back({double(p[0]), double(p[1]), double(p[2])});
      }
      for (ColourShare& c :
           by_name(cluster_of, names, centres, rgb_of, cluster_of.size())) {
        if (c.share < kMinItemColourShare && !region.colours.empty()) break;
        if (region.colours.size() >= 2) break;
        c.share = round_to(c.share, 3);
        region.colours.push_back(std::move(c));
      }
      m.regions.push_back(std::move(region));
    }
    m.confidence = round_to(
        m.uniformity * std::min(1.0, m.edge_contrast / kFullContrast), 3);
  }
  m.white_share = round_to(m.white_share, 4);
  m.uniformity = round_to(m.uniformity, 4);
  m.foreground_share = round_to(m.foreground_share, 4);
  m.edge_contrast = round_to(m.edge_contrast, 2);
  m.sharpness = round_to(m.sharpness, 2);
  m.clipped_highlights = round_to(m.clipped_highlights, 4);
  m.clipped_shadows = round_to(m.clipped_shadows, 4);
  return m;
}

}  // namespace imagebank::vision::offline
