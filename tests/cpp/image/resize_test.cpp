#include "imagebank/image/resize.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "image/resize_internal.hpp"

namespace imagebank {
namespace {

constexpr Filter kFilters[] = {Filter::kLanczos3, Filter::kMitchell,
                               Filter::kLinear, Filter::kBox};

std::string filter_name(Filter f) {
  switch (f) {
    case Filter::kLanczos3:
      return "lanczos3";
    case Filter::kMitchell:
      return "mitchell";
    case Filter::kLinear:
      return "linear";
    case Filter::kBox:
      break;
  }
  return "box";
}

using PixelFn =
    std::function<std::uint8_t(std::uint32_t x, std::uint32_t y, int c)>;

Image make_image(std::uint32_t w, std::uint32_t h, int channels,
                 const PixelFn& fn) {
  Image image = Image::create(w, h, channels).value();
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      for (int c = 0; c < channels; ++c) {
        image.row(y)[std::size_t{x} * channels + c] = fn(x, y, c);
      }
    }
  }
  return image;
}

Image noise_image(std::uint32_t w, std::uint32_t h, int channels,
                  std::uint32_t seed = 1) {
  std::mt19937 rng(seed);
  Image image = Image::create(w, h, channels).value();
  for (std::size_t i = 0; i < image.size_bytes(); ++i) {
    image.data()[i] = static_cast<std::uint8_t>(rng());
  }
  return image;
}

Image flip_horizontal(const Image& in) {
  const int c = in.channels();
  return make_image(
      in.width(), in.height(), c,
      [&](std::uint32_t x, std::uint32_t y, int ch) {
        return in.row(y)[std::size_t{in.width() - 1 - x} * c + ch];
      });
}

Image flip_vertical(const Image& in) {
  const int c = in.channels();
  return make_image(
      in.width(), in.height(), c,
      [&](std::uint32_t x, std::uint32_t y, int ch) {
        return in.row(in.height() - 1 - y)[std::size_t{x} * c + ch];
      });
}

std::uint8_t at(const Image& image, std::uint32_t x, std::uint32_t y, int c) {
  return image.row(y)[std::size_t{x} * image.channels() + c];
}

