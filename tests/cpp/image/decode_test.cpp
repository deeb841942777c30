#include "imagebank/image/decode.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "imagebank/image/probe.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::Bytes;
using testing::data_path;
using testing::read_file;

struct Rgb {
  int r, g, b;
};
// Landmarks of the test picture (tests/data/README.md), stored positions.
constexpr Rgb kRed{234, 35, 27};    // at (10, 8)
constexpr Rgb kGreen{46, 226, 54};  // at (50, 3)
constexpr Rgb kBlue{27, 58, 234};   // at (42, 30)

Image decoded(const std::string& file, DecodeOptions options = {}) {
  Result<Image> image = decode(data_path(file), options);
  EXPECT_TRUE(image.ok()) << file << ": " << image.status();
  return image.ok() ? std::move(image).value() : Image();
}

::testing::AssertionResult near(const Image& img, std::uint32_t x,
                                std::uint32_t y, Rgb want, int tolerance) {
  if (img.empty() || x >= img.width() || y >= img.height()) {
    return ::testing::AssertionFailure() << "outside the image";
  }
  const std::uint8_t* p = img.row(y) + x * img.channels();
  const int got[3] = {p[0], img.channels() >= 3 ? p[1] : p[0],
                      img.channels() >= 3 ? p[2] : p[0]};
  const int exp[3] = {want.r, want.g, want.b};
  for (int i = 0; i < 3; ++i) {
    if (std::abs(got[i] - exp[i]) > tolerance) {
      return ::testing::AssertionFailure()
             << "pixel (" << x << "," << y << ") = (" << got[0] << "," << got[1]
             << "," << got[2] << "), want (" << want.r << "," << want.g << ","
             << want.b << ") +-" << tolerance;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(Decode, EverySupportedFileDecodesToItsDisplaySize) {
  for (const auto& e : testing::expected_probes()) {
    DecodeReport report;
    Result<Image> image = decode(data_path(e.file), {}, &report);
    ASSERT_TRUE(image.ok()) << e.file << ": " << image.status();
    EXPECT_EQ(image->width(), e.info.display_width()) << e.file;
    EXPECT_EQ(image->height(), e.info.display_height()) << e.file;
    // CMYK comes out RGB; everything else keeps its channels.
    EXPECT_EQ(image->channels(),
              e.info.channels == 4 && !e.info.has_alpha ? 3 : e.info.channels)
        << e.file;
    EXPECT_EQ(report.info.format, e.info.format);
    EXPECT_EQ(report.shrink, 1);
  }
}

TEST(Decode, LosslessFilesAreExact) {
  for (const char* file : {"rgb.png", "rgba.png", "interlaced.png", "rgb16.png",
                           "lossless_alpha.webp"}) {
    const Image img = decoded(file);
    EXPECT_TRUE(near(img, 10, 8, kRed, 0)) << file;
    EXPECT_TRUE(near(img, 50, 3, kGreen, 0)) << file;
    EXPECT_TRUE(near(img, 42, 30, kBlue, 0)) << file;
  }
  // 16-bit samples reduce to their high byte, which is rgb.png.
  EXPECT_EQ(decoded("rgb16.png"), decoded("rgb.png"));
  EXPECT_EQ(decoded("interlaced.png"), decoded("rgb.png"));
}

TEST(Decode, LossyFilesAreClose) {
  for (const char* file : {"rgb.jpg", "progressive.jpg", "lossy.webp",
                           "rgb.avif", "ten_bit.avif", "alpha.avif"}) {
    const Image img = decoded(file);
    EXPECT_TRUE(near(img, 10, 8, kRed, 16)) << file;
    EXPECT_TRUE(near(img, 50, 3, kGreen, 16)) << file;
    EXPECT_TRUE(near(img, 42, 30, kBlue, 16)) << file;
  }
}

TEST(Decode, AlphaChannels) {
  for (const char* file : {"rgba.png", "lossless_alpha.webp", "alpha.avif"}) {
    const Image img = decoded(file);
    ASSERT_EQ(img.channels(), 4) << file;
    for (std::uint32_t x : {20u, 40u, 63u}) {
      EXPECT_EQ(img.row(10)[x * 4 + 3], 255 - (x * 191) / 63) << file << x;
    }
    EXPECT_EQ(img.row(44)[3 * 4 + 3], 0) << file;  // transparent square
  }
  const Image ga = decoded("gray_alpha.png");
  ASSERT_EQ(ga.channels(), 2);
  EXPECT_EQ(ga.row(10)[40 * 2 + 1], 255 - (40 * 191) / 63);
  const Image pal = decoded("palette_trns.png");
  ASSERT_EQ(pal.channels(), 4);
  EXPECT_EQ(pal.row(44)[3 * 4 + 3], 0);     // index 0: transparent
  EXPECT_EQ(pal.row(41)[30 * 4 + 3], 128);  // index 1: alpha 128
  EXPECT_EQ(pal.row(10)[30 * 4 + 3], 255);
}

TEST(Decode, GrayImagesStayGray) {
  const int luma = (299 * kRed.r + 587 * kRed.g + 114 * kRed.b + 500) / 1000;
  const Image png = decoded("gray.png");
  ASSERT_EQ(png.channels(), 1);
  EXPECT_EQ(png.row(8)[10], luma);
  for (const char* file : {"gray.jpg", "gray.avif"}) {
    const Image img = decoded(file);
    ASSERT_EQ(img.channels(), 1) << file;
    EXPECT_NEAR(img.row(8)[10], luma, 12) << file;
  }
}

TEST(Decode, CmykAdobeInvertedBecomesTheRightColours) {
  const Image img = decoded("cmyk.jpg");
  ASSERT_EQ(img.channels(), 3);
  EXPECT_TRUE(near(img, 10, 8, kRed, 24));
  EXPECT_TRUE(near(img, 50, 3, kGreen, 24));
  EXPECT_TRUE(near(img, 42, 30, kBlue, 24));
}

TEST(Decode, EveryExifOrientationIsApplied) {
  // Where the red sample point (10, 8) is displayed (tests/data/README.md).
  const std::pair<std::uint32_t, std::uint32_t> where[9] = {
      {0, 0},  {10, 8},  {53, 8},  {53, 39}, {10, 39},
      {8, 10}, {39, 10}, {39, 53}, {8, 53}};
  for (int o = 1; o <= 8; ++o) {
    const std::string file = "orient" + std::to_string(o) + ".jpg";
    const Image img = decoded(file);
    EXPECT_EQ(img.width(), o >= 5 ? 48u : 64u) << file;
    EXPECT_TRUE(near(img, where[o].first, where[o].second, kRed, 20)) << file;
    DecodeOptions raw;
    raw.auto_orient = false;
    const Image stored = decoded(file, raw);
    EXPECT_TRUE(near(stored, 10, 8, kRed, 20)) << file;
  }
  EXPECT_TRUE(near(decoded("exif_orient6.png"), 39, 10, kRed, 0));
  DecodeOptions no_icc;
  no_icc.to_srgb = false;  // compare with the stored colour
  EXPECT_TRUE(near(decoded("icc_exif.webp", no_icc), 8, 53, kRed, 20));
  // AVIF irot 1 (= EXIF 8) and imir 0 (= EXIF 4).
  const Image irot = decoded("irot.avif");
  EXPECT_EQ(irot.width(), 48u);
  EXPECT_TRUE(near(irot, 8, 53, kRed, 20));
  EXPECT_TRUE(near(decoded("imir.avif"), 10, 39, kRed, 20));
}

TEST(Decode, ApplyOrientationComposes) {
  const Image img = decoded("rgb.png");
  // 6 then 8 is the identity; 3 twice too; 2 twice too.
  auto twice = [&](int a, int b) {
    return apply_orientation(*apply_orientation(img, a), b);
  };
  EXPECT_EQ(*twice(6, 8), img);
  EXPECT_EQ(*twice(3, 3), img);
  EXPECT_EQ(*twice(2, 2), img);
  EXPECT_EQ(*twice(5, 5), img);
  EXPECT_EQ(*twice(7, 7), img);
  EXPECT_FALSE(apply_orientation(img, 0).ok());
  EXPECT_FALSE(apply_orientation(img, 9).ok());
  EXPECT_FALSE(apply_orientation(Image(), 2).ok());
}

TEST(Decode, IccProfilesAreConvertedToSrgb) {
  // The files carry a Display P3 profile; the stored red (234,35,27) is a
  // P3 colour just inside sRGB's red corner (sRGB red is P3 (233,54,40)).
  for (const char* file : {"icc.png", "icc.jpg", "icc_exif.webp", "icc.avif"}) {
    DecodeReport report;
    Result<Image> img = decode(data_path(file), {}, &report);
    ASSERT_TRUE(img.ok()) << file;
    EXPECT_TRUE(report.icc_converted) << file;
    DecodeOptions keep;
    keep.to_srgb = false;
    keep.auto_orient = false;
    const Image stored = decoded(file, keep);
    DecodeOptions convert;
    convert.auto_orient = false;
    const Image srgb = decoded(file, convert);
    const std::uint8_t* s = stored.row(8) + 10 * 3;
    const std::uint8_t* c = srgb.row(8) + 10 * 3;
    EXPECT_GE(c[0], s[0]) << file;
    EXPECT_LT(c[1], s[1]) << file;
    EXPECT_GE(c[0], 245) << file;
  }
  // The exact lossless case.
  const Image png = decoded("icc.png");
  EXPECT_TRUE(near(png, 10, 8, {255, 0, 0}, 20));
}

TEST(Decode, AnimationsGiveTheFirstFrame) {
  for (const char* file : {"animated.png", "animated.webp", "animated.avif"}) {
    const Image img = decoded(file);
    EXPECT_EQ(img.width(), 64u) << file;
    EXPECT_TRUE(near(img, 42, 30, kBlue, 20)) << file;  // frame 0 disc at x=42
  }
}

TEST(Decode, ShrinkOnLoadFactor) {
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 1, 0, 0), 1);
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 1, 300, 300), 4);
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 1, 300, 0), 8);
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 1, 2400, 0), 1);
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 1, 1200, 1200), 1);
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 1, 1200, 0), 2);
  // Orientation 6 displays 3172 wide.
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 6, 1200, 0), 1);
  EXPECT_EQ(shrink_on_load_factor(5640, 3172, 6, 700, 0), 2);
}

