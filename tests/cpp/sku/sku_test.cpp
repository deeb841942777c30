// The filename grammar with the default rules (rules 1-6 of filename.hpp),
// without known SKUs.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "imagebank/core/text.hpp"
#include "imagebank/sku/filename.hpp"
#include "sku/sku_test_util.hpp"

namespace imagebank {
namespace {

using testing::parsed;
using testing::Triple;
using testing::triple;

TEST(SkuGrammar, IssueExamples) {
  EXPECT_EQ(triple("ABC123_01.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123-A.JPG"), (Triple{"ABC123", "A", ""}));
  EXPECT_EQ(triple("ABC123_FRENTE.jpg"), (Triple{"ABC123", "FRENTE", "front"}));
  EXPECT_EQ(triple("abc123_detalhe2.jpeg"),
            (Triple{"ABC123", "DETALHE2", "detail"}));
  EXPECT_EQ(triple("10.02.0345_01.jpg"), (Triple{"10.02.0345", "01", ""}));
  EXPECT_EQ(triple("ABC123 (2).jpg"), (Triple{"ABC123", "2", ""}));
  EXPECT_EQ(triple("abc-123_01.jpg"), (Triple{"ABC-123", "01", ""}));
  EXPECT_EQ(triple("Verao25/ABC123/01.jpg"), (Triple{"ABC123", "01", ""}));
}

TEST(SkuGrammar, ReasonAndConfidence) {
  SkuParse p = parsed("ABC123_01.jpg");
  EXPECT_EQ(p.reason, SkuReason::kGrammar);
  EXPECT_DOUBLE_EQ(p.confidence, 0.8);
  EXPECT_FALSE(p.from_folder);
  // Nothing consumed: the whole stem is taken on trust.
  EXPECT_DOUBLE_EQ(parsed("ABC123.jpg").confidence, 0.6);
  // The (N) counts as a consumed token.
  EXPECT_DOUBLE_EQ(parsed("ABC123 (2).jpg").confidence, 0.8);
  p = parsed("ABC123/01.jpg");
  EXPECT_TRUE(p.from_folder);
  EXPECT_DOUBLE_EQ(p.confidence, 0.5);
  // No digit: a description more than a code.
  EXPECT_DOUBLE_EQ(parsed("vestido azul_01.jpg").confidence, 0.4);
  EXPECT_DOUBLE_EQ(parsed("vestido.jpg").confidence, 0.3);
  EXPECT_DOUBLE_EQ(parsed("Fotos/01.jpg").confidence, 0.25);
  EXPECT_EQ(sku_reason_name(SkuReason::kGrammar), "grammar");
  EXPECT_EQ(sku_reason_name(SkuReason::kKnownSku), "known_sku");
  EXPECT_EQ(sku_reason_name(SkuReason::kCameraDefault), "camera_default");
  EXPECT_EQ(sku_reason_name(SkuReason::kNoSku), "no_sku");
}

TEST(SkuGrammar, ExtensionsAnyCaseAndRepeated) {
  for (const char* ext : {".jpg", ".jpeg", ".png", ".webp", ".avif", ".tif",
                          ".tiff", ".heic", ".gif", ".JPG", ".Jpeg", ".HEIC",
                          ".jpg.jpg", ".JPG.jpeg", ".png.PNG.png"}) {
    EXPECT_EQ(triple(std::string("ABC123_01") + ext),
              (Triple{"ABC123", "01", ""}))
        << ext;
  }
  // Not an image extension: it stays part of the name (and stops the
  // grammar, since "01.PDF" is no sequence token).
  EXPECT_EQ(triple("ABC123_01.pdf"), (Triple{"ABC123_01.PDF", "", ""}));
  // Only the end of the name is an extension.
  EXPECT_EQ(triple("ABC123.jpg_01"), (Triple{"ABC123.JPG", "01", ""}));
}

TEST(SkuGrammar, CopyMarkers) {
  EXPECT_EQ(triple("ABC123_01 - C\xC3\xB3pia.jpg"),
            (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123_01 - Copia.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123_01 - COPIA.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123_01 - Copy.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123_01 copy.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("C\xC3\xB3pia de ABC123_01.jpg"),
            (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("copia de ABC123_01.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("Copy of ABC123_01.jpg"), (Triple{"ABC123", "01", ""}));
  // The count after a copy marker numbers the copy, not the photo.
  EXPECT_EQ(triple("ABC123_01 - C\xC3\xB3pia (2).jpg"),
            (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123_01 copy 2.jpg"), (Triple{"ABC123", "01", ""}));
  // Stacked markers, and a marker before the extension of a double name.
  EXPECT_EQ(triple("ABC123_01 - Copia - Copia.jpg"),
            (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123_01.jpg - Copia.jpg"), (Triple{"ABC123", "01", ""}));
  // NFD (as macOS writes names) and Windows-1252 spellings.
  EXPECT_EQ(triple("ABC123_01 - Co\xCC\x81pia.jpg"),
            (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123_01 - C\xF3pia.jpg"), (Triple{"ABC123", "01", ""}));
  // "copy" inside a name is no marker.
  EXPECT_EQ(triple("ABC123_copy.jpg"), (Triple{"ABC123_COPY", "", ""}));
}

TEST(SkuGrammar, TrailingCountBecomesSequence) {
  EXPECT_EQ(triple("ABC123 (2).jpg"), (Triple{"ABC123", "2", ""}));
  EXPECT_EQ(triple("ABC123(12).jpg"), (Triple{"ABC123", "12", ""}));
  EXPECT_EQ(triple("ABC123_FRENTE (3).jpg"),
            (Triple{"ABC123", "FRENTE_3", "front"}));
  // A year is not a count.
  EXPECT_EQ(triple("ABC123 (2024).jpg"), (Triple{"ABC123 (2024)", "", ""}));
}

TEST(SkuGrammar, CaseAndAccentsIgnored) {
  EXPECT_EQ(triple("abc123_frente.jpg"), (Triple{"ABC123", "FRENTE", "front"}));
  EXPECT_EQ(triple("ABC123_Tr\xC3\xA1s.jpg"),
            (Triple{"ABC123", "TRAS", "back"}));
  EXPECT_EQ(triple("ABC123_TRAS.jpg"), (Triple{"ABC123", "TRAS", "back"}));
  // sku_base upper case without accents, inner separators kept.
  EXPECT_EQ(triple("a\xC3\xA7\xC3\xA3o-123_01.jpg"),
            (Triple{"ACAO-123", "01", ""}));
  EXPECT_EQ(triple("Cal\xC3\xA7"
                   "a 1020_costas.jpg"),
            (Triple{"CALCA 1020", "COSTAS", "back"}));
  // Digit runs short enough are sequence tokens wherever they stand.
  EXPECT_EQ(triple("Cal\xC3\xA7"
                   "a 10.20_costas.jpg"),
            (Triple{"CALCA", "10_20_COSTAS", "back"}));
}

TEST(SkuGrammar, ConsumesFromTheEnd) {
  EXPECT_EQ(triple("ABC123_A_01.jpg"), (Triple{"ABC123", "A_01", ""}));
  EXPECT_EQ(triple("ABC123_01_A.jpg"), (Triple{"ABC123", "01_A", ""}));
  EXPECT_EQ(triple("ABC123_costas_detalhe_2.jpg"),
            (Triple{"ABC123", "COSTAS_DETALHE_2", "back"}));
  EXPECT_EQ(triple("ABC123 frente.jpg"), (Triple{"ABC123", "FRENTE", "front"}));
  EXPECT_EQ(triple("ABC123.frente.jpg"), (Triple{"ABC123", "FRENTE", "front"}));
  // Three digits exceed max_sequence_digits: part of the SKU.
  EXPECT_EQ(triple("ABC_123.jpg"), (Triple{"ABC_123", "", ""}));
  EXPECT_EQ(triple("ABC123_FRENTE123.jpg"),
            (Triple{"ABC123_FRENTE123", "", ""}));
  EXPECT_EQ(triple("ABC123_DETALHE02.jpg"),
            (Triple{"ABC123", "DETALHE02", "detail"}));
  // A token that is not consumable stops the grammar even with consumable
  // tokens before it.
  EXPECT_EQ(triple("ABC_01_XYZ.jpg"), (Triple{"ABC_01_XYZ", "", ""}));
  // Two letters are not a single letter.
  EXPECT_EQ(triple("ABC123_AB.jpg"), (Triple{"ABC123_AB", "", ""}));
  // Empty tokens from doubled separators are skipped.
  EXPECT_EQ(triple("ABC123__01.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("_ABC123_01_.jpg"), (Triple{"ABC123", "01", ""}));
}

TEST(SkuGrammar, EveryViewWord) {
  const struct {
    const char* word;
    const char* view;
  } kWords[] = {
      {"FRENTE", "front"},   {"FRONTAL", "front"},  {"FRONT", "front"},
      {"COSTAS", "back"},    {"VERSO", "back"},     {"TRAS", "back"},
      {"BACK", "back"},      {"LATERAL", "side"},   {"LADO", "side"},
      {"PERFIL", "side"},    {"SIDE", "side"},      {"DETALHE", "detail"},
      {"DET", "detail"},     {"DETAIL", "detail"},  {"ZOOM", "detail"},
      {"CLOSE", "detail"},   {"TOPO", "top"},       {"CIMA", "top"},
      {"TOP", "top"},        {"LOOK", "look"},      {"MODELO", "look"},
      {"MODEL", "look"},     {"LIFESTYLE", "look"}, {"AMBIENTADA", "look"},
      {"FLAT", "flat"},      {"STILL", "flat"},     {"PRODUTO", "flat"},
      {"INTERNA", "inside"}, {"INTERNO", "inside"}, {"INSIDE", "inside"},
      {"SOLA", "sole"},      {"SOLADO", "sole"},    {"PAR", "pair"},
      {"PAIR", "pair"},
  };
  for (const auto& w : kWords) {
    const std::string word = w.word;
    EXPECT_EQ(triple("XY900_" + word + ".jpg"),
              (Triple{"XY900", word, w.view}));
    EXPECT_EQ(triple("XY900_" + word + "1.jpg"),
              (Triple{"XY900", word + "1", w.view}));
    EXPECT_EQ(triple("XY900_" + word + "12.png"),
              (Triple{"XY900", word + "12", w.view}));
  }
  // The view is that of the first view word.
  EXPECT_EQ(parsed("XY900_lado_frente.jpg").view, "side");
  EXPECT_EQ(parsed("XY900_01_zoom.jpg").view, "detail");
}

TEST(SkuGrammar, ParentFolderWhenEveryTokenIsConsumed) {
  EXPECT_EQ(triple("Verao25/ABC123/01.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123/FRENTE.jpg"), (Triple{"ABC123", "FRENTE", "front"}));
  EXPECT_EQ(triple("ABC123/frente_2.jpg"),
            (Triple{"ABC123", "FRENTE_2", "front"}));
  EXPECT_EQ(triple("fotos/abc-123/A.jpg"), (Triple{"ABC-123", "A", ""}));
  EXPECT_EQ(triple("ABC123/(2).jpg"), (Triple{"ABC123", "2", ""}));
  // Windows paths, mixed separators, doubled and "." components.
  EXPECT_EQ(triple("C:\\Fotos\\ABC123\\01.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("C:\\Fotos/ABC123\\02.JPG"), (Triple{"ABC123", "02", ""}));
  EXPECT_EQ(triple("ABC123//./01.jpg"), (Triple{"ABC123", "01", ""}));
  // The folder's own copy markers and count are dropped.
  EXPECT_EQ(triple("ABC123 - C\xC3\xB3pia (2)/01.jpg"),
            (Triple{"ABC123", "01", ""}));
  // The folder is used only when the name has no SKU of its own.
  EXPECT_EQ(triple("XYZ999/ABC123_01.jpg"), (Triple{"ABC123", "01", ""}));
  EXPECT_FALSE(parsed("XYZ999/ABC123_01.jpg").from_folder);
}

TEST(SkuGrammar, NoSkuWithoutFolder) {
  for (const char* name : {"01.jpg", "FRENTE.jpg", "/01.jpg", "C:\\01.jpg",
                           "../01.jpg", "A_01.jpg"}) {
    const SkuParse p = parsed(name);
    EXPECT_EQ(p.reason, SkuReason::kNoSku) << name;
    EXPECT_EQ(p.sku_base, "") << name;
    EXPECT_EQ(p.confidence, 0.0) << name;
  }
  // What was consumed is still reported.
  const SkuParse p = parsed("FRENTE_01.jpg");
  EXPECT_EQ(p.sequence, "FRENTE_01");
  EXPECT_EQ(p.view, "front");
  // folder_fallback off: the folder is not read.
  SkuRules rules;
  rules.folder_fallback = false;
  const SkuParser parser = *SkuParser::create(rules);
  EXPECT_EQ(parsed("ABC123/01.jpg", nullptr, parser).reason, SkuReason::kNoSku);
}

TEST(SkuGrammar, CameraAndAppDefaults) {
  for (const char* name :
       {"IMG_1234.jpg",
        "img_1234.JPG",
        "IMG_1234 (2).jpg",
        "IMG_1234_01.jpg",
        "IMG_20240101_123456.jpg",
        "IMG_E1234.HEIC",
        "IMG-20240101-WA0001.jpg",
        "DSC_0001.JPG",
        "DSC01234.JPG",
        "DSCF1234.JPG",
        "DSCN1234.jpg",
        "_MG_1234.jpg",
        "P1010001.JPG",
        "PXL_20240101_123456789.jpg",
        "PXL_20240101_123456789.MP.jpg",
        "20240101_123456.jpg",
        "WhatsApp Image 2024-01-01 at 10.00.00.jpeg",
        "Imagem do WhatsApp de 2024-01-01 \xC3\xA0(s) 10.00.00_1a2b3c4d.jpg",
        "Screenshot 2024-01-01 at 10.00.00.png",
        "Screenshot_20240101-100000.png",
        "Screen Shot 2020-01-01 at 1.png",
        "Captura de Tela 2024-01-01 \xC3\xA0s 10.00.00.png",
        "captura de tela (3).png",
        "DCIM/100CANON/IMG_1234.JPG",
        "IMG_1234 - C\xC3\xB3pia.jpg"}) {
    const SkuParse p = parsed(name);
    EXPECT_EQ(p.reason, SkuReason::kCameraDefault) << name;
    EXPECT_EQ(p.sku_base, "") << name;
    EXPECT_EQ(p.sequence, "") << name;
    EXPECT_EQ(p.confidence, 0.0) << name;
  }
  // Near misses are SKUs: digit counts are part of the patterns.
  for (const char* name : {"IMG_12.jpg", "P123456.jpg", "P10100012.jpg",
                           "DSC1234.jpg", "IMGX_1234.jpg", "PXL_2024.jpg"}) {
    EXPECT_EQ(parsed(name).reason, SkuReason::kGrammar) << name;
  }
  // Without known SKUs a camera name gets no SKU from its folder either.
  EXPECT_EQ(parsed("ABC123/IMG_1234.jpg").reason, SkuReason::kCameraDefault);
}

TEST(SkuGrammar, BadAndOddInput) {
  for (const char* name :
       {"", ".jpg", ".JPG.jpg", "   ", "___", "-.-.jpg", "/", "//"}) {
    const SkuParse p = parsed(name);
    EXPECT_EQ(p.reason, SkuReason::kNoSku) << '"' << name << '"';
    EXPECT_EQ(p.sku_base, "") << name;
  }
  // A bare extension in a SKU folder: the folder names it.
  EXPECT_EQ(triple("ABC123/.jpg"), (Triple{"ABC123", "", ""}));
  // Windows-1252 bytes are decoded: 0xC7 is Ç, 0xE3 is ã.
  EXPECT_EQ(triple("CAL\xC7"
                   "A-900_01.jpg"),
            (Triple{"CALCA-900", "01", ""}));
  EXPECT_EQ(triple("Cal\xE7"
                   "a-900_tr\xE1s.jpg"),
            (Triple{"CALCA-900", "TRAS", "back"}));
  // No-break space (U+00A0, and 0xA0 in Windows-1252) separates like a
  // space.
  EXPECT_EQ(triple("ABC123\xC2\xA0"
                   "01.jpg"),
            (Triple{"ABC123", "01", ""}));
  EXPECT_EQ(triple("ABC123\xA0"
                   "01.jpg"),
            (Triple{"ABC123", "01", ""}));
  // Characters outside Latin-1 are kept.
  EXPECT_EQ(triple("\xE5\x95\x86\xE5\x93\x81-789_01.jpg"),
            (Triple{"\xE5\x95\x86\xE5\x93\x81-789", "01", ""}));
}

TEST(SkuGrammar, LongNames) {
  // At the limit: parsed.
  const std::string ok = "ABC123_" + std::string(4096 - 7 - 7, 'X') + "_01.jpg";
  ASSERT_EQ(ok.size(), 4096u);
  EXPECT_EQ(parsed(ok).sequence, "01");
  // Past it: refused with the size in the message.
  const Result<SkuParse> r = parse_filename(ok + "g");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("4097 bytes"), std::string::npos);
  EXPECT_LT(r.status().message().size(), 200u);
  // Hundreds of tokens: the tail is still read.
  std::string many;
  for (int i = 0; i < 300; ++i) many += "W" + std::to_string(i) + "_";
  const SkuParse p = parsed(many + "FRENTE_02.jpg");
  EXPECT_EQ(p.sequence, "FRENTE_02");
  EXPECT_EQ(p.view, "front");
  EXPECT_EQ(p.sku_base, many.substr(0, many.size() - 1));
}

TEST(SkuGrammar, ArbitraryBytesKeepTheInvariants) {
  // Names built from the bytes the grammar reacts to, plus broken UTF-8.
  std::vector<std::string> alphabet = {
      "/",    "\\",  ".",  "_",      "-",   " ",       "(",    ")",
      "1",    "12",  "A",  "frente", "IMG", "\xC3",    "\xA7", "\xCC\x81",
      "\xFF", "jpg", "AB", "77",     "#",   "\xC2\xA0"};
  alphabet.push_back(" - C\xC3\xB3pia");
  alphabet.push_back(std::string(1, '\0'));
  const KnownSkus known{"AB-77", "A", "12.1", "AB"};
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string name;
    const int parts = static_cast<int>(rng() % 12);
    for (int j = 0; j < parts; ++j) name += alphabet[rng() % alphabet.size()];
    for (const KnownSkus* k :
         {static_cast<const KnownSkus*>(nullptr), &known}) {
      const Result<SkuParse> r = parse_filename(name, k);
      ASSERT_TRUE(r.ok()) << name;
      EXPECT_TRUE(is_valid_utf8(r->sku_base)) << name;
      EXPECT_TRUE(is_valid_utf8(r->sequence)) << name;
      EXPECT_GE(r->confidence, 0.0);
      EXPECT_LE(r->confidence, 1.0);
      const bool has_sku =
          r->reason == SkuReason::kGrammar || r->reason == SkuReason::kKnownSku;
      EXPECT_EQ(has_sku, !r->sku_base.empty()) << name;
      EXPECT_EQ(has_sku, r->confidence > 0) << name;
      if (r->reason == SkuReason::kKnownSku) {
        EXPECT_TRUE(known.find(r->sku_base).has_value()) << name;
      }
    }
  }
}

}  // namespace
}  // namespace imagebank
