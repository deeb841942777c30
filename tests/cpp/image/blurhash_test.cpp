// BlurHash: the published format's structure, flat colours, round trips
// and bad input.
#include "imagebank/image/blurhash.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace imagebank {
namespace {

Image flat(std::uint32_t w, std::uint32_t h, int channels,
           std::initializer_list<std::uint8_t> value) {
  Image image = std::move(Image::create(w, h, channels)).value();
  for (std::size_t i = 0; i < image.size_bytes(); i += channels) {
    int c = 0;
    for (const std::uint8_t v : value) image.data()[i + c++] = v;
  }
  return image;
}

TEST(BlurHash, FlatColourStructure) {
  // Size flag 3 + 2 * 9 = 21 ('L'), then the quantised AC maximum, then the
  // DC #ffffff in four base-83 digits. (A flat picture still has some AC:
  // the basis is sampled at x / width, whose odd cosines do not sum to 0.)
  auto hash = blurhash_encode(flat(40, 30, 3, {255, 255, 255}), 4, 3);
  ASSERT_TRUE(hash.ok()) << hash.status();
  ASSERT_EQ(hash->size(), 28u);
  EXPECT_EQ(hash->substr(0, 1), "L");
  EXPECT_EQ(hash->substr(2, 4), "TSUA");
  // Grey and RGBA over white read the same.
  EXPECT_EQ(*blurhash_encode(flat(40, 30, 1, {255}), 4, 3), *hash);
  EXPECT_EQ(*blurhash_encode(flat(40, 30, 4, {0, 0, 0, 0}), 4, 3), *hash);
  // One component: the DC alone.
  EXPECT_EQ(*blurhash_encode(flat(8, 8, 3, {255, 255, 255}), 1, 1), "00TSUA");
}

TEST(BlurHash, LengthFollowsComponents) {
  const Image image = flat(16, 16, 3, {10, 20, 30});
  for (int x = 1; x <= 9; ++x) {
    for (int y = 1; y <= 9; ++y) {
      auto hash = blurhash_encode(image, x, y);
      ASSERT_TRUE(hash.ok());
      EXPECT_EQ(hash->size(), 4u + 2u * x * y);
    }
  }
}

TEST(BlurHash, DecodeRestoresTheLayout) {
  // Left half red, right half blue: the decoded picture keeps the split.
  Image image = std::move(Image::create(64, 32, 3)).value();
  for (std::uint32_t y = 0; y < 32; ++y) {
    for (std::uint32_t x = 0; x < 64; ++x) {
      std::uint8_t* p = image.row(y) + 3 * x;
      p[0] = x < 32 ? 220 : 20;
      p[1] = 20;
      p[2] = x < 32 ? 20 : 220;
    }
  }
  auto hash = blurhash_encode(image, 4, 3);
  ASSERT_TRUE(hash.ok());
  auto decoded = blurhash_decode(*hash, 64, 32);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  const std::uint8_t* left = decoded->row(16) + 3 * 4;
  const std::uint8_t* right = decoded->row(16) + 3 * 59;
  EXPECT_GT(left[0], left[2] + 100);
  EXPECT_GT(right[2], right[0] + 100);
  // A flat colour decodes to itself (within the DC's rounding).
  auto flat_hash = blurhash_encode(flat(10, 10, 3, {90, 140, 200}), 1, 1);
  auto flat_back = blurhash_decode(*flat_hash, 5, 5);
  ASSERT_TRUE(flat_back.ok());
  EXPECT_LE(std::abs(flat_back->data()[0] - 90), 1);
  EXPECT_LE(std::abs(flat_back->data()[1] - 140), 1);
  EXPECT_LE(std::abs(flat_back->data()[2] - 200), 1);
}

TEST(BlurHash, RefusesBadInput) {
  EXPECT_EQ(blurhash_encode(Image(), 4, 3).status().code(),
            ErrorCode::kInvalidArgument);
  const Image image = flat(4, 4, 3, {1, 2, 3});
  EXPECT_FALSE(blurhash_encode(image, 0, 3).ok());
  EXPECT_FALSE(blurhash_encode(image, 4, 10).ok());
  const std::string good = *blurhash_encode(image, 4, 3);
  EXPECT_TRUE(blurhash_decode(good, 8, 8).ok());
  EXPECT_FALSE(blurhash_decode(good.substr(0, 27), 8, 8).ok());
  EXPECT_FALSE(blurhash_decode("", 8, 8).ok());
  EXPECT_FALSE(blurhash_decode(good, 0, 8).ok());
  EXPECT_FALSE(blurhash_decode(good, 8, 5000).ok());
  EXPECT_FALSE(blurhash_decode(good, 8, 8, 0.0).ok());
  std::string bad = good;
  bad[10] = '"';  // outside the alphabet
  auto refused = blurhash_decode(bad, 8, 8);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("base 83"), std::string::npos);
}

}  // namespace
}  // namespace imagebank