TEST(Decode, ShrinkOnLoadOfARealPhoto) {
  const char* corpus = std::getenv("IMAGEBANK_CORPUS");
  if (corpus == nullptr) GTEST_SKIP() << "IMAGEBANK_CORPUS not set";
  DecodeOptions options;
  options.target_width = 300;
  options.target_height = 300;
  DecodeReport report;
  Result<Image> img =
      decode(std::filesystem::path(corpus) / "Elephants_5640x3172.jpg", options,
             &report);
  ASSERT_TRUE(img.ok()) << img.status();
  EXPECT_EQ(report.shrink, 4);
  EXPECT_EQ(img->width(), 1410u);
  EXPECT_EQ(img->height(), 793u);
}

TEST(Decode, WebpScaledDecode) {
  DecodeOptions options;
  options.target_width = 16;
  DecodeReport report;
  Result<Image> img = decode(data_path("lossy.webp"), options, &report);
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(report.shrink, 2);
  EXPECT_EQ(img->width(), 32u);
  EXPECT_EQ(img->height(), 24u);
  EXPECT_TRUE(near(*img, 25, 15, kBlue, 40));  // disc centre (42,30)/2 area
}

TEST(DecodeBadInput, ScanLimitAndDeadline) {
  DecodeOptions options;
  options.limits.jpeg_max_scans = 2;
  Result<Image> r = decode(data_path("progressive.jpg"), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status();
  EXPECT_NE(r.status().message().find("scans"), std::string::npos);
  EXPECT_TRUE(decode(data_path("rgb.jpg"), options).ok());  // baseline: 1 scan

  // A deadline that ran out has its own code (the input may be fine), and
  // says so in its message.
  DecodeOptions hurry;
  hurry.limits.decode_deadline = std::chrono::milliseconds(0);
  for (const char* file : {"rgb.jpg", "rgb.png", "lossy.webp", "rgb.avif"}) {
    Result<Image> late = decode(data_path(file), hurry);
    ASSERT_FALSE(late.ok()) << file;
    EXPECT_EQ(late.status().code(), ErrorCode::kDeadlineExceeded) << file;
    EXPECT_NE(late.status().message().find("deadline"), std::string::npos)
        << late.status();
  }
}

TEST(DecodeBadInput, EveryTruncatedPrefixFails) {
  for (const auto& e : testing::expected_probes()) {
    const Bytes full = read_file(data_path(e.file));
    for (std::size_t n = 0; n < full.size(); n += 7) {
      Result<Image> r = decode(std::span<const std::byte>(full.data(), n));
      ASSERT_FALSE(r.ok()) << e.file << " cut to " << n;
      EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData)
          << e.file << " cut to " << n << ": " << r.status();
    }
  }
}

