#include "imagebank/hash/perceptual.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "hash/pillow_imagehash.hpp"
#include "hash/pillow_resample.hpp"
#include "imagebank/hash/hamming.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::Bytes;
using testing::data_path;
using testing::read_file;

struct Golden {
  const char* file;
  std::uint64_t phash, dhash, ahash;
};

// imagehash 4.3.2 with Pillow 13.0.0 and scipy 1.17.1:
// hex(int(str(imagehash.phash(Image.open(path))), 16)), and dhash,
// average_hash, for tests/data/<file>.
constexpr Golden kGolden[] = {
    {"rgb.jpg", 0xad12926d979d121f, 0xbcbffff7e3e3f7fd, 0x0600030331f1fbff},
    {"cmyk.jpg", 0xad12926d971d521f, 0xbcbffff7e3e3f7ff, 0x0600030331f1fbff},
    {"progressive.jpg", 0xad12926d979d121f, 0xbcbffff7e3e3f7fd,
     0x0600030331f1fbff},
    {"gray.png", 0xad12926d979d121f, 0xbcbffff7e3e3f7fd, 0x0600030331f1fbff},
    {"palette_trns.png", 0xa876906f119d378d, 0x9e9ffdf7e367f3f1,
     0x0201070371f17b7f},
    {"rgba.png", 0xad12926d979d121f, 0xbcbffff7e3e3f7fd, 0x0600030331f1fbff},
    {"lossy.webp", 0xad12926d971d521f, 0xbcbffff7e3e3f7fd, 0x0600030331f1fbff},
    // Pillow does not apply the EXIF orientation: hashes of the stored pixels.
    {"orient6.jpg", 0xad12926d979d121f, 0xbcbffff7e3e3f7fd, 0x0600030331f1fbff},
    // "I;16" made "L" saturates at 255.
    {"hash/gray16.png", 0x80ff079097f70969, 0x0013130280a0a0c6,
     0xfff1f1ff7f7f7f37},
    // Narrower than 32: the resize runs vertically first.
    {"hash/tall.png", 0xa1b978c69637d868, 0xcfc3d3cfc7c7c7e7,
     0xfffb033773710000},
    {"hash/tiny.png", 0xa7ed389292386d6c, 0xcee7e3c7c7e7e7e7,
     0xfff3333377330101},
    // Ties with the median decided by scipy's rounding.
    {"hash/flat.png", 0x8000000000000000, 0x0000000000000000,
     0x0000000000000000},
    {"hash/symmetric.png", 0x80000000aa00aa00, 0xcccccc3333cccccc,
     0x6666669999666666},
    {"hash/gray_interlaced.png", 0xa3f93dc496374868, 0xcfc3d3cfc7c7c7e7,
     0xfff1413773710000},
    {"hash/jpeg440.jpg", 0xa0f93dc494b7d868, 0xcfc3d3cfc7c7c3e7,
     0xfff1017773710000},
    // 32x32: the pHash input is not resampled.
    {"hash/exact32.png", 0xa1f93dc696979068, 0xcfc393cfc7c7c7c7,
     0xfff1413773710000},
};

PerceptualOptions imagehash_mode() {
  PerceptualOptions o;
  o.compat = HashCompat::kImagehash;
  return o;
}

Result<PerceptualHashes> hash_bytes(const Bytes& bytes,
                                    const PerceptualOptions& options = {}) {
  return perceptual_hashes(*Source::memory(bytes, "upload.bin"), options);
}

TEST(PerceptualImagehash, MatchesGoldenValues) {
  for (const Golden& g : kGolden) {
    SCOPED_TRACE(g.file);
    auto source = Source::file(data_path(g.file));
    ASSERT_TRUE(source.ok());
    auto h = perceptual_hashes(**source, imagehash_mode());
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_EQ(hash_to_hex(h->phash), hash_to_hex(g.phash));
    EXPECT_EQ(hash_to_hex(h->dhash), hash_to_hex(g.dhash));
    EXPECT_EQ(hash_to_hex(h->ahash), hash_to_hex(g.ahash));
    auto p = phash(**source, imagehash_mode());
    auto d = dhash(**source, imagehash_mode());
    auto a = ahash(**source, imagehash_mode());
    ASSERT_TRUE(p.ok() && d.ok() && a.ok());
    EXPECT_EQ(*p, g.phash);
    EXPECT_EQ(*d, g.dhash);
    EXPECT_EQ(*a, g.ahash);
  }
}

