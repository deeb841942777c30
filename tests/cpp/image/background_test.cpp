// Background masks and removal on synthetic pictures.
#include "imagebank/image/background.hpp"

#include <gtest/gtest.h>

#include <random>

namespace imagebank {
namespace {

Image canvas(std::uint32_t w, std::uint32_t h, Rgb8 colour) {
  Image image = std::move(Image::create(w, h, 3)).value();
  for (std::size_t i = 0; i < image.size_bytes(); i += 3) {
    for (int c = 0; c < 3; ++c) image.data()[i + c] = colour[c];
  }
  return image;
}

void fill(Image& image, std::uint32_t x0, std::uint32_t y0, std::uint32_t x1,
          std::uint32_t y1, Rgb8 colour) {
  for (std::uint32_t y = y0; y < y1; ++y) {
    for (std::uint32_t x = x0; x < x1; ++x) {
      for (int c = 0; c < 3; ++c) image.row(y)[3 * x + c] = colour[c];
    }
  }
}

TEST(FindBackground, RectangleOnWhite) {
  Image image = canvas(64, 48, {255, 255, 255});
  fill(image, 16, 12, 40, 36, {200, 20, 30});
  auto mask = find_background(image);
  ASSERT_TRUE(mask.ok()) << mask.status();
  EXPECT_EQ(mask->colour, (Rgb8{255, 255, 255}));
  EXPECT_EQ(mask->white_share, 1.0);
  EXPECT_EQ(mask->uniformity, 1.0);
  EXPECT_TRUE(mask->white_background);
  EXPECT_DOUBLE_EQ(mask->background_share, 1.0 - 24.0 * 24.0 / (64.0 * 48.0));
  for (std::uint32_t y = 0; y < 48; ++y) {
    for (std::uint32_t x = 0; x < 64; ++x) {
      const bool inside = x >= 16 && x < 40 && y >= 12 && y < 36;
      ASSERT_EQ(mask->background[y * 64 + x], inside ? 0 : 1) << x << "," << y;
    }
  }
}

TEST(FindBackground, PaleGreyBorderIsUniformButNotWhite) {
  Image image = canvas(50, 50, {150, 150, 150});
  fill(image, 10, 10, 40, 40, {20, 30, 120});
  auto mask = find_background(image);
  ASSERT_TRUE(mask.ok());
  EXPECT_EQ(mask->white_share, 0.0);
  EXPECT_EQ(mask->uniformity, 1.0);
  EXPECT_FALSE(mask->white_background);
}

TEST(FindBackground, EnclosedBackgroundColourStaysForeground) {
  // A black frame with a white hole: the hole is not border-connected.
  Image image = canvas(60, 60, {255, 255, 255});
  fill(image, 10, 10, 50, 50, {0, 0, 0});
  fill(image, 20, 20, 40, 40, {255, 255, 255});
  auto mask = find_background(image);
  ASSERT_TRUE(mask.ok());
  EXPECT_EQ(mask->background[30 * 60 + 30], 0);
  EXPECT_EQ(mask->background[5 * 60 + 5], 1);
}

TEST(FindBackground, NoisyBorderIsNotUniform) {
  Image image = canvas(64, 64, {0, 0, 0});
  std::mt19937 random(3);
  for (std::size_t i = 0; i < image.size_bytes(); ++i) {
    image.data()[i] = static_cast<std::uint8_t>(random());
  }
  auto mask = find_background(image);
  ASSERT_TRUE(mask.ok());
  EXPECT_LT(mask->uniformity, 0.2);
  EXPECT_FALSE(mask->white_background);
}

TEST(FindBackground, TinyGreyAndBadInput) {
  auto one = find_background(canvas(1, 1, {10, 10, 10}));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->background_share, 1.0);
  Image grey = std::move(Image::create(5, 3, 1)).value();
  for (std::size_t i = 0; i < grey.size_bytes(); ++i) grey.data()[i] = 128;
  auto g = find_background(grey);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->colour, (Rgb8{128, 128, 128}));
  EXPECT_EQ(find_background(Image()).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(find_background(grey, BackgroundOptions{0.0}).ok());
  EXPECT_FALSE(find_background(grey, BackgroundOptions{NAN}).ok());
}

TEST(RemoveBackground, CutsOutWithSoftDecontaminatedEdges) {
  // A black square on white with a one-pixel mid-grey (anti-aliased) edge.
  Image image = canvas(40, 40, {255, 255, 255});
  fill(image, 9, 9, 31, 31, {128, 128, 128});
  fill(image, 10, 10, 30, 30, {0, 0, 0});
  auto out = remove_background(image);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->channels(), 4);
  const auto at = [&](int x, int y) { return out->row(y) + 4 * x; };
  EXPECT_EQ(at(2, 2)[3], 0);      // background
  EXPECT_EQ(at(20, 20)[3], 255);  // solid
  EXPECT_EQ(at(20, 20)[0], 0);
  // The grey rim is half black over white: alpha ~ 0.5 and its colour
  // black once the white is taken out (no light halo).
  const std::uint8_t* rim = at(9, 20);
  EXPECT_NEAR(rim[3], 127, 2);
  EXPECT_LE(rim[0], 3);
  EXPECT_LE(rim[1], 3);
  EXPECT_LE(rim[2], 3);
  // A hard edge keeps the rim opaque grey.
  RemoveBackgroundOptions hard;
  hard.feather = 0;
  auto sharp = remove_background(image, hard);
  ASSERT_TRUE(sharp.ok());
  EXPECT_EQ(sharp->row(20)[4 * 9 + 3], 255);
  EXPECT_EQ(sharp->row(20)[4 * 9], 128);
}