TEST(DecodeBadInput, DamagedPixelDataNeverCrashes) {
  // Flip bytes throughout each file (headers and pixel data): decoding
  // either succeeds or fails with a data error, never crashes or hangs.
  for (const auto& e : testing::expected_probes()) {
    const Bytes full = read_file(data_path(e.file));
    for (std::size_t i = 0; i < full.size();
         i += std::max<std::size_t>(1, full.size() / 97)) {
      Bytes b = full;
      b[i] ^= std::byte{0x5A};
      Result<Image> r = decode(std::span<const std::byte>(b));
      if (!r.ok()) {
        const ErrorCode c = r.status().code();
        EXPECT_TRUE(c == ErrorCode::kCorruptData ||
                    c == ErrorCode::kUnsupportedFormat ||
                    c == ErrorCode::kLimitExceeded)
            << e.file << " byte " << i << ": " << r.status();
      }
    }
  }
}

TEST(DecodeBadInput, BombsAreRefusedBeforeAllocation) {
  const std::pair<const char*, Bytes> bombs[] = {
      {"png", testing::png_declaring(12000, 12000)},
      {"webp", testing::webp_declaring(16383, 16383)},
      {"jpeg", testing::jpeg_declaring(20000, 20000)},
      {"avif", testing::avif_declaring(40000, 40000)},
  };
  for (const auto& [name, bytes] : bombs) {
    Result<Image> r = decode(std::span<const std::byte>(bytes));
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded)
        << name << ": " << r.status();
  }
}

