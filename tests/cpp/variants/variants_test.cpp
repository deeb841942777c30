#include "imagebank/variants/variants.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/image/probe.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::Bytes;
using testing::data_path;
using testing::read_file;

TEST(Presets, DefaultsAreTheSeedSystemsSizes) {
  const auto& p = default_presets();
  ASSERT_EQ(p.size(), 6u);
  const char* names[] = {"thumbnail", "small",  "grid",
                         "detail",    "header", "zoom"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(p[i].name, names[i]);
    EXPECT_TRUE(validate_preset(p[i]).ok());
  }
  EXPECT_EQ(find_preset("header")->geometry.width, 1600u);
  EXPECT_EQ(find_preset("header")->geometry.height, 600u);
  EXPECT_EQ(find_preset("header")->geometry.fit, Fit::kCover);
  EXPECT_EQ(find_preset("nope").status().code(), ErrorCode::kNotFound);
}

TEST(Presets, Validation) {
  Preset p{"Bad Name", {}};
  p.geometry.width = 10;
  EXPECT_EQ(validate_preset(p).code(), ErrorCode::kInvalidArgument);
  p.name = "ok";
  p.geometry.width = 0;
  EXPECT_EQ(validate_preset(p).code(), ErrorCode::kInvalidArgument);
  p.geometry = {};
  p.geometry.width = 100;
  p.geometry.fit = Fit::kCover;
  EXPECT_EQ(validate_preset(p).code(), ErrorCode::kInvalidArgument);
  p.geometry.height = 100;
  EXPECT_TRUE(validate_preset(p).ok());
}

TEST(VariantKey, DerivesFromShaPresetFormatAndSettings) {
  const std::string sha(64, 'a');
  EncodeOptions q80 = VariantOptions::default_encode_options(Format::kWebp);
  EncodeOptions q70 = q80;
  q70.quality = 70;
  auto k1 = variant_key(sha, "grid", Format::kWebp, q80);
  ASSERT_TRUE(k1.ok());
  EXPECT_EQ(k1->rfind("variants/" + sha + "/grid.", 0), 0u);
  EXPECT_TRUE(validate_blob_key(*k1).ok()) << *k1;
  EXPECT_TRUE(k1->ends_with(".webp"));
  EXPECT_EQ(*k1, *variant_key(sha, "grid", Format::kWebp, q80));
  EXPECT_NE(*k1, *variant_key(sha, "grid", Format::kWebp, q70));
  EXPECT_NE(*k1, *variant_key(sha, "zoom", Format::kWebp, q80));
  EXPECT_NE(*k1,
            *variant_key(std::string(64, 'b'), "grid", Format::kWebp, q80));
  EXPECT_FALSE(variant_key("abc", "grid", Format::kWebp, q80).ok());
  EXPECT_FALSE(
      variant_key(std::string(64, 'A'), "grid", Format::kWebp, q80).ok());
  EXPECT_FALSE(variant_key(sha, "../etc", Format::kWebp, q80).ok());
}