Image resized(const Image& image, std::uint32_t w, std::uint32_t h,
              Filter filter = Filter::kLanczos3, ThreadPool* pool = nullptr) {
  ResizeOptions options;
  options.filter = filter;
  options.pool = pool;
  Result<Image> r = resize(image, w, h, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? std::move(r).value() : Image();
}

// ----------------------------------------------------------------- resize

TEST(ResizeTest, ConstantImageStaysConstantForEveryFilterAndSize) {
  const std::uint8_t value[4] = {17, 200, 99, 201};
  const std::pair<std::uint32_t, std::uint32_t> sizes[] = {
      {1, 1}, {2, 3}, {5, 5}, {13, 7}, {40, 23}, {81, 47}, {200, 3}, {7, 150}};
  for (int channels = 1; channels <= 4; ++channels) {
    const Image src =
        make_image(37, 23, channels, [&](std::uint32_t, std::uint32_t, int c) {
          return c == channels - 1 && channels % 2 == 0 ? value[3] : value[c];
        });
    for (Filter f : kFilters) {
      for (const auto& [w, h] : sizes) {
        SCOPED_TRACE(filter_name(f) + " " + std::to_string(channels) + "ch " +
                     std::to_string(w) + "x" + std::to_string(h));
        const Image out = resized(src, w, h, f);
        ASSERT_EQ(out.width(), w);
        ASSERT_EQ(out.height(), h);
        ASSERT_EQ(out.channels(), channels);
        const Image want = make_image(w, h, channels,
                                      [&](std::uint32_t, std::uint32_t, int c) {
                                        return at(src, 0, 0, c);
                                      });
        EXPECT_EQ(out, want);
      }
    }
  }
}

TEST(ResizeTest, WeightsOfEveryOutputSumToOne) {
  using resize_internal::make_taps;
  const std::pair<std::uint32_t, std::uint32_t> axes[] = {
      {1, 1},  {1, 9},       {2, 4},      {9, 1},      {10, 3},
      {3, 10}, {5640, 1200}, {3172, 169}, {1000, 999}, {7, 1000}};
  for (Filter f : kFilters) {
    for (const auto& [in, out] : axes) {
      SCOPED_TRACE(filter_name(f) + " " + std::to_string(in) + "->" +
                   std::to_string(out));
      const auto taps = make_taps(in, out, 0, out, f);
      ASSERT_EQ(taps.start.size(), out);
      for (std::uint32_t i = 0; i < out; ++i) {
        ASSERT_GE(taps.count[i], 1);
        ASSERT_GE(taps.start[i], 0);
        ASSERT_LE(taps.start[i] + taps.count[i], static_cast<int>(in));
        int sum = 0;
        for (int k = 0; k < taps.count[i]; ++k) {
          sum += taps.weights[i * taps.stride + k];
        }
        EXPECT_EQ(sum, 1 << resize_internal::kWeightBits) << "output " << i;
      }
    }
  }
}

TEST(ResizeTest, BoxHalvingAveragesTwoByTwoBlocksWithRounding) {
  for (int channels : {1, 3}) {
    const Image src = noise_image(16, 10, channels, 7);
    const Image out = resized(src, 8, 5, Filter::kBox);
    for (std::uint32_t y = 0; y < 5; ++y) {
      for (std::uint32_t x = 0; x < 8; ++x) {
        for (int c = 0; c < channels; ++c) {
          const int sum =
              at(src, 2 * x, 2 * y, c) + at(src, 2 * x + 1, 2 * y, c) +
              at(src, 2 * x, 2 * y + 1, c) + at(src, 2 * x + 1, 2 * y + 1, c);
          EXPECT_EQ(at(out, x, y, c), (sum + 2) / 4)
              << x << "," << y << " channel " << c;
        }
      }
    }
  }
}

TEST(ResizeTest, LinearUpscaleOfATwoPixelRamp) {
  // Output centres fall at -0.25, 0.25, 0.75, 1.25 source pixels; the ends
  // clamp to the edge pixels.
  const Image row = make_image(
      2, 1, 1, [](std::uint32_t x, std::uint32_t, int) { return x ? 255 : 0; });
  const Image wide = resized(row, 4, 1, Filter::kLinear);
  const std::vector<std::uint8_t> want = {0, 64, 191, 255};
  EXPECT_EQ(std::vector<std::uint8_t>(wide.bytes().begin(), wide.bytes().end()),
            want);
  const Image column = make_image(
      1, 2, 1, [](std::uint32_t, std::uint32_t y, int) { return y ? 255 : 0; });
  const Image tall = resized(column, 1, 4, Filter::kLinear);
  EXPECT_EQ(std::vector<std::uint8_t>(tall.bytes().begin(), tall.bytes().end()),
            want);
}

TEST(ResizeTest, FlippingTheInputFlipsTheOutput) {
  for (int channels : {1, 2, 3, 4}) {
    const Image src = noise_image(31, 17, channels, 3);
    for (Filter f : kFilters) {
      for (const auto& [w, h] : {std::pair{13u, 9u}, std::pair{50u, 40u},
                                 std::pair{31u, 5u}, std::pair{4u, 17u}}) {
        SCOPED_TRACE(filter_name(f) + " " + std::to_string(channels) + "ch " +
                     std::to_string(w) + "x" + std::to_string(h));
        const Image out = resized(src, w, h, f);
        EXPECT_EQ(resized(flip_horizontal(src), w, h, f), flip_horizontal(out));
        EXPECT_EQ(resized(flip_vertical(src), w, h, f), flip_vertical(out));
      }
    }
  }
}

TEST(ResizeTest, IdentitySizeReturnsACopy) {
  const Image src = noise_image(20, 10, 4);
  const Image out = resized(src, 20, 10);
  EXPECT_EQ(out, src);
  EXPECT_NE(out.data(), src.data());
}

TEST(ResizeTest, TransparentPixelsDoNotTintTheirNeighbours) {
  // Fully transparent red beside opaque green: no red may appear, and every
  // pixel with any opacity is pure green.
  const Image src = make_image(
      4, 4, 4, [](std::uint32_t x, std::uint32_t y, int c) -> std::uint8_t {
        const bool green = (x + y) % 2 == 0;
        const std::uint8_t px[2][4] = {{255, 0, 0, 0}, {0, 255, 0, 255}};
        return px[green][c];
      });
  for (Filter f : kFilters) {
    for (const auto& [w, h] : {std::pair{2u, 2u}, std::pair{9u, 7u},
                               std::pair{3u, 1u}, std::pair{16u, 16u}}) {
      SCOPED_TRACE(filter_name(f) + " " + std::to_string(w) + "x" +
                   std::to_string(h));
      const Image out = resized(src, w, h, f);
      for (std::uint32_t y = 0; y < h; ++y) {
        for (std::uint32_t x = 0; x < w; ++x) {
          EXPECT_EQ(at(out, x, y, 0), 0);
          EXPECT_EQ(at(out, x, y, 2), 0);
          EXPECT_EQ(at(out, x, y, 1), at(out, x, y, 3) ? 255 : 0);
        }
      }
    }
  }
  // Grey + alpha: a transparent white pixel must not lighten black.
  const Image ga =
      make_image(2, 1, 2, [](std::uint32_t x, std::uint32_t, int c) {
        return x == 0 ? std::uint8_t{255} * (c == 0)
                      : std::uint8_t{255} * (c == 1);
      });
  const Image wide = resized(ga, 6, 1, Filter::kLinear);
  for (std::uint32_t x = 0; x < 6; ++x) EXPECT_EQ(at(wide, x, 0, 0), 0);
}

TEST(ResizeTest, HalfTransparentImageKeepsItsColour) {
  const Image src = make_image(
      50, 30, 4, [](std::uint32_t, std::uint32_t, int c) -> std::uint8_t {
        const std::uint8_t px[4] = {10, 120, 250, 60};
        return px[c];
      });
  const Image out = resized(src, 17, 11, Filter::kLanczos3);
  for (std::uint32_t y = 0; y < 11; ++y) {
    for (std::uint32_t x = 0; x < 17; ++x) {
      EXPECT_EQ(at(out, x, y, 0), 10);
      EXPECT_EQ(at(out, x, y, 1), 120);
      EXPECT_EQ(at(out, x, y, 2), 250);
      EXPECT_EQ(at(out, x, y, 3), 60);
    }
  }
}

Image photo_like(std::uint32_t w, std::uint32_t h, int channels) {
  std::mt19937 rng(42);
  Image image = Image::create(w, h, channels).value();
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      for (int c = 0; c < channels; ++c) {
        const double v =
            128 + 90 * std::sin(x * 0.013 * (c + 1)) * std::cos(y * 0.021) +
            static_cast<int>(rng() % 32) - 16;
        image.row(y)[std::size_t{x} * channels + c] =
            static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
      }
    }
  }
  return image;
}