TEST(DecodeBadInput, LosslessWebpClaimingMaximumSize) {
  // 10 KB of VP8L claiming 16383 x 16383 (268 MP, 1 GB of RGBA).
  const Bytes b = testing::webp_lossless_declaring(16383, 16383, 10 * 1024);
  ASSERT_EQ(b.size(), 10u * 1024);
  EXPECT_EQ(probe(std::span<const std::byte>(b)).status().code(),
            ErrorCode::kLimitExceeded);
  Result<Image> r = decode(std::span<const std::byte>(b));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status();
  // Within the limits the same file is merely corrupt: the pixels are not
  // there.
  DecodeOptions roomy;
  roomy.limits.max_pixels = 300'000'000;
  roomy.limits.max_dimension = 16383;
  Result<Image> corrupt = decode(*Source::memory(b, "claims.webp"), roomy);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), ErrorCode::kCorruptData)
      << corrupt.status();
  EXPECT_NE(corrupt.status().message().find("claims.webp"), std::string::npos);
}

TEST(DecodeBadInput, ThousandsOfLegalScansHitTheScanLimit) {
  const Bytes b = testing::jpeg_with_many_scans();
  // The file is legal: with the limit lifted it decodes.
  DecodeOptions lifted;
  lifted.limits.jpeg_max_scans = 100'000;
  Result<Image> ok = decode(std::span<const std::byte>(b), lifted);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->width(), 64u);
  // With the default limit (100) it is refused, naming the reason.
  Result<Image> r = decode(*Source::memory(b, "bomb.jpg"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status();
  EXPECT_NE(r.status().message().find("scans"), std::string::npos);
  EXPECT_NE(r.status().message().find("bomb.jpg"), std::string::npos);
}

TEST(DecodeBadInput, ThousandsOfRepeatedScansAreRefused) {
  const Bytes b = testing::jpeg_with_repeated_scan(3000);
  Result<Image> r = decode(std::span<const std::byte>(b));
  ASSERT_FALSE(r.ok());
  // The illegal progression may be refused as corrupt data
  // before the scan count is reached; either way it never decodes.
  EXPECT_TRUE(r.status().code() == ErrorCode::kCorruptData ||
              r.status().code() == ErrorCode::kLimitExceeded)
      << r.status();
  // With warnings tolerated, the scan limit still stops it.
  DecodeOptions tolerant;
  tolerant.limits.fail_on = FailOn::kNone;
  Result<Image> t = decode(std::span<const std::byte>(b), tolerant);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), ErrorCode::kLimitExceeded) << t.status();
}

TEST(DecodeBadInput, TruncatedRealPhoto) {
  const char* corpus = std::getenv("IMAGEBANK_CORPUS");
  if (corpus == nullptr) GTEST_SKIP() << "IMAGEBANK_CORPUS not set";
  const Bytes full =
      read_file(std::filesystem::path(corpus) / "FreshFlower.jpg");
  for (std::size_t n = 0; n < full.size(); n += full.size() / 61 + 1) {
    Result<Image> r = decode(std::span<const std::byte>(full.data(), n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData) << n;
  }
}

TEST(DecodeBadInput, FileAndMemoryAgreeAndNameTheSource) {
  const Bytes b = read_file(data_path("icc_exif.webp"));
  EXPECT_EQ(*decode(std::span<const std::byte>(b)),
            *decode(data_path("icc_exif.webp")));
  Result<Image> missing = decode(std::filesystem::path("/nope.jpg"));
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  const Bytes cut(b.begin(), b.begin() + 40);
  Result<Image> r = decode(*Source::memory(cut, "upload.webp"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("upload.webp: ", 0), 0u) << r.status();
}

}  // namespace
}  // namespace imagebank
