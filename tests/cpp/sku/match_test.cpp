// match(): a batch of names against the known SKUs, and its report.
#include "imagebank/sku/match.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace imagebank {
namespace {

using Strings = std::vector<std::string>;

TEST(SkuMatchReport, PerFileAndPerSku) {
  const KnownSkus known{"AB-77", "ABC123", "ZZ-1", "10.02.0345"};
  const Strings names = {
      "ab77_costas.png",           // 0 AB-77 back
      "AB-77_FRENTE.jpg",          // 1 AB-77 front
      "AB-77_01.jpg",              // 2 AB-77, no view
      "IMG_1234.jpg",              // 3 camera
      "XYZ999_01.jpg",             // 4 unknown XYZ999
      "Verao/ABC123/detalhe.jpg",  // 5 ABC123 detail (folder)
      "xyz999_frente.jpg",         // 6 unknown XYZ999 front
      "01.jpg",                    // 7 no_sku
      std::string(5000, 'A'),      // 8 refused
      "AB77 - C\xC3\xB3pia.jpg",   // 9 AB-77
  };
  const MatchReport r = match(names, known);

  ASSERT_EQ(r.files.size(), names.size());
  EXPECT_EQ(r.files[0].input, "ab77_costas.png");
  EXPECT_EQ(r.files[0].sku, 0u);
  EXPECT_EQ(r.files[0].parse.view, "back");
  EXPECT_TRUE(r.files[1].matched());
  EXPECT_EQ(r.files[5].sku, 1u);
  EXPECT_TRUE(r.files[5].parse.from_folder);
  for (std::size_t i : {3, 4, 6, 7, 8}) EXPECT_FALSE(r.files[i].matched()) << i;
  EXPECT_EQ(r.files[3].parse.reason, SkuReason::kCameraDefault);
  EXPECT_EQ(r.files[4].parse.reason, SkuReason::kGrammar);
  EXPECT_EQ(r.files[7].parse.reason, SkuReason::kNoSku);
  EXPECT_EQ(r.files[8].status.code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(r.files[0].status.ok());

  ASSERT_EQ(r.skus.size(), 4u);
  EXPECT_EQ(r.skus[0].sku, "AB-77");
  EXPECT_EQ(r.skus[0].photos, 4u);
  // In the order of the view words (front before back), not of arrival.
  EXPECT_EQ(r.skus[0].views, (Strings{"front", "back"}));
  EXPECT_EQ(r.skus[1].sku, "ABC123");
  EXPECT_EQ(r.skus[1].photos, 1u);
  EXPECT_EQ(r.skus[1].views, (Strings{"detail"}));
  EXPECT_EQ(r.skus[2].photos, 0u);
  EXPECT_TRUE(r.skus[2].views.empty());

  EXPECT_EQ(r.skus_without_photos, (Strings{"ZZ-1", "10.02.0345"}));
  EXPECT_EQ(r.photos_without_sku, (std::vector<std::size_t>{3, 4, 6, 7, 8}));
  ASSERT_EQ(r.unknown_skus.size(), 1u);
  EXPECT_EQ(r.unknown_skus[0].sku, "XYZ999");
  EXPECT_EQ(r.unknown_skus[0].photos, 2u);
  EXPECT_EQ(r.unknown_skus[0].views, (Strings{"front"}));
}

TEST(SkuMatchReport, NoKnownSkus) {
  const MatchReport r =
      match(Strings{"A1_01.jpg", "B2.jpg", "A1_02.jpg"}, KnownSkus());
  EXPECT_TRUE(r.skus.empty());
  EXPECT_TRUE(r.skus_without_photos.empty());
  EXPECT_EQ(r.photos_without_sku, (std::vector<std::size_t>{0, 1, 2}));
  ASSERT_EQ(r.unknown_skus.size(), 2u);
  EXPECT_EQ(r.unknown_skus[0].sku, "A1");
  EXPECT_EQ(r.unknown_skus[0].photos, 2u);
  EXPECT_EQ(r.unknown_skus[1].sku, "B2");
  EXPECT_TRUE(match(Strings{}, KnownSkus{"A"}).files.empty());
}

TEST(SkuMatchReport, LargeBatchIsParallelAndInOrder) {
  // Past one block: parsed on the pool, reported in input order.
  std::vector<std::string> skus, names;
  for (int i = 0; i < 3000; ++i) skus.push_back("SKU-" + std::to_string(i));
  for (int i = 0; i < 20000; ++i) {
    names.push_back("sku-" + std::to_string(i % 4000) + "_" +
                    std::string(1, static_cast<char>('a' + i % 3)) + ".jpg");
  }
  const KnownSkus known(skus);
  const MatchReport r = match(names, known);
  ASSERT_EQ(r.files.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    ASSERT_EQ(r.files[i].input, names[i]);
    const std::size_t sku = i % 4000;
    if (sku < 3000) {
      ASSERT_EQ(r.files[i].sku, sku) << i;
    } else {
      ASSERT_FALSE(r.files[i].matched()) << i;
    }
  }
  EXPECT_EQ(r.skus[0].photos, 5u);
  EXPECT_TRUE(r.skus_without_photos.empty());
  EXPECT_EQ(r.photos_without_sku.size(), 5000u);
  EXPECT_EQ(r.unknown_skus.size(), 1000u);
  EXPECT_EQ(r.unknown_skus.front().sku, "SKU-3000");
}

TEST(SkuMatchReport, CustomParser) {
  SkuRules rules;
  rules.view_words = {{"F", "front"}};
  const SkuParser parser = *SkuParser::create(rules);
  const MatchReport r = match(Strings{"AB1_F.jpg"}, KnownSkus{"AB1"}, parser);
  EXPECT_EQ(r.skus[0].views, (Strings{"front"}));
}

}  // namespace
}  // namespace imagebank