TEST(ResizeTest, ResultIsIdenticalForAnyThreadCount) {
  for (int channels : {3, 4}) {
    const Image src = photo_like(2000, 1500, channels);
    ThreadPool one(1);
    ThreadPool four(4);
    const Image a = resized(src, 1234, 777, Filter::kLanczos3, &one);
    const Image b = resized(src, 1234, 777, Filter::kLanczos3, &four);
    EXPECT_EQ(a, b) << channels << " channels";
    // Bands small enough to run as a single stripe give the same rows too.
    for (std::uint32_t y0 = 0; y0 < 777; y0 += 150) {
      const std::uint32_t rows = std::min(150u, 777 - y0);
      const Image band =
          resize_internal::resize_window(src, 1234, 777, 0, y0, 1234, rows, {})
              .value();
      EXPECT_EQ(band, crop(a, 0, y0, 1234, rows).value()) << "band " << y0;
    }
  }
}

TEST(ResizeTest, WindowOfAResizeEqualsCroppingTheResize) {
  const Image src = noise_image(97, 61, 3, 11);
  const Image full = resized(src, 40, 30);
  const Image window =
      resize_internal::resize_window(src, 40, 30, 7, 5, 20, 13, {}).value();
  EXPECT_EQ(window, crop(full, 7, 5, 20, 13).value());
}

TEST(ResizeTest, LanczosDownscaleOfASmoothImageMatchesTheAnalyticReference) {
  // A band-limited picture: the ideal downscale is the function itself
  // sampled at the output pixel centres.
  const std::uint32_t w = 1200, h = 800;
  const auto f = [&](double u, double v, int c) {
    return 127.5 + 50 * std::sin(2 * std::numbers::pi * 3 * u / w + c) +
           40 * std::cos(2 * std::numbers::pi * 2 * v / h + 0.5 * c);
  };
  const Image src =
      make_image(w, h, 3, [&](std::uint32_t x, std::uint32_t y, int c) {
        return static_cast<std::uint8_t>(std::lround(f(x + 0.5, y + 0.5, c)));
      });
  const Image out = resized(src, 300, 200, Filter::kLanczos3);
  double squared = 0.0;
  for (std::uint32_t y = 0; y < 200; ++y) {
    for (std::uint32_t x = 0; x < 300; ++x) {
      for (int c = 0; c < 3; ++c) {
        const double d = at(out, x, y, c) - f((x + 0.5) * 4, (y + 0.5) * 4, c);
        squared += d * d;
      }
    }
  }
  const double psnr =
      10 * std::log10(255.0 * 255.0 / (squared / (300 * 200 * 3)));
  EXPECT_GT(psnr, 52.0);  // 58.9 when written
}

