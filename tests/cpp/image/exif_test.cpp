// The EXIF orientation reader is internal; it gets its own tests because a
// malformed EXIF block must never break a photo.
#include "image/exif.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace imagebank::detail {
namespace {

std::vector<std::byte> tiff(bool little, std::uint16_t tag, std::uint16_t type,
                            std::uint32_t value, std::uint16_t count = 1) {
  std::vector<std::byte> b;
  auto u8 = [&](unsigned v) { b.push_back(std::byte(v)); };
  auto u16 = [&](unsigned v) {
    if (little) {
      u8(v & 0xFF);
      u8(v >> 8);
    } else {
      u8(v >> 8);
      u8(v & 0xFF);
    }
  };
  auto u32 = [&](std::uint32_t v) {
    if (little) {
      u16(v & 0xFFFF);
      u16(v >> 16);
    } else {
      u16(v >> 16);
      u16(v & 0xFFFF);
    }
  };
  u8(little ? 'I' : 'M');
  u8(little ? 'I' : 'M');
  u16(42);
  u32(8);
  u16(count);
  for (int i = 0; i < count; ++i) {
    u16(i + 1 == count ? tag : 0x010F);  // earlier entries: Make
    u16(type);
    u32(1);
    if (type == 3) {
      u16(value);
      u16(0);
    } else {
      u32(value);
    }
  }
  u32(0);
  return b;
}

TEST(ExifOrientation, BothByteOrdersAllValues) {
  for (bool little : {true, false}) {
    for (std::uint32_t v = 1; v <= 8; ++v) {
      EXPECT_EQ(exif_orientation(tiff(little, 0x0112, 3, v)),
                static_cast<int>(v));
    }
  }
}

TEST(ExifOrientation, TagAfterOtherEntries) {
  EXPECT_EQ(exif_orientation(tiff(true, 0x0112, 3, 6, 5)), 6);
}

TEST(ExifOrientation, LongTypeAccepted) {
  EXPECT_EQ(exif_orientation(tiff(false, 0x0112, 4, 8)), 8);
}

TEST(ExifOrientation, MalformedGivesOne) {
  EXPECT_EQ(exif_orientation({}), 1);
  EXPECT_EQ(exif_orientation(tiff(true, 0x0112, 3, 0)), 1);
  EXPECT_EQ(exif_orientation(tiff(true, 0x0112, 3, 9)), 1);
  EXPECT_EQ(exif_orientation(tiff(true, 0x0112, 2, 6)), 1);  // ASCII type
  EXPECT_EQ(exif_orientation(tiff(true, 0x0110, 3, 6)), 1);  // another tag
  auto b = tiff(true, 0x0112, 3, 6);
  b[4] = std::byte{0xF0};  // IFD offset far past the end
  EXPECT_EQ(exif_orientation(b), 1);
  auto c = tiff(true, 0x0112, 3, 6, 3);
  c.resize(20);  // entries cut off
  EXPECT_EQ(exif_orientation(c), 1);
  auto d = tiff(true, 0x0112, 3, 6);
  d[2] = std::byte{43};  // not TIFF magic 42
  EXPECT_EQ(exif_orientation(d), 1);
  // Every truncation of a valid block is safe.
  const auto full = tiff(false, 0x0112, 3, 3, 4);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const int o = exif_orientation(std::span(full.data(), n));
    EXPECT_TRUE(o == 1 || o == 3) << n;
  }
}

TEST(ExifOrientation, PrefixSkipped) {
  auto block = tiff(true, 0x0112, 3, 5);
  std::vector<std::byte> prefixed = {std::byte{'E'}, std::byte{'x'},
                                     std::byte{'i'}, std::byte{'f'},
                                     std::byte{0},   std::byte{0}};
  prefixed.insert(prefixed.end(), block.begin(), block.end());
  EXPECT_EQ(exif_orientation(skip_exif_prefix(prefixed)), 5);
  EXPECT_EQ(skip_exif_prefix(block).size(), block.size());
}

}  // namespace
}  // namespace imagebank::detail
