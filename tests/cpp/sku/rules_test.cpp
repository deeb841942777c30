// SkuRules: every list configurable, and invalid rules refused; the
// normalisation and pattern helpers behind them.
#include <gtest/gtest.h>

#include <string>

#include "imagebank/core/text.hpp"
#include "imagebank/sku/filename.hpp"
#include "sku/normalize.hpp"
#include "sku/parser_impl.hpp"
#include "sku/sku_test_util.hpp"

namespace imagebank {
namespace {

using testing::parsed;
using testing::Triple;
using testing::triple;

SkuParser parser_for(const SkuRules& rules) {
  Result<SkuParser> p = SkuParser::create(rules);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : SkuParser();
}

TEST(SkuRules, DefaultsCompileAndMatchTheDefaultParser) {
  const SkuParser parser = parser_for(SkuRules());
  for (const char* name : {"ABC123_FRENTE (2).jpg", "IMG_1234.jpg",
                           "x/ABC123/01.png", "ABC123_01 - Copia.jpg"}) {
    EXPECT_EQ(parsed(name, nullptr, parser), parsed(name)) << name;
  }
  EXPECT_EQ(SkuParser().rules().max_sequence_digits, 2);
  EXPECT_EQ(SkuParser().rules().view_words.size(), 34u);
}

TEST(SkuRules, MaxSequenceDigits) {
  SkuRules rules;
  rules.max_sequence_digits = 3;
  const SkuParser three = parser_for(rules);
  EXPECT_EQ(triple("ABC_123.jpg", nullptr, three), (Triple{"ABC", "123", ""}));
  EXPECT_EQ(triple("ABC9_FRENTE123.jpg", nullptr, three),
            (Triple{"ABC9", "FRENTE123", "front"}));
  rules.max_sequence_digits = 0;
  const SkuParser none = parser_for(rules);
  EXPECT_EQ(triple("ABC123_01.jpg", nullptr, none),
            (Triple{"ABC123_01", "", ""}));
  EXPECT_EQ(triple("ABC123_FRENTE2.jpg", nullptr, none),
            (Triple{"ABC123_FRENTE2", "", ""}));
  EXPECT_EQ(triple("ABC123_FRENTE.jpg", nullptr, none),
            (Triple{"ABC123", "FRENTE", "front"}));
}

TEST(SkuRules, CustomLists) {
  SkuRules rules;
  rules.extensions = {"raw", ".CR2"};
  rules.view_words = {{"Pe\xC3\xA7"
                       "a",
                       "piece"},
                      {"FRENTE", "front"}};
  rules.copy_suffixes = {" (c\xC3\xB3pia)"};
  rules.copy_prefixes = {"old-"};
  rules.camera_patterns = {"CAM?##"};
  rules.separators = "_+";
  const SkuParser p = parser_for(rules);
  EXPECT_EQ(triple("ab-1+PECA2.cr2", nullptr, p),
            (Triple{"AB-1", "PECA2", "piece"}));
  // .jpg is no longer an extension; '.' and '-' no longer separate.
  EXPECT_EQ(triple("AB-1_01.jpg", nullptr, p), (Triple{"AB-1_01.JPG", "", ""}));
  EXPECT_EQ(triple("old-AB-1_frente (copia).raw", nullptr, p),
            (Triple{"AB-1", "FRENTE", "front"}));
  // The old words are gone.
  EXPECT_EQ(triple("AB-1_COSTAS.raw", nullptr, p),
            (Triple{"AB-1_COSTAS", "", ""}));
  EXPECT_EQ(parsed("cam\xC3\xA9"
                   "42.raw",
                   nullptr, p)
                .reason,
            SkuReason::kCameraDefault);
  EXPECT_EQ(parsed("IMG_1234.raw", nullptr, p).reason, SkuReason::kGrammar);
  // A word mapped twice keeps its first view.
  rules.view_words = {{"XA", "one"}, {"xa", "two"}};
  EXPECT_EQ(parsed("AB9_XA.raw", nullptr, parser_for(rules)).view, "one");
}

TEST(SkuRules, InvalidRulesAreRefused) {
  const auto refused = [](const SkuRules& rules) {
    const Result<SkuParser> p = SkuParser::create(rules);
    return !p.ok() && p.status().code() == ErrorCode::kInvalidArgument;
  };
  SkuRules r;
  r.max_sequence_digits = -1;
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.max_sequence_digits = 10;
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.max_name_bytes = 0;
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.view_words.push_back({"LADO_B", "side"});  // holds a separator
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.view_words.push_back({"FOTO2", "look"});  // ends in a digit
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.view_words.push_back({"", "look"});
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.view_words.push_back({"FOTO", ""});
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.extensions.push_back(".tar.gz");
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.extensions.push_back(".");
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.copy_suffixes.push_back("");
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.camera_patterns.push_back("");
  EXPECT_TRUE(refused(r));
  r = SkuRules();
  r.separators = "_\xC2\xA0";
  EXPECT_TRUE(refused(r));
  // Through the one-shot overload too.
  const Result<SkuParse> one = parse_filename("ABC123_01.jpg", r);
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.status().code(), ErrorCode::kInvalidArgument);
}

TEST(SkuRules, MaxNameBytes) {
  SkuRules rules;
  rules.max_name_bytes = 16;
  const SkuParser p = parser_for(rules);
  EXPECT_TRUE(p.parse("ABC123_01234.jpg").ok());
  const Result<SkuParse> r = p.parse("ABC123_012345.jpg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
}

TEST(SkuNormalize, FastPathAgreesWithUpperWithoutAccents) {
  // Every Latin-1 character, alone and inside a name, and in NFD.
  for (char32_t c = 0xA1; c <= 0xFF; ++c) {
    const std::string ch = {static_cast<char>(0xC0 | (c >> 6)),
                            static_cast<char>(0x80 | (c & 0x3F))};
    const std::string text = "ab" + ch + "-z";
    EXPECT_EQ(sku::normalized(text), upper_without_accents(text))
        << std::hex << static_cast<unsigned>(c);
  }
  EXPECT_EQ(sku::normalized("a\xC2\xA0"
                            "b"),
            "A B");
  EXPECT_EQ(sku::normalized("co\xCC\x81pia"), "COPIA");
  EXPECT_EQ(sku::normalized("C\xF3pia\xA0x"), "COPIA X");  // Windows-1252
  EXPECT_EQ(sku::normalized("\xC3"), "A");  // a lone byte: Windows-1252 Ã
}

TEST(SkuGlob, Patterns) {
  EXPECT_TRUE(glob_match("IMG_####*", "IMG_1234"));
  EXPECT_TRUE(glob_match("IMG_####*", "IMG_1234_X"));
  EXPECT_FALSE(glob_match("IMG_####*", "IMG_123"));
  EXPECT_FALSE(glob_match("IMG_####*", "IMG_123A"));
  EXPECT_TRUE(glob_match("P#######", "P1010001"));
  EXPECT_FALSE(glob_match("P#######", "P10100011"));
  EXPECT_TRUE(glob_match("*SHOT*", "SCREEN SHOT 1"));
  EXPECT_TRUE(glob_match("A*B*C", "AXXBYYC"));
  EXPECT_FALSE(glob_match("A*B*C", "AXXBYY"));
  EXPECT_TRUE(glob_match("?B",
                         "\xC3\x89"
                         "B"));  // one character, two bytes
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("?", ""));
}

}  // namespace
}  // namespace imagebank