TEST(ResizeTest, LanczosUpscaleOfASmoothImageMatchesTheAnalyticReference) {
  // The same with and without alpha: an opaque alpha channel must not cost
  // precision on the premultiplied path.
  const std::uint32_t w = 200, h = 150;
  const auto f = [&](double u, double v, int c) {
    return 127.5 + 60 * std::sin(2 * std::numbers::pi * 2 * u / w + c) *
                       std::cos(2 * std::numbers::pi * 1.5 * v / h);
  };
  for (int channels : {3, 4}) {
    const Image src = make_image(
        w, h, channels, [&](std::uint32_t x, std::uint32_t y, int c) {
          return c == 3 ? std::uint8_t{255}
                        : static_cast<std::uint8_t>(
                              std::lround(f(x + 0.5, y + 0.5, c)));
        });
    const Image out = resized(src, 4 * w, 4 * h, Filter::kLanczos3);
    double squared = 0.0;
    for (std::uint32_t y = 0; y < 4 * h; ++y) {
      for (std::uint32_t x = 0; x < 4 * w; ++x) {
        for (int c = 0; c < 3; ++c) {
          const double d =
              at(out, x, y, c) - f((x + 0.5) / 4, (y + 0.5) / 4, c);
          squared += d * d;
        }
        if (channels == 4) {
          ASSERT_EQ(at(out, x, y, 3), 255);
        }
      }
    }
    const double psnr =
        10 * std::log10(255.0 * 255.0 / (squared / (16.0 * w * h * 3)));
    EXPECT_GT(psnr, 50.0) << channels << " channels";  // 56.1 when written
  }
}

// A double-precision resize with the same kernels, written independently of
// make_taps: the fixed-point pipeline must stay within 1 of it.
std::vector<std::vector<double>> reference_weights(std::uint32_t in,
                                                   std::uint32_t out, Filter f,
                                                   std::vector<int>& first) {
  const double scale = static_cast<double>(in) / out;
  const double fs = std::max(scale, 1.0);
  const double support = (f == Filter::kLanczos3   ? 3.0
                          : f == Filter::kMitchell ? 2.0
                          : f == Filter::kLinear   ? 1.0
                                                   : 0.5) *
                         fs;
  const auto kernel = [&](double x) {
    x = std::fabs(x);
    switch (f) {
      case Filter::kLanczos3: {
        if (x == 0) return 1.0;
        if (x >= 3) return 0.0;
        const double p = std::numbers::pi * x;
        return 3 * std::sin(p) * std::sin(p / 3) / (p * p);
      }
      case Filter::kMitchell:
        return x < 1 ? (7 * x * x * x - 12 * x * x + 16.0 / 3) / 6
               : x < 2
                   ? (-7.0 / 3 * x * x * x + 12 * x * x - 20 * x + 32.0 / 3) / 6
                   : 0.0;
      case Filter::kLinear:
        return std::max(0.0, 1 - x);
      case Filter::kBox:
        break;
    }
    return 0.0;
  };
  std::vector<std::vector<double>> weights(out);
  first.assign(out, 0);
  for (std::uint32_t i = 0; i < out; ++i) {
    const double centre = (i + 0.5) * scale;
    const int lo = std::max(0, static_cast<int>(std::floor(centre - support)));
    const int hi =
        std::min<int>(in, static_cast<int>(std::ceil(centre + support)) + 1);
    first[i] = lo;
    double total = 0;
    for (int x = lo; x < hi; ++x) {
      const double w =
          f == Filter::kBox
              ? std::max(0.0, std::min(x + 1.0, centre + support) -
                                  std::max<double>(x, centre - support))
              : kernel((x + 0.5 - centre) / fs);
      weights[i].push_back(w);
      total += w;
    }
    for (double& w : weights[i]) w /= total;
  }
  return weights;
}

Image reference_resize(const Image& src, std::uint32_t w, std::uint32_t h,
                       Filter f) {
  const int c = src.channels();
  std::vector<int> fx, fy;
  const auto wx = reference_weights(src.width(), w, f, fx);
  const auto wy = reference_weights(src.height(), h, f, fy);
  std::vector<double> mid(std::size_t{w} * src.height() * c);
  for (std::uint32_t y = 0; y < src.height(); ++y) {
    for (std::uint32_t x = 0; x < w; ++x) {
      for (int ch = 0; ch < c; ++ch) {
        double v = 0;
        for (std::size_t k = 0; k < wx[x].size(); ++k) {
          v += wx[x][k] * at(src, static_cast<std::uint32_t>(fx[x] + k), y, ch);
        }
        mid[(std::size_t{y} * w + x) * c + ch] = v;
      }
    }
  }
  return make_image(w, h, c, [&](std::uint32_t x, std::uint32_t y, int ch) {
    double v = 0;
    for (std::size_t k = 0; k < wy[y].size(); ++k) {
      v += wy[y][k] * mid[((fy[y] + k) * w + x) * c + ch];
    }
    return static_cast<std::uint8_t>(std::clamp(std::round(v), 0.0, 255.0));
  });
}

TEST(ResizeTest, WithinOneOfADoublePrecisionReference) {
  for (int channels : {1, 3}) {
    const Image src = photo_like(61, 47, channels);
    for (Filter f : kFilters) {
      for (const auto& [w, h] :
           {std::pair{23u, 19u}, std::pair{130u, 90u}, std::pair{7u, 60u}}) {
        SCOPED_TRACE(filter_name(f) + " " + std::to_string(channels) + "ch " +
                     std::to_string(w) + "x" + std::to_string(h));
        const Image got = resized(src, w, h, f);
        const Image want = reference_resize(src, w, h, f);
        int worst = 0;
        std::size_t off = 0;
        for (std::size_t i = 0; i < got.size_bytes(); ++i) {
          const int d = std::abs(got.data()[i] - want.data()[i]);
          worst = std::max(worst, d);
          off += d != 0;
        }
        EXPECT_LE(worst, 1);
        // Off-by-one only where the exact value sits near a rounding edge.
        EXPECT_LT(off, got.size_bytes() / 20 + 1);
      }
    }
  }
}