TEST(PerceptualImagehash, FromPixelsEqualsFromLosslessFile) {
  for (const char* name :
       {"rgb.png", "rgba.png", "gray.png", "gray_alpha.png", "hash/tall.png"}) {
    SCOPED_TRACE(name);
    DecodeOptions raw;
    raw.auto_orient = false;
    raw.to_srgb = false;
    auto image = decode(data_path(name), raw);
    ASSERT_TRUE(image.ok());
    auto from_pixels = perceptual_hashes(*image, HashCompat::kImagehash);
    auto from_file =
        perceptual_hashes(**Source::file(data_path(name)), imagehash_mode());
    ASSERT_TRUE(from_pixels.ok() && from_file.ok());
    EXPECT_EQ(*from_pixels, *from_file);
  }
}

TEST(PerceptualFast, CloseToImagehashAndFarFromOtherImages) {
  for (const char* name :
       {"rgb.jpg", "rgb.png", "lossy.webp", "progressive.jpg", "rgb.avif"}) {
    SCOPED_TRACE(name);
    auto source = Source::file(data_path(name));
    ASSERT_TRUE(source.ok());
    auto fast = perceptual_hashes(**source);
    auto exact = perceptual_hashes(**source, imagehash_mode());
    ASSERT_TRUE(fast.ok() && exact.ok()) << fast.status() << exact.status();
    EXPECT_LE(hamming(fast->phash, exact->phash), 12);
    EXPECT_LE(hamming(fast->dhash, exact->dhash), 12);
    EXPECT_LE(hamming(fast->ahash, exact->ahash), 12);
  }
  auto a = perceptual_hashes(**Source::file(data_path("rgb.png")));
  auto b = perceptual_hashes(**Source::file(data_path("palette_trns.png")));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT(hamming(a->phash, b->phash), 12);
}

TEST(PerceptualFast, RotatedUploadHashesLikeItsUprightCopy) {
  // The upright picture, stored rotated with the orientation that turns
  // it back (a camera held sideways).
  auto upright = decode(data_path("rgb.png"));
  ASSERT_TRUE(upright.ok());
  for (int orientation : {3, 6, 8}) {
    SCOPED_TRACE(orientation);
    // Stored pixels: the inverse of the display transform (6 and 8 are
    // each other's inverse, 3 its own).
    const int inverse = orientation == 6 ? 8 : orientation == 8 ? 6 : 3;
    auto stored = apply_orientation(*upright, inverse);
    ASSERT_TRUE(stored.ok());
    EncodeOptions png;
    png.format = Format::kPng;
    auto encoded = encode(*stored, png);
    ASSERT_TRUE(encoded.ok());
    // An eXIf chunk (big-endian TIFF, IFD0 with Orientation) before IDAT.
    Bytes tiff = {
        std::byte{'M'}, std::byte{'M'}, std::byte{0},    std::byte{42},
        std::byte{0},   std::byte{0},   std::byte{0},    std::byte{8},
        std::byte{0},   std::byte{1},   std::byte{0x01}, std::byte{0x12},
        std::byte{0},   std::byte{3},   std::byte{0},    std::byte{0},
        std::byte{0},   std::byte{1},   std::byte{0},    std::byte(orientation),
        std::byte{0},   std::byte{0},   std::byte{0},    std::byte{0},
        std::byte{0},   std::byte{0}};
    Bytes file = *encoded;
    const std::size_t idat = testing::find(file, "IDAT") - 4;
    const Bytes chunk = testing::png_chunk("eXIf", tiff);
    file.insert(file.begin() + static_cast<std::ptrdiff_t>(idat), chunk.begin(),
                chunk.end());
    auto rotated = hash_bytes(file);
    auto straight = perceptual_hashes(*upright);
    ASSERT_TRUE(rotated.ok()) << rotated.status();
    ASSERT_TRUE(straight.ok());
    EXPECT_EQ(*rotated, *straight);
    // imagehash (and compat mode) hash the stored pixels.
    auto compat_rotated = hash_bytes(file, imagehash_mode());
    auto compat_stored = perceptual_hashes(*stored, HashCompat::kImagehash);
    ASSERT_TRUE(compat_rotated.ok() && compat_stored.ok());
    EXPECT_EQ(*compat_rotated, *compat_stored);
  }
}

