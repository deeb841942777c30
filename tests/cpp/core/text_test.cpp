#include "imagebank/core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace imagebank {
namespace {

TEST(Text, ValidUtf8) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ABC123_FRENTE"));
  EXPECT_TRUE(
      is_valid_utf8("C\xC3\xB3"
                    "digo"));                      // Código
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x93\xB7"));  // U+1F4F7
  EXPECT_FALSE(
      is_valid_utf8("C\xF3"
                    "digo"));                       // Windows-1252 ó
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
}

TEST(Text, Windows1252) {
  EXPECT_EQ(windows1252_to_utf8("Pre\xE7o"), "Pre\xC3\xA7o");  // Preço
  EXPECT_EQ(windows1252_to_utf8("\x80"), "\xE2\x82\xAC");      // euro
  EXPECT_EQ(windows1252_to_utf8("\x93x\x94"),
            "\xE2\x80\x9Cx\xE2\x80\x9D");              // “x”
  EXPECT_EQ(windows1252_to_utf8("\x81"), "\xC2\x81");  // undefined
  EXPECT_EQ(to_utf8("Pre\xC3\xA7o"), "Pre\xC3\xA7o");  // kept
  EXPECT_EQ(to_utf8("Pre\xE7o"), "Pre\xC3\xA7o");      // converted
}

TEST(Text, FoldIgnoresCaseAccentsAndForms) {
  EXPECT_EQ(fold_text("C\xC3\xB3"
                      "digo"),
            "codigo");
  EXPECT_EQ(fold_text("CODIGO"), "codigo");
  EXPECT_EQ(fold_text("co\xCC\x81"
                      "digo"),
            "codigo");  // combining acute
  EXPECT_EQ(fold_text("C\xF3"
                      "digo"),
            "codigo");  // Windows-1252
  EXPECT_EQ(fold_text("COLE\xC3\x87\xC3\x83O"), "colecao");
  EXPECT_EQ(fold_text("\xEF\xAC\x81"), "fi");  // ligature
  EXPECT_EQ(fold_text("Qtde."), "qtde.");
}

TEST(Text, UpperWithoutAccents) {
  EXPECT_EQ(upper_without_accents("abc-123_01"), "ABC-123_01");
  EXPECT_EQ(upper_without_accents("abc-a\xC3\xA7\xC3\xA3o"), "ABC-ACAO");
  EXPECT_EQ(upper_without_accents("d\xE9tail"), "DETAIL");  // Windows-1252
}

}  // namespace
}  // namespace imagebank
