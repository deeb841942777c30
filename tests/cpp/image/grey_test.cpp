// The grey views (imagebank/image/grey.hpp). Pillow's view is checked bit
// for bit against imagehash's own results in tests/cpp/hash/perceptual_test
// and tests/python; here: streaming equals collecting, the arithmetic of
// convert("L"), the fast view's orientation and shrink, and errors.
#include "imagebank/image/grey.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "imagebank/image/decode.hpp"
#include "imagebank/image/probe.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::data_path;

// Keeps every row it is given, and how they came.
class RecordingSink final : public GreyRowSink {
 public:
  Status begin(std::uint32_t width, std::uint32_t height) override {
    ++begins;
    width_ = width;
    height_ = height;
    return ok_status();
  }
  void rows(const std::uint8_t* rows, std::size_t count,
            std::size_t stride) override {
    ++batches;
    for (std::size_t i = 0; i < count; ++i) {
      pixels.insert(pixels.end(), rows + i * stride,
                    rows + i * stride + width_);
    }
  }
  int begins = 0;
  int batches = 0;
  std::uint32_t width_ = 0;
  std::uint32_t height_ = 0;
  std::vector<std::uint8_t> pixels;
};

std::vector<std::uint8_t> pixels_of(const Image& image) {
  std::vector<std::uint8_t> out;
  for (std::uint32_t y = 0; y < image.height(); ++y) {
    out.insert(out.end(), image.row(y), image.row(y) + image.width());
  }
  return out;
}

TEST(PillowGrey, StreamedRowsEqualTheCollectedImage) {
  for (const char* name : {"rgb.jpg", "cmyk.jpg", "gray.png", "palette.png",
                           "interlaced.png", "lossy.webp", "rgb.avif"}) {
    const auto source = Source::file(data_path(name));
    ASSERT_TRUE(source.ok()) << name;
    RecordingSink sink;
    ASSERT_TRUE(decode_pillow_grey(**source, Limits{}, sink).ok()) << name;
    auto whole = decode_pillow_grey(**source);
    ASSERT_TRUE(whole.ok()) << name << ": " << whole.status();
    EXPECT_EQ(sink.begins, 1) << name;
    EXPECT_EQ(whole->channels(), 1) << name;
    EXPECT_EQ(whole->width(), sink.width_) << name;
    EXPECT_EQ(whole->height(), sink.height_) << name;
    EXPECT_EQ(pixels_of(*whole), sink.pixels) << name;
  }
}

TEST(PillowGrey, ConvertsAsPillowDoes) {
  // RGB -> L is (r*19595 + g*38470 + b*7471 + 0x8000) >> 16; alpha ignored.
  auto rgba = Image::create(3, 1, 4, Limits{});
  ASSERT_TRUE(rgba.ok());
  const std::uint8_t px[] = {255, 0, 0, 9, 0, 255, 0, 0, 10, 20, 30, 255};
  std::memcpy(rgba->row(0), px, sizeof px);
  auto grey = pillow_grey(*rgba);
  ASSERT_TRUE(grey.ok()) << grey.status();
  ASSERT_EQ(grey->channels(), 1);
  EXPECT_EQ(grey->row(0)[0], (255 * 19595 + 0x8000) >> 16);
  EXPECT_EQ(grey->row(0)[1], (255 * 38470 + 0x8000) >> 16);
  EXPECT_EQ(grey->row(0)[2],
            (10 * 19595 + 20 * 38470 + 30 * 7471 + 0x8000) >> 16);
  RecordingSink sink;
  ASSERT_TRUE(pillow_grey_rows(*rgba, sink).ok());
  EXPECT_EQ(sink.pixels, pixels_of(*grey));
  EXPECT_EQ(pillow_grey(Image{}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pillow_grey_rows(Image{}, sink).code(),
            ErrorCode::kInvalidArgument);
}

TEST(PillowGrey, KeepsTheStoredOrientation) {
  // Pillow does not apply EXIF orientation: orient6.jpg stays as stored.
  const auto source = Source::file(data_path("orient6.jpg"));
  ASSERT_TRUE(source.ok());
  auto info = probe(**source);
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->orientation, 6);
  auto grey = decode_pillow_grey(**source);
  ASSERT_TRUE(grey.ok()) << grey.status();
  EXPECT_EQ(grey->width(), info->width);
  EXPECT_EQ(grey->height(), info->height);
}

TEST(FastGrey, IsUprightAndShrunkOnLoad) {
  const auto source = Source::file(data_path("orient6.jpg"));
  ASSERT_TRUE(source.ok());
  auto info = probe(**source);
  ASSERT_TRUE(info.ok());
  auto full = decode_fast_grey(**source);
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(full->channels(), 1);
  EXPECT_EQ(full->width(), info->display_width());
  EXPECT_EQ(full->height(), info->display_height());
  // min_side 1: JPEG decodes at 1/8 while each side stays >= 2.
  auto small = decode_fast_grey(**source, Limits{}, 1);
  ASSERT_TRUE(small.ok()) << small.status();
  const int shrink =
      shrink_on_load_factor(info->width, info->height, info->orientation, 1, 1);
  EXPECT_GT(shrink, 1);
  EXPECT_EQ(small->width(), (info->display_width() + shrink - 1) / shrink);
  EXPECT_EQ(small->height(), (info->display_height() + shrink - 1) / shrink);
}

TEST(GreyViews, ErrorsNameTheSource) {
  const std::string junk = "this is not an image, only some bytes";
  const auto source = Source::memory(
      std::as_bytes(std::span(junk.data(), junk.size())), "junk.bin");
  ASSERT_NE(source, nullptr);
  auto pillow = decode_pillow_grey(*source);
  ASSERT_FALSE(pillow.ok());
  EXPECT_EQ(pillow.status().code(), ErrorCode::kUnsupportedFormat);
  EXPECT_EQ(pillow.status().message().rfind("junk.bin", 0), 0u)
      << pillow.status();
  auto fast = decode_fast_grey(*source);
  ASSERT_FALSE(fast.ok());
  EXPECT_EQ(fast.status().message().rfind("junk.bin", 0), 0u) << fast.status();
  // Limits hold before pixels exist.
  const auto big = Source::file(data_path("rgb.jpg"));
  ASSERT_TRUE(big.ok());
  Limits tiny;
  tiny.max_pixels = 4;
  EXPECT_EQ(decode_pillow_grey(**big, tiny).status().code(),
            ErrorCode::kLimitExceeded);
  EXPECT_EQ(decode_fast_grey(**big, tiny).status().code(),
            ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace imagebank