TEST(ResizeTest, OddShapesAndTinyImagesForEveryFilter) {
  // Sizes where kernels are wider than the image, and where the SIMD path
  // has to hand the right edge to the scalar one. ASan checks the reads.
  const std::pair<std::uint32_t, std::uint32_t> sizes[] = {
      {1, 1}, {1, 5}, {5, 1}, {3, 2}, {2, 3}, {7, 9}, {33, 1}, {64, 64}};
  for (int channels = 1; channels <= 4; ++channels) {
    for (const auto& [sw, sh] : sizes) {
      const Image src = noise_image(sw, sh, channels, sw * 31 + sh);
      for (Filter f : kFilters) {
        for (const auto& [w, h] : sizes) {
          const Image out = resized(src, w, h, f);
          EXPECT_EQ(out.width(), w);
          EXPECT_EQ(out.height(), h);
        }
      }
    }
  }
}

TEST(ResizeTest, InvalidArguments) {
  EXPECT_EQ(resize(Image(), 10, 10).status().code(),
            ErrorCode::kInvalidArgument);
  const Image src = noise_image(4, 4, 3);
  EXPECT_EQ(resize(src, 0, 10).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(resize(src, 10, 0).status().code(), ErrorCode::kInvalidArgument);
}

// ------------------------------------------------- SIMD kernels vs scalar

TEST(ResizeKernelsTest, EverySimdTargetMatchesTheScalarKernels) {
  using namespace resize_internal;
  std::mt19937 rng(5);
  const std::pair<std::uint32_t, std::uint32_t> axes[] = {
      {5640, 1200}, {300, 1000}, {97, 31}, {9, 4}, {3, 17}, {250, 249}};
  for (std::int64_t target : supported_targets()) {
    force_target_for_test(target);
    const KernelTable& k = kernels();
    SCOPED_TRACE(k.target_name);
    for (const auto kind :
         {HKind::kU8C1, HKind::kU8C3, HKind::kI16C2, HKind::kI16C4}) {
      const auto c = static_cast<int>(channels_of(kind));
      const bool u8 = is_u8(kind);
      for (const auto& [in, out] : axes) {
        for (Filter f : kFilters) {
          const Taps taps = make_taps(in, out, 0, out, f);
          // 8-bit rows are exactly as long as the image's: any read past
          // them is an ASan error. Batches of 1 to 7 rows run every form of
          // the multi-row kernel.
          const std::size_t samples = std::size_t{in} * c + (u8 ? 0 : kRowPad);
          const std::size_t batch = 1 + rng() % 7;
          std::vector<std::vector<std::uint8_t>> rows8(batch);
          std::vector<std::vector<std::int16_t>> rows16(batch);
          std::vector<std::vector<std::int16_t>> got(batch), want(batch);
          std::vector<const void*> srcs;
          std::vector<std::int16_t*> dsts;
          for (std::size_t r = 0; r < batch; ++r) {
            rows8[r].resize(samples);
            rows16[r].resize(samples);
            for (auto& v : rows8[r]) v = static_cast<std::uint8_t>(rng());
            for (auto& v : rows16[r])
              v = static_cast<std::int16_t>(rng() % 16321);
            got[r].resize(std::size_t{out} * c + kRowPad);
            want[r].resize(got[r].size());
            srcs.push_back(u8 ? static_cast<const void*>(rows8[r].data())
                              : static_cast<const void*>(rows16[r].data()));
            dsts.push_back(got[r].data());
          }
          HPlan plan;
          k.build_hplan(taps, kind, samples, &plan);
          k.horizontal(plan, srcs.data(), dsts.data(), batch);
          for (std::size_t r = 0; r < batch; ++r) {
            horizontal_scalar(plan, srcs[r], want[r].data(), 0, out);
            got[r].resize(std::size_t{out} * c);
            want[r].resize(got[r].size());
            EXPECT_EQ(got[r], want[r]) << filter_name(f) << " " << in << "->"
                                       << out << " " << c << "ch row " << r;
          }
        }
      }
    }
    for (std::size_t samples : {1u, 7u, 16u, 33u, 1003u}) {
      for (std::size_t npairs : {1u, 2u, 5u, 17u}) {
        std::vector<std::vector<std::int16_t>> storage(2 * npairs);
        std::vector<const std::int16_t*> rows;
        for (auto& r : storage) {
          r.resize(samples + kRowPad);
          for (auto& v : r) v = static_cast<std::int16_t>(rng() % 22000 - 2000);
          rows.push_back(r.data());
        }
        std::vector<std::int32_t> pairs(npairs);
        for (auto& p : pairs) {
          const auto w0 = static_cast<std::uint16_t>(rng() % 9000 - 2000);
          const auto w1 = static_cast<std::uint16_t>(rng() % 9000 - 2000);
          p = static_cast<std::int32_t>(w0 | (std::uint32_t{w1} << 16));
        }
        std::vector<std::uint8_t> got8(samples), want8(samples);
        k.vertical_u8(rows.data(), pairs.data(), npairs, samples, got8.data());
        vertical_scalar(rows.data(), pairs.data(), npairs, 0, samples,
                        want8.data());
        EXPECT_EQ(got8, want8) << samples << " samples " << npairs << " pairs";
        std::vector<std::int16_t> got16(samples), want16(samples);
        k.vertical_i16(rows.data(), pairs.data(), npairs, samples,
                       got16.data());
        vertical_scalar(rows.data(), pairs.data(), npairs, 0, samples,
                        want16.data());
        EXPECT_EQ(got16, want16)
            << samples << " samples " << npairs << " pairs";
      }
    }
  }
  force_target_for_test(0);
}

// ------------------------------------------------------------------- crop

TEST(CropTest, CopiesTheRectangle) {
  const Image src = noise_image(10, 8, 3);
  const Image out = crop(src, 2, 3, 5, 4).value();
  ASSERT_EQ(out.width(), 5u);
  ASSERT_EQ(out.height(), 4u);
  for (std::uint32_t y = 0; y < 4; ++y) {
    for (std::uint32_t x = 0; x < 5; ++x) {
      for (int c = 0; c < 3; ++c) {
        EXPECT_EQ(at(out, x, y, c), at(src, x + 2, y + 3, c));
      }
    }
  }
  EXPECT_EQ(crop(src, 0, 0, 10, 8).value(), src);
}

TEST(CropTest, InvalidArguments) {
  const Image src = noise_image(10, 8, 3);
  for (const auto& [x, y, w, h] :
       {std::tuple{0u, 0u, 11u, 8u}, std::tuple{0u, 0u, 10u, 9u},
        std::tuple{5u, 0u, 6u, 1u}, std::tuple{0u, 8u, 1u, 1u},
        std::tuple{0u, 0u, 0u, 1u}, std::tuple{0u, 0u, 1u, 0u},
        std::tuple{4294967295u, 0u, 2u, 1u}}) {
    EXPECT_EQ(crop(src, x, y, w, h).status().code(),
              ErrorCode::kInvalidArgument)
        << x << "," << y << " " << w << "x" << h;
  }
  EXPECT_EQ(crop(Image(), 0, 0, 1, 1).status().code(),
            ErrorCode::kInvalidArgument);
}

// ------------------------------------------------------------ fitted_size

struct FitCase {
  std::uint32_t width, height;  // image
  Geometry geometry;
  Size want;
};

Geometry box(std::uint32_t w, std::uint32_t h, Fit fit, bool upscale = false) {
  Geometry g;
  g.width = w;
  g.height = h;
  g.fit = fit;
  g.upscale = upscale;
  return g;
}

TEST(FittedSizeTest, Table) {
  const FitCase cases[] = {
      // contain
      {400, 300, box(200, 200, Fit::kFit), {200, 150}},
      {300, 400, box(200, 200, Fit::kFit), {150, 200}},
      {400, 300, box(200, 0, Fit::kFit), {200, 150}},
      {400, 300, box(0, 150, Fit::kFit), {200, 150}},
      {400, 300, box(800, 600, Fit::kFit), {400, 300}},
      {400, 300, box(800, 600, Fit::kFit, true), {800, 600}},
      {400, 300, box(1000, 600, Fit::kFit, true), {800, 600}},
      {400, 300, box(400, 300, Fit::kFit), {400, 300}},
      {400, 300, box(0, 600, Fit::kFit), {400, 300}},
      {1000, 333, box(100, 0, Fit::kFit), {100, 33}},
      {1000, 335, box(100, 0, Fit::kFit), {100, 34}},  // 33.5 rounds up
      {1, 1000, box(10, 10, Fit::kFit), {1, 10}},      // at least 1 px
      {5640, 3172, box(1200, 0, Fit::kFit), {1200, 675}},
      // cover
      {400, 300, box(200, 200, Fit::kCover), {200, 200}},
      {400, 300, box(200, 0, Fit::kCover), {200, 150}},
      {400, 300, box(800, 800, Fit::kCover), {300, 300}},
      {400, 300, box(800, 800, Fit::kCover, true), {800, 800}},
      {400, 300, box(600, 200, Fit::kCover), {400, 133}},
      {400, 300, box(600, 200, Fit::kCover, true), {600, 200}},
      {400, 300, box(100, 600, Fit::kCover), {50, 300}},
      {400, 300, box(0, 600, Fit::kCover), {400, 300}},
      // pad
      {400, 300, box(200, 200, Fit::kPad), {200, 200}},
      {400, 300, box(800, 600, Fit::kPad), {800, 600}},
      {400, 300, box(200, 0, Fit::kPad), {200, 150}},
      {400, 300, box(0, 600, Fit::kPad), {800, 600}},
  };
  for (const FitCase& c : cases) {
    const Result<Size> got = fitted_size(c.width, c.height, c.geometry);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want)
        << c.width << "x" << c.height << " into " << c.geometry.width << "x"
        << c.geometry.height << " fit " << static_cast<int>(c.geometry.fit)
        << " upscale " << c.geometry.upscale << ": got " << got->width << "x"
        << got->height;
  }
}