TEST(Perceptual, BadInputIsANamedError) {
  const Bytes good = read_file(data_path("rgb.jpg"));
  struct Case {
    const char* what;
    Bytes bytes;
    ErrorCode code;
  };
  Bytes truncated(good.begin(), good.begin() + good.size() / 2);
  Bytes corrupt = good;
  // Scramble the entropy-coded data after the headers.
  for (std::size_t i = good.size() / 2; i + 2 < good.size(); i += 7) {
    corrupt[i] = std::byte{0xFF};
    corrupt[i + 1] = std::byte{0xD3};  // a restart marker out of nowhere
  }
  const std::string text = "just some text, not an image at all";
  const Bytes not_image(
      reinterpret_cast<const std::byte*>(text.data()),
      reinterpret_cast<const std::byte*>(text.data()) + text.size());
  const Case cases[] = {
      {"truncated", truncated, ErrorCode::kCorruptData},
      {"corrupt", corrupt, ErrorCode::kCorruptData},
      {"empty", Bytes{}, ErrorCode::kCorruptData},
      {"huge header", testing::png_declaring(100'000, 100'000),
       ErrorCode::kLimitExceeded},
      {"huge jpeg", testing::jpeg_declaring(60'000, 60'000),
       ErrorCode::kLimitExceeded},
      {"gif", read_file(data_path("sample.gif")),
       ErrorCode::kUnsupportedFormat},
      {"text", not_image, ErrorCode::kUnsupportedFormat},
  };
  for (HashCompat compat : {HashCompat::kFast, HashCompat::kImagehash}) {
    for (const Case& c : cases) {
      SCOPED_TRACE(std::string(c.what) +
                   (compat == HashCompat::kFast ? " fast" : " imagehash"));
      PerceptualOptions o;
      o.compat = compat;
      auto h = hash_bytes(c.bytes, o);
      ASSERT_FALSE(h.ok());
      EXPECT_EQ(h.status().code(), c.code) << h.status();
      EXPECT_EQ(h.status().message().rfind("upload.bin: ", 0), 0u)
          << h.status();
    }
  }
}

TEST(Perceptual, LimitsAreCheckedFromTheHeader) {
  const Bytes png = read_file(data_path("rgb.png"));
  PerceptualOptions o = imagehash_mode();
  o.limits.max_pixels = 64 * 48 - 1;
  auto h = hash_bytes(png, o);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), ErrorCode::kLimitExceeded);
  o.limits.max_pixels = 64 * 48;
  EXPECT_TRUE(hash_bytes(png, o).ok());
}

// Fast mode reads a large progressive JPEG only until its luma DC is
// complete; a file that never completes it must still meet the scan limit
// (libjpeg calls no progress monitor while it buffers scans).
TEST(Perceptual, PostponedDcMeetsTheScanLimitInBothModes) {
  const Bytes jpeg = testing::jpeg_with_postponed_dc(512);
  for (HashCompat compat : {HashCompat::kFast, HashCompat::kImagehash}) {
    PerceptualOptions o;
    o.compat = compat;
    auto h = hash_bytes(jpeg, o);
    ASSERT_FALSE(h.ok()) << static_cast<int>(compat);
    EXPECT_EQ(h.status().code(), ErrorCode::kLimitExceeded);
    EXPECT_NE(h.status().message().find("scans"), std::string::npos)
        << h.status().message();
    if (compat == HashCompat::kFast) {
      // Refused at the 101st of 694 scans, not after buffering them all.
      EXPECT_NE(h.status().message().find("scan 101,"), std::string::npos)
          << h.status().message();
    }
    o.limits.jpeg_max_scans = 1000;  // legal scans: accepted when allowed
    EXPECT_TRUE(hash_bytes(jpeg, o).ok()) << static_cast<int>(compat);
  }
}

