// KnownSkus and rule 7 of filename.hpp: matching names and folders against
// the SKUs of a Carteira.
#include "imagebank/sku/known_skus.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imagebank/sku/filename.hpp"
#include "sku/sku_test_util.hpp"

namespace imagebank {
namespace {

using testing::parsed;
using testing::Triple;
using testing::triple;

TEST(KnownSkus, SpellingsCollapse) {
  const std::vector<std::string> list = {" AB-77 ",
                                         "ab77",
                                         "",
                                         "  ",
                                         "---",
                                         "Cal\xC3\xA7"
                                         "a-900",
                                         "CALCA 900",
                                         "10.02.0345",
                                         "Cal\xE7"
                                         "a-901"};
  const KnownSkus known(list);
  // Blanks skipped, later spellings merged into the first, trimmed; the
  // Windows-1252 entry arrives as UTF-8.
  EXPECT_EQ(known.skus(), (std::vector<std::string>{"AB-77",
                                                    "Cal\xC3\xA7"
                                                    "a-900",
                                                    "10.02.0345",
                                                    "Cal\xC3\xA7"
                                                    "a-901"}));
  EXPECT_EQ(known.size(), 4u);
  EXPECT_EQ(known.find("AB 77"), 0u);
  EXPECT_EQ(known.find("a.b_7-7"), 0u);
  EXPECT_EQ(known.find("CALCA900"), 1u);
  EXPECT_EQ(known.find("1002-0345"), 2u);
  EXPECT_EQ(known.find("AB7"), std::nullopt);
  EXPECT_EQ(known.find(""), std::nullopt);
  EXPECT_TRUE(KnownSkus().empty());
}

TEST(KnownSkus, ManyEntries) {
  std::vector<std::string> list;
  for (int i = 0; i < 50000; ++i) list.push_back("SKU-" + std::to_string(i));
  const KnownSkus known(list);
  ASSERT_EQ(known.size(), 50000u);
  for (int i : {0, 1, 777, 49999}) {
    EXPECT_EQ(known.find("sku" + std::to_string(i)), std::size_t(i));
    EXPECT_EQ(
        parsed("sku" + std::to_string(i) + "_frente.jpg", &known).sku_base,
        "SKU-" + std::to_string(i));
  }
  EXPECT_EQ(known.find("SKU-50000"), std::nullopt);
}

TEST(KnownSkuMatch, IssueExample) {
  const KnownSkus known{"AB-77"};
  const SkuParse p = parsed("ab77_costas.png", &known);
  EXPECT_EQ(p.sku_base, "AB-77");
  EXPECT_EQ(p.sequence, "COSTAS");
  EXPECT_EQ(p.view, "back");
  EXPECT_EQ(p.reason, SkuReason::kKnownSku);
  EXPECT_EQ(p.confidence, 1.0);
  EXPECT_FALSE(p.from_folder);
}

TEST(KnownSkuMatch, LongestPrefixAtTokenBoundary) {
  const KnownSkus known{"ABC", "ABC123", "ABC-12", "XY"};
  EXPECT_EQ(triple("ABC123_01.jpg", &known), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("abc_123_frente.jpg", &known),
            (Triple{"ABC123", "FRENTE", "front"}));
  // Every prefix leaves only sequence tokens: the spelled one goes first.
  EXPECT_EQ(triple("ABC_12_3.jpg", &known), (Triple{"ABC-12", "3", ""}));
  EXPECT_EQ(triple("ABC_12_4.jpg", &known), (Triple{"ABC-12", "4", ""}));
  EXPECT_EQ(triple("ABC_XYZ.jpg", &known), (Triple{"ABC", "XYZ", ""}));
  // "ABC12" ends inside the token "ABC123X": no boundary there, and "ABC" is
  // no prefix ending at a boundary either.
  const SkuParse p = parsed("ABC123X_01.jpg", &known);
  EXPECT_EQ(p.reason, SkuReason::kGrammar);
  EXPECT_EQ(p.sku_base, "ABC123X");
  EXPECT_LT(p.confidence, 1.0);
  EXPECT_EQ(parsed("XYZ_01.jpg", &known).reason, SkuReason::kGrammar);
}

TEST(KnownSkuMatch, SpellingAsListedGoesFirst) {
  const KnownSkus known{"AB-1", "AB-101", "AB 77", "AB-772"};
  // Separators removed, AB-101 is the longest prefix of "AB-1_01"; but the
  // name spells AB-1 as listed, followed by a sequence.
  EXPECT_EQ(triple("AB-1_01.jpg", &known), (Triple{"AB-1", "01", ""}));
  EXPECT_EQ(triple("ab.1 01.jpg", &known), (Triple{"AB-1", "01", ""}));
  EXPECT_EQ(triple("AB_77_2.jpg", &known), (Triple{"AB 77", "2", ""}));
  // No spelling match: the longest separator-free prefix.
  EXPECT_EQ(triple("AB101.jpg", &known), (Triple{"AB-101", "", ""}));
  EXPECT_EQ(triple("AB1_01.jpg", &known), (Triple{"AB-101", "", ""}));
  EXPECT_EQ(triple("AB772_frente.jpg", &known),
            (Triple{"AB-772", "FRENTE", "front"}));
  // The longest spelling wins among spellings.
  const KnownSkus nested{"AB-1", "AB-1-01"};
  EXPECT_EQ(triple("AB_1_01_A.jpg", &nested), (Triple{"AB-1-01", "A", ""}));
  // Every listed spelling counts, even one merged into an earlier entry.
  const KnownSkus merged{"AB-77", "ab77", "AB-7701"};
  EXPECT_EQ(triple("AB77_01.jpg", &merged), (Triple{"AB-77", "01", ""}));
  EXPECT_EQ(triple("AB-77-01.jpg", &merged), (Triple{"AB-77", "01", ""}));
  EXPECT_EQ(triple("AB7701.jpg", &merged), (Triple{"AB-7701", "", ""}));
}

TEST(KnownSkuMatch, SeparatorsCaseAndAccentsIgnored) {
  const KnownSkus known{"10.02.0345", "1002 0346",
                        "Cal\xC3\xA7"
                        "a-900"};
  EXPECT_EQ(triple("10020345_01.jpg", &known),
            (Triple{"10.02.0345", "01", ""}));
  EXPECT_EQ(triple("10-02-0346_FRENTE.jpg", &known),
            (Triple{"1002 0346", "FRENTE", "front"}));
  EXPECT_EQ(triple("CALCA900_frente.jpg", &known), (Triple{"Cal\xC3\xA7"
                                                           "a-900",
                                                           "FRENTE", "front"}));
  EXPECT_EQ(triple("cal\xC3\xA7"
                   "a 900 (2).jpg",
                   &known),
            (Triple{"Cal\xC3\xA7"
                    "a-900",
                    "2", ""}));
  EXPECT_EQ(triple("Cal\xE7"
                   "a_900 - C\xF3pia.jpg",
                   &known),
            (Triple{"Cal\xC3\xA7"
                    "a-900",
                    "", ""}));
}

TEST(KnownSkuMatch, KnownSkuKeepsTokensTheGrammarWouldEat) {
  // Alone, the grammar consumes every 2-digit group and falls back to the
  // folder; the Carteira knows better.
  EXPECT_EQ(parsed("10.02.03_01.jpg").reason, SkuReason::kNoSku);
  const KnownSkus known{"10.02.03"};
  EXPECT_EQ(triple("10.02.03_01.jpg", &known), (Triple{"10.02.03", "01", ""}));
  // The rest after the known SKU is the sequence, consumable or not.
  const KnownSkus ab{"AB-77"};
  EXPECT_EQ(triple("AB77_azul_costas.jpg", &ab),
            (Triple{"AB-77", "AZUL_COSTAS", "back"}));
  // A known SKU outranks a camera pattern.
  const KnownSkus camera{"P1010001"};
  EXPECT_EQ(parsed("P1010001.jpg", &camera).reason, SkuReason::kKnownSku);
}

TEST(KnownSkuMatch, ParentFolder) {
  const KnownSkus known{"ABC123", "AB-77"};
  SkuParse p = parsed("Verao25/abc-123/01.jpg", &known);
  EXPECT_EQ((Triple{p.sku_base, p.sequence, p.view}),
            (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(p.reason, SkuReason::kKnownSku);
  EXPECT_TRUE(p.from_folder);
  EXPECT_EQ(p.confidence, 1.0);
  // Windows path; the folder's extra words after the SKU are ignored.
  EXPECT_EQ(triple("D:\\Estudio\\AB 77 azul\\FRENTE.jpg", &known),
            (Triple{"AB-77", "FRENTE", "front"}));
  // A camera name in a SKU folder: the whole name is the sequence.
  p = parsed("fotos/ABC123/IMG_1234.JPG", &known);
  EXPECT_EQ((Triple{p.sku_base, p.sequence, p.view}),
            (Triple{"ABC123", "IMG_1234", ""}));
  EXPECT_TRUE(p.from_folder);
  // Words without a digit are no code of their own.
  EXPECT_EQ(triple("AB-77/foto azul lateral.jpg", &known),
            (Triple{"AB-77", "FOTO_AZUL_LATERAL", "side"}));
  // A code the Carteira does not know stays unmatched, not filed under the
  // folder's SKU.
  p = parsed("AB-77/XY-780_01.jpg", &known);
  EXPECT_EQ(p.reason, SkuReason::kGrammar);
  EXPECT_EQ(p.sku_base, "XY-780");
  EXPECT_FALSE(p.from_folder);
  // A folder no known SKU matches: the grammar's folder fallback.
  p = parsed("Outros/01.jpg", &known);
  EXPECT_EQ(p.reason, SkuReason::kGrammar);
  EXPECT_EQ(p.sku_base, "OUTROS");
  // And a camera name in an unknown folder stays a camera name.
  EXPECT_EQ(parsed("Outros/IMG_1234.jpg", &known).reason,
            SkuReason::kCameraDefault);
}

TEST(KnownSkuMatch, EmptyListIsLikeNone) {
  const KnownSkus none;
  EXPECT_EQ(parsed("ABC123_01.jpg", &none), parsed("ABC123_01.jpg"));
  EXPECT_EQ(parsed("ABC123/01.jpg", &none), parsed("ABC123/01.jpg"));
}

}  // namespace
}  // namespace imagebank
