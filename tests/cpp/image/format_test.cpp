#include "imagebank/image/format.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::data_path;
using testing::read_file;

std::span<const std::byte> as_bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

TEST(Format, NamesRoundTrip) {
  for (Format f : {Format::kUnknown, Format::kJpeg, Format::kPng, Format::kWebp,
                   Format::kAvif, Format::kGif, Format::kTiff, Format::kHeic,
                   Format::kBmp, Format::kSvg, Format::kJxl}) {
    EXPECT_EQ(format_from_name(format_name(f)), f);
  }
  EXPECT_FALSE(format_from_name("JPEG").has_value());
  EXPECT_FALSE(format_from_name("").has_value());
}

TEST(Format, MimeTypesAndSupport) {
  EXPECT_EQ(mime_type(Format::kAvif), "image/avif");
  EXPECT_EQ(mime_type(Format::kWebp), "image/webp");
  EXPECT_EQ(mime_type(Format::kUnknown), "application/octet-stream");
  EXPECT_TRUE(is_supported(Format::kJpeg));
  EXPECT_TRUE(is_supported(Format::kAvif));
  EXPECT_FALSE(is_supported(Format::kHeic));
  EXPECT_FALSE(is_supported(Format::kUnknown));
}

// The one table: a row per enum value, consistent with every accessor.
TEST(Format, OneRowPerFormatConsistentWithTheAccessors) {
  const std::span<const FormatInfo> rows = format_infos();
  ASSERT_EQ(rows.size(), 11u);
  EXPECT_EQ(rows.front().format, Format::kUnknown);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const FormatInfo& row = rows[i];
    EXPECT_EQ(static_cast<std::size_t>(row.format), i);
    EXPECT_EQ(&format_info(row.format), &format_info(row.format));
    EXPECT_EQ(format_info(row.format).name, row.name);
    EXPECT_EQ(format_name(row.format), row.name);
    EXPECT_EQ(mime_type(row.format), row.mime_type);
    EXPECT_EQ(file_extension(row.format), row.extension);
    EXPECT_EQ(is_supported(row.format), row.can_decode);
    EXPECT_FALSE(row.extension.empty()) << row.name;
    EXPECT_TRUE(row.mime_type.find('/') != std::string_view::npos);
    // Whatever is written can be read back; shrinking needs a decoder.
    if (row.can_encode) {
      EXPECT_TRUE(row.can_decode) << row.name;
    }
    if (row.shrink_on_load) {
      EXPECT_TRUE(row.can_decode) << row.name;
    }
  }
  EXPECT_EQ(file_extension(Format::kJpeg), "jpg");
  EXPECT_EQ(file_extension(Format::kUnknown), "bin");
  EXPECT_TRUE(format_info(Format::kJpeg).shrink_on_load);
  EXPECT_TRUE(format_info(Format::kWebp).shrink_on_load);
  EXPECT_FALSE(format_info(Format::kPng).shrink_on_load);
  EXPECT_TRUE(format_info(Format::kAvif).can_encode);
  EXPECT_FALSE(format_info(Format::kGif).can_decode);
  // A value outside the enum reads as unknown, not out of bounds.
  EXPECT_EQ(format_info(static_cast<Format>(99)).format, Format::kUnknown);
}

TEST(Format, SniffsEveryTestFile) {
  for (const auto& e : testing::expected_probes()) {
    EXPECT_EQ(sniff_format(read_file(data_path(e.file))), e.info.format)
        << e.file;
  }
  for (const auto& [file, name] : testing::expected_unsupported()) {
    EXPECT_EQ(format_name(sniff_format(read_file(data_path(file)))), name)
        << file;
  }
}

TEST(Format, SniffNeedsWholeMagic) {
  using namespace std::string_literals;
  EXPECT_EQ(sniff_format({}), Format::kUnknown);
  EXPECT_EQ(sniff_format(as_bytes("\xFF\xD8")), Format::kUnknown);
  EXPECT_EQ(sniff_format(as_bytes("\xFF\xD8\xFF")), Format::kJpeg);
  EXPECT_EQ(sniff_format(as_bytes("RIFF\x10\0\0\0WEBP"s)), Format::kWebp);
  EXPECT_EQ(sniff_format(as_bytes("RIFF\x10\0\0\0WAVE"s)), Format::kUnknown);
}

TEST(Format, IsobmffBrandsDecide) {
  using namespace std::string_literals;
  const std::string avif_compat =
      "\0\0\0\x1c"s
      "ftyp"
      "mif1"
      "\0\0\0\0"s
      "mif1"
      "avif"
      "miaf";
  EXPECT_EQ(sniff_format(as_bytes(avif_compat)), Format::kAvif);
  const std::string heic =
      "\0\0\0\x18"s
      "ftyp"
      "heic"
      "\0\0\0\0"s
      "mif1heic";
  EXPECT_EQ(sniff_format(as_bytes(heic)), Format::kHeic);
  const std::string mp4 =
      "\0\0\0\x18"s
      "ftyp"
      "isom"
      "\0\0\0\0"s
      "isomiso2";
  EXPECT_EQ(sniff_format(as_bytes(mp4)), Format::kUnknown);
  // Brands past the declared box size do not count.
  const std::string short_box =
      "\0\0\0\x10"s
      "ftyp"
      "mif1"
      "\0\0\0\0"s
      "avif";
  EXPECT_EQ(sniff_format(as_bytes(short_box)), Format::kHeic);
}

TEST(Format, TextFormats) {
  EXPECT_EQ(sniff_format(as_bytes("\xEF\xBB\xBF  <svg xmlns='x'/>")),
            Format::kSvg);
  EXPECT_EQ(sniff_format(as_bytes("<?xml version='1.0'?><html/>")),
            Format::kUnknown);
  EXPECT_EQ(sniff_format(as_bytes("hello world, not an image")),
            Format::kUnknown);
}

}  // namespace
}  // namespace imagebank