TEST(Perceptual, EmptyImageIsInvalidArgument) {
  for (HashCompat compat : {HashCompat::kFast, HashCompat::kImagehash}) {
    auto h = perceptual_hashes(Image(), compat);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(Perceptual, HexRoundTrip) {
  EXPECT_EQ(hash_to_hex(0), "0000000000000000");
  EXPECT_EQ(hash_to_hex(0xad12926d979d121f), "ad12926d979d121f");
  EXPECT_EQ(hash_to_hex(~std::uint64_t{0}), "ffffffffffffffff");
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t v = rng();
    auto back = hash_from_hex(hash_to_hex(v));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, v);
  }
  auto upper = hash_from_hex("AD12926D979D121F");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, 0xad12926d979d121fu);
  for (const char* bad : {"", "ad12926d979d121", "ad12926d979d121f0",
                          "ad12926d979d121g", "0x12926d979d121f"}) {
    auto r = hash_from_hex(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(PillowResample, TapsSumToOneAndCoverTheSource) {
  for (auto [in, out] : {std::pair{5640u, 32u},
                         {1600u, 8u},
                         {48u, 32u},
                         {7u, 32u},
                         {32u, 32u},
                         {9u, 8u}}) {
    SCOPED_TRACE(std::to_string(in) + " -> " + std::to_string(out));
    const pillow::Taps t = pillow::lanczos_taps(in, out);
    ASSERT_EQ(t.start.size(), out);
    EXPECT_EQ(t.start.front(), 0);
    EXPECT_EQ(t.start.back() + t.count.back(), static_cast<std::int32_t>(in));
    for (std::uint32_t i = 0; i < out; ++i) {
      ASSERT_LE(t.count[i], t.ksize);
      std::int64_t sum = 0;
      for (int j = 0; j < t.count[i]; ++j) sum += t.weight[i * t.ksize + j];
      // Each weight rounds on its own: within one unit per tap of 1 << 22.
      EXPECT_NEAR(static_cast<double>(sum), 1 << pillow::kPrecisionBits,
                  t.count[i]);
    }
  }
}

TEST(PillowResample, BatchingDoesNotChangeTheResult) {
  // Wide (horizontal first) and tall (vertical first) inputs, fed whole or
  // row by row.
  for (auto [w, h] : {std::pair{301u, 97u}, {13u, 250u}, {40u, 40u}}) {
    std::vector<std::uint8_t> pixels(std::size_t{w} * h);
    std::mt19937 rng(w * h);
    for (auto& p : pixels) p = static_cast<std::uint8_t>(rng());
    const pillow::Size2 sizes[] = {{32, 32}, {9, 8}, {8, 8}, {w, 5}, {3, h}};
    pillow::Resampler whole(w, h, sizes);
    whole.add_rows(pixels.data(), h, w);
    pillow::Resampler rows(w, h, sizes);
    for (std::uint32_t y = 0; y < h; ++y) rows.add_rows(&pixels[y * w], 1, w);
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      EXPECT_EQ(whole.result(i), rows.result(i));
      EXPECT_EQ(whole.result(i).size(),
                std::size_t{sizes[i].width} * sizes[i].height);
    }
  }
}

TEST(PillowResample, FlatImagesStayFlat) {
  std::vector<std::uint8_t> pixels(std::size_t{123} * 77, 200);
  const pillow::Size2 sizes[] = {{32, 32}, {9, 8}, {200, 300}};
  pillow::Resampler r(123, 77, sizes);
  r.add_rows(pixels.data(), 77, 123);
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    for (std::uint8_t v : r.result(i)) ASSERT_EQ(v, 200);
  }
}

TEST(ScipyDct, AgreesWithTheDefinition) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    double x[32];
    double want[32];
    for (double& v : x) v = static_cast<double>(rng() % 256);
    for (int k = 0; k < 32; ++k) {
      long double s = 0;
      for (int n = 0; n < 32; ++n) {
        s += 2.0L * x[n] *
             std::cos(3.141592653589793238462643383279502884L * k *
                      (2 * n + 1) / 64);
      }
      want[k] = static_cast<double>(s);
    }
    pillow::scipy_dct32(x);
    for (int k = 0; k < 32; ++k) EXPECT_NEAR(x[k], want[k], 1e-9);
  }
}

TEST(ImagehashBits, OrderAndThresholds) {
  // dHash: bit 63 is row 0, column 1 > column 0.
  std::uint8_t d[72] = {};
  d[1] = 1;
  EXPECT_EQ(pillow::dhash_bits(d), std::uint64_t{1} << 63);
  // aHash: strictly above the mean.
  std::uint8_t a[64];
  std::memset(a, 10, sizeof(a));
  EXPECT_EQ(pillow::ahash_bits(a), 0u);
  a[63] = 11;
  EXPECT_EQ(pillow::ahash_bits(a), 1u);
  // pHash of a flat image: only the DC term is above the median of zeros.
  std::uint8_t p[32 * 32];
  std::memset(p, 137, sizeof(p));
  EXPECT_EQ(pillow::phash_bits(p), std::uint64_t{1} << 63);
}

}  // namespace
}  // namespace imagebank