TEST(FittedSizeTest, InvalidArguments) {
  EXPECT_EQ(fitted_size(0, 10, box(10, 10, Fit::kFit)).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(fitted_size(10, 0, box(10, 10, Fit::kFit)).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(fitted_size(10, 10, box(0, 0, Fit::kCover)).status().code(),
            ErrorCode::kInvalidArgument);
}

// ----------------------------------------------------------------- fit_to

TEST(FitToTest, OutputSizesMatchFittedSize) {
  const Image src = photo_like(400, 300, 3);
  for (Fit fit : {Fit::kFit, Fit::kCover, Fit::kPad}) {
    for (bool upscale : {false, true}) {
      for (const auto& [w, h] :
           {std::pair{200u, 200u}, std::pair{800u, 800u}, std::pair{0u, 100u},
            std::pair{640u, 0u}, std::pair{600u, 200u}, std::pair{1u, 1u}}) {
        const Geometry g = box(w, h, fit, upscale);
        const Size want = fitted_size(400, 300, g).value();
        const Image out = fit_to(src, g).value();
        EXPECT_EQ((Size{out.width(), out.height()}), want)
            << w << "x" << h << " fit " << static_cast<int>(fit);
        EXPECT_EQ(out.channels(), 3);
      }
    }
  }
}

TEST(FitToTest, CoverCropsTheCentreOfTheResize) {
  const Image src = noise_image(600, 200, 3, 9);
  const Image out = fit_to(src, box(100, 100, Fit::kCover)).value();
  EXPECT_EQ(out, crop(resized(src, 300, 100), 100, 0, 100, 100).value());
  // Too small to cover and no upscaling: a centred crop to the box aspect.
  const Image small = fit_to(src, box(400, 400, Fit::kCover)).value();
  EXPECT_EQ(small, crop(src, 200, 0, 200, 200).value());
}

TEST(FitToTest, PadFillsTheCornersWithTheBackground) {
  const Image red = make_image(
      100, 50, 3,
      [](std::uint32_t, std::uint32_t, int c) { return c == 0 ? 255 : 0; });
  Geometry g = box(100, 100, Fit::kPad);
  g.background = {0, 0, 255, 255};
  const Image out = fit_to(red, g).value();
  ASSERT_EQ(out.width(), 100u);
  ASSERT_EQ(out.height(), 100u);
  for (const auto& [x, y] :
       {std::pair{0u, 0u}, std::pair{99u, 0u}, std::pair{0u, 99u},
        std::pair{99u, 99u}, std::pair{50u, 24u}, std::pair{50u, 75u}}) {
    EXPECT_EQ(at(out, x, y, 0), 0) << x << "," << y;
    EXPECT_EQ(at(out, x, y, 2), 255) << x << "," << y;
  }
  EXPECT_EQ(at(out, 50, 25, 0), 255);
  EXPECT_EQ(at(out, 50, 74, 0), 255);
  EXPECT_EQ(at(out, 50, 50, 2), 0);

  // Alpha comes from the background only when the image has alpha; grey
  // images get the background's luminance.
  g.background = {255, 0, 0, 0};
  const Image rgba = make_image(
      100, 50, 4, [](std::uint32_t, std::uint32_t, int) { return 255; });
  const Image padded = fit_to(rgba, g).value();
  EXPECT_EQ(padded.channels(), 4);
  EXPECT_EQ(at(padded, 0, 0, 3), 0);
  EXPECT_EQ(at(padded, 50, 50, 3), 255);
  const Image grey = make_image(
      50, 100, 1, [](std::uint32_t, std::uint32_t, int) { return 0; });
  const Image padded_grey = fit_to(grey, g).value();
  EXPECT_EQ(padded_grey.channels(), 1);
  EXPECT_EQ(at(padded_grey, 0, 0, 0), 76);  // Rec. 601 luma of red
  EXPECT_EQ(at(padded_grey, 99, 99, 0), 76);
  EXPECT_EQ(at(padded_grey, 50, 50, 0), 0);
}

TEST(FitToTest, InvalidArguments) {
  EXPECT_EQ(fit_to(Image(), box(10, 10, Fit::kFit)).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(fit_to(noise_image(4, 4, 3), box(0, 0, Fit::kFit)).status().code(),
            ErrorCode::kInvalidArgument);
}

// ------------------------------------------------------------- smart crop

constexpr std::uint8_t kGrey = 128;

// A flat grey 400x200 picture with something at x 300-359, y 70-129.
Image with_object(const PixelFn& object) {
  return make_image(400, 200, 3, [&](std::uint32_t x, std::uint32_t y, int c) {
    const bool inside = x >= 300 && x < 360 && y >= 70 && y < 130;
    return inside ? object(x, y, c) : kGrey;
  });
}

std::size_t count_pixels(const Image& image,
                         const std::function<bool(const std::uint8_t*)>& pred) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < image.size_bytes(); i += image.channels()) {
    n += pred(image.data() + i);
  }
  return n;
}

Geometry cover(std::uint32_t w, std::uint32_t h, CropStrategy strategy) {
  Geometry g = box(w, h, Fit::kCover);
  g.crop = strategy;
  return g;
}

TEST(SmartCropTest, EntropyKeepsTheDetailedObject) {
  std::mt19937 rng(3);
  const Image src = with_object([&](std::uint32_t, std::uint32_t, int) {
    return static_cast<std::uint8_t>(rng() % 200);
  });
  const auto busy = [](const std::uint8_t* p) {
    return p[0] != kGrey || p[1] != kGrey || p[2] != kGrey;
  };
  const std::size_t object = count_pixels(src, busy);
  ASSERT_GT(object, 3000u);
  const Image out =
      fit_to(src, cover(200, 200, CropStrategy::kEntropy)).value();
  EXPECT_EQ(count_pixels(out, busy), object);
  const Image centre =
      fit_to(src, cover(200, 200, CropStrategy::kCentre)).value();
  EXPECT_EQ(count_pixels(centre, busy), 0u);
}

TEST(SmartCropTest, AttentionKeepsTheSkinTonedObject) {
  const std::uint8_t skin[3] = {224, 172, 140};
  const Image src = with_object([&](std::uint32_t x, std::uint32_t y, int c) {
    const double dx = x - 329.5, dy = y - 99.5;
    return dx * dx + dy * dy < 28 * 28 ? skin[c] : kGrey;
  });
  const auto is_skin = [&](const std::uint8_t* p) {
    return p[0] == skin[0] && p[1] == skin[1] && p[2] == skin[2];
  };
  const std::size_t object = count_pixels(src, is_skin);
  ASSERT_GT(object, 2000u);
  const Image out =
      fit_to(src, cover(200, 200, CropStrategy::kAttention)).value();
  EXPECT_EQ(count_pixels(out, is_skin), object);
}

TEST(SmartCropTest, StrategiesWorkThroughADownscale) {
  // The object must survive when the crop is chosen on the analysis copy
  // and mapped back onto the resized image.
  std::mt19937 rng(8);
  const Image small = with_object([&](std::uint32_t, std::uint32_t, int) {
    return static_cast<std::uint8_t>(rng() % 200);
  });
  const Image src = resized(small, 1600, 800, Filter::kBox);
  const Image reference = resized(src, 200, 100);
  const auto energy = [](const Image& image) {
    double e = 0;
    for (std::uint8_t v : image.bytes()) e += std::abs(v - int{kGrey});
    return e;
  };
  for (CropStrategy s : {CropStrategy::kEntropy, CropStrategy::kAttention}) {
    const Image out = fit_to(src, cover(100, 100, s)).value();
    ASSERT_EQ(out.width(), 100u);
    EXPECT_GT(energy(out), 0.9 * energy(reference)) << static_cast<int>(s);
  }
}

TEST(SmartCropTest, FeaturelessImagesCropToTheCentre) {
  const Image flat = make_image(
      300, 100, 3, [](std::uint32_t, std::uint32_t, int) { return kGrey; });
  const Image ramp = make_image(
      300, 100, 3,
      [](std::uint32_t x, std::uint32_t, int) { return x < 150 ? 0 : 255; });
  for (CropStrategy s : {CropStrategy::kEntropy, CropStrategy::kAttention}) {
    EXPECT_EQ(fit_to(flat, cover(100, 100, s)).value(),
              crop(flat, 100, 0, 100, 100).value());
  }
  // A symmetric picture: both strategies keep its centre.
  const Image centre = crop(ramp, 100, 0, 100, 100).value();
  for (CropStrategy s : {CropStrategy::kEntropy, CropStrategy::kAttention}) {
    EXPECT_EQ(fit_to(ramp, cover(100, 100, s)).value(), centre)
        << static_cast<int>(s);
  }
}

}  // namespace
}  // namespace imagebank