TEST(RemoveBackground, EnclosedCountersOnRequest) {
  Image image = canvas(60, 60, {255, 255, 255});
  fill(image, 10, 10, 50, 50, {0, 0, 120});
  fill(image, 20, 20, 40, 40, {255, 255, 255});
  auto kept = remove_background(image);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->row(30)[4 * 30 + 3], 255);
  RemoveBackgroundOptions options;
  options.enclosed = true;
  auto cleared = remove_background(image, options);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->row(30)[4 * 30 + 3], 0);
  EXPECT_EQ(cleared->row(15)[4 * 15 + 3], 255);
}

TEST(RemoveBackground, KeepsAnExistingAlpha) {
  Image image = std::move(Image::create(20, 20, 4)).value();
  for (std::size_t i = 0; i < image.size_bytes(); i += 4) {
    image.data()[i] = image.data()[i + 1] = image.data()[i + 2] = 255;
    image.data()[i + 3] = 255;
  }
  for (std::uint32_t y = 5; y < 15; ++y) {
    for (std::uint32_t x = 5; x < 15; ++x) {
      std::uint8_t* p = image.row(y) + 4 * x;
      p[0] = 10, p[1] = 120, p[2] = 10, p[3] = 100;
    }
  }
  auto out = remove_background(image);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->row(10)[4 * 10 + 3], 100);
  EXPECT_EQ(out->row(0)[3], 0);
}

TEST(RemoveBackground, RefusesWhatItCannotDo) {
  Image noisy = canvas(32, 32, {0, 0, 0});
  std::mt19937 random(5);
  for (std::size_t i = 0; i < noisy.size_bytes(); ++i) {
    noisy.data()[i] = static_cast<std::uint8_t>(random());
  }
  auto busy = remove_background(noisy);
  EXPECT_EQ(busy.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(busy.status().message().find("not one colour"), std::string::npos);
  RemoveBackgroundOptions options;
  options.feather = 17;
  EXPECT_FALSE(remove_background(canvas(4, 4, {1, 1, 1}), options).ok());
  EXPECT_FALSE(remove_background(Image()).ok());
  // All background: every pixel transparent, not an error.
  auto empty = remove_background(canvas(3, 2, {255, 255, 255}));
  ASSERT_TRUE(empty.ok());
  for (std::size_t i = 3; i < empty->size_bytes(); i += 4) {
    EXPECT_EQ(empty->data()[i], 0);
  }
}

}  // namespace
}  // namespace imagebank