TEST(MakeVariants, AllPresetsAndFormatsFromAPhoto) {
  const char* corpus = std::getenv("IMAGEBANK_CORPUS");
  if (corpus == nullptr) GTEST_SKIP() << "IMAGEBANK_CORPUS not set";
  const Bytes photo =
      read_file(std::filesystem::path(corpus) / "Elephants_3840x2160.jpg");
  VariantOptions options;
  options.formats = {Format::kWebp, Format::kJpeg};
  Result<std::vector<Variant>> variants = make_variants(photo, options);
  ASSERT_TRUE(variants.ok()) << variants.status();
  ASSERT_EQ(variants->size(), 12u);
  struct Want {
    const char* preset;
    std::uint32_t w, h;
  };
  // 3840x2160: fit keeps 16:9, cover fills the box.
  const Want want[] = {{"thumbnail", 300, 300}, {"small", 480, 270},
                       {"grid", 500, 500},      {"detail", 1200, 675},
                       {"header", 1600, 600},   {"zoom", 2400, 1350}};
  for (std::size_t i = 0; i < 6; ++i) {
    for (std::size_t f = 0; f < 2; ++f) {
      const Variant& v = (*variants)[i * 2 + f];
      EXPECT_EQ(v.preset, want[i].preset);
      EXPECT_EQ(v.format, options.formats[f]);
      EXPECT_EQ(v.width, want[i].w) << v.preset;
      EXPECT_EQ(v.height, want[i].h) << v.preset;
      Result<ImageInfo> info = probe(std::span<const std::byte>(v.data));
      ASSERT_TRUE(info.ok()) << v.preset << ": " << info.status();
      EXPECT_EQ(info->format, v.format);
      EXPECT_EQ(info->width, v.width);
      EXPECT_EQ(info->height, v.height);
      EXPECT_FALSE(info->icc);
    }
  }
  // Deterministic: same input and settings, same bytes (any thread count).
  ThreadPool one(1);
  options.pool = &one;
  Result<std::vector<Variant>> again = make_variants(photo, options);
  ASSERT_TRUE(again.ok());
  for (std::size_t k = 0; k < variants->size(); ++k) {
    EXPECT_EQ((*variants)[k].data, (*again)[k].data) << k;
  }
}

TEST(MakeVariants, NeverUpscalesSmallImages) {
  const Bytes small = read_file(data_path("orient6.jpg"));  // shows 48x64
  VariantOptions options;
  options.formats = {Format::kJpeg};
  options.presets = {default_presets()[1],
                     default_presets()[5]};  // small, zoom
  Result<std::vector<Variant>> v = make_variants(small, options);
  ASSERT_TRUE(v.ok()) << v.status();
  for (const Variant& x : *v) {
    EXPECT_EQ(x.width, 48u) << x.preset;  // oriented, not enlarged
    EXPECT_EQ(x.height, 64u) << x.preset;
  }
}

TEST(MakeVariants, AlphaAndEveryFormat) {
  VariantOptions options;
  options.formats = {Format::kAvif, Format::kWebp, Format::kJpeg, Format::kPng};
  Preset tiny{"tiny", {}};
  tiny.geometry.width = 32;
  tiny.geometry.height = 32;
  tiny.geometry.fit = Fit::kPad;
  options.presets = {tiny};
  Result<std::vector<Variant>> v =
      make_variants(read_file(data_path("rgba.png")), options);
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_EQ(v->size(), 4u);
  std::set<Format> seen;
  for (const Variant& x : *v) {
    Result<ImageInfo> info = probe(std::span<const std::byte>(x.data));
    ASSERT_TRUE(info.ok()) << format_name(x.format);
    EXPECT_EQ(info->width, 32u);
    EXPECT_EQ(info->height, 32u);
    // JPEG has no alpha; the others keep it.
    EXPECT_EQ(info->has_alpha, x.format != Format::kJpeg)
        << format_name(x.format);
    seen.insert(info->format);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(MakeVariants, BadInputAndOptions) {
  VariantOptions options;
  options.formats = {Format::kGif};
  EXPECT_EQ(
      make_variants(read_file(data_path("rgb.jpg")), options).status().code(),
      ErrorCode::kInvalidArgument);
  options = {};
  const Bytes jpeg = read_file(data_path("rgb.jpg"));
  const Bytes cut(jpeg.begin(), jpeg.begin() + 300);
  Result<std::vector<Variant>> r =
      make_variants(*Source::memory(cut, "ABC123_01.jpg"), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData);
  EXPECT_EQ(r.status().message().rfind("ABC123_01.jpg: ", 0), 0u);
  const Bytes bomb = testing::png_declaring(20000, 20000);
  EXPECT_EQ(make_variants(bomb, options).status().code(),
            ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace imagebank
