// Filename grammar: the SKU, photo sequence and view a photo's file name
// carries. "ABC123_FRENTE.jpg" is SKU ABC123, sequence FRENTE, view front;
// "Verao25/ABC123/01.jpg" is SKU ABC123, sequence 01.
//
// The grammar (every list is a field of SkuRules):
//  1. The last path component ('/' and '\' both separate components) loses
//     its image extensions, in any case and repeated (".jpg.JPG"), and its
//     copy markers (" - Cópia", " copy 2", "Cópia de ", ...; a count after a
//     copy marker goes with it). A trailing "(N)" (1-3 digits) becomes the
//     last sequence token N.
//  2. Comparison ignores case and accents; sku_base is upper case without
//     accents and keeps its inner separators ("abc-123_01" -> "ABC-123").
//  3. The stem is split on the separators ("_-. "). From the end, tokens of
//     1..max_sequence_digits digits, single letters, and view words
//     (optionally followed by 1..max_sequence_digits digits, "DETALHE2") are
//     consumed; the first other token stops. sequence is the consumed tokens
//     in order, upper case without accents, joined with '_'; view is the
//     normalised view of the first view word among them, or "".
//  4. View words are SkuRules::view_words (pt-BR and English, accents
//     optional: TRÁS and TRAS are both back).
//  5. When every token is consumed ("01.jpg", "FRENTE.jpg"), the parent
//     folder's name (copy markers removed) is the SKU.
//  6. Camera and app default names (IMG_1234, DSC01234, WhatsApp Image ...)
//     carry no SKU: reason camera_default (only known SKUs, rule 7, may
//     still name one from the folder).
//  7. With KnownSkus: a known SKU that, separators removed, equals the
//     stem's first tokens wins: sku_base as the list writes it, the remaining
//     tokens are the sequence. Among several: first those after which only
//     sequence and view tokens remain, then those the tokens spell as listed
//     (separators in the same places, any separator character), then the
//     longest. With AB-1 and AB-101 known, "AB-1_01.jpg" is AB-1, photo 01
//     and "AB101.jpg" AB-101; with ABC and ABC123, "ABC_123_FRENTE" is
//     ABC123. When the name carries no SKU of its own (rule 5 or 6) or only
//     words without a digit ("foto azul"), the parent folder is matched the
//     same way and the whole name is the sequence. A name carrying a code of
//     its own that no known SKU matches ("AB-78_01.jpg" in folder AB-77)
//     stays unmatched: it is more likely misfiled than renamed.
//
// Confidence: 1.0 for a known SKU. From the grammar alone: 0.8 when a
// sequence or view token was consumed, 0.6 when the whole stem is the SKU,
// 0.5 when the SKU is the parent folder's name; halved when sku_base has no
// digit (SKUs nearly always do; "vestido azul" is a description). 0 for
// camera_default and no_sku.
//
// Bad input: the name is bytes, UTF-8 or else Windows-1252. A name longer than
// SkuRules::max_name_bytes is refused (limit_exceeded). An empty name, a bare
// extension (".jpg") or a name of separators only has no SKU (no_sku; the
// parent folder is still tried).
//
// Threading: SkuParser is immutable; parse() may be called from any thread at
// once. Copies share their tables.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/sku/known_skus.hpp"

namespace imagebank {

enum class SkuReason : int {
  kGrammar = 0,    // read from the name alone; not confirmed by known SKUs
  kKnownSku,       // a known SKU matched the name or its folder
  kCameraDefault,  // a camera or app default name: no SKU
  kNoSku,          // nothing to read a SKU from
};

// "grammar", "known_sku", "camera_default", "no_sku".
std::string_view sku_reason_name(SkuReason reason) noexcept;

struct SkuParse {
  std::string sku_base;  // "" for camera_default and no_sku
  std::string sequence;  // "01", "FRENTE", "DETALHE2", "A_2"; "" when none
  std::string view;      // "front", "back", ... (SkuViewWord::view) or ""
  double confidence = 0;
  SkuReason reason = SkuReason::kNoSku;
  bool from_folder = false;  // sku_base is the parent folder's
  friend bool operator==(const SkuParse&, const SkuParse&) = default;
};

// A word that names a view, as people write it (accents and case optional),
// and the normalised view it stands for.
struct SkuViewWord {
  std::string word;  // "DETALHE"
  std::string view;  // "detail"
};

struct SkuRules {
  // The defaults: pt-BR and English, as listed with each field.
  SkuRules();

  // .jpg .jpeg .png .webp .avif .tif .tiff .heic .gif (leading dot optional;
  // no inner dots).
  std::vector<std::string> extensions;
  // " - Cópia", " - Copia", " - Copy", " copy": removed from the end, with a
  // count after them (" (2)", " 2").
  std::vector<std::string> copy_suffixes;
  // "Cópia de ", "Copia de ", "Copy of ": removed from the start.
  std::vector<std::string> copy_prefixes;
  // front: FRENTE FRONTAL FRONT; back: COSTAS VERSO TRAS BACK; side: LATERAL
  // LADO PERFIL SIDE; detail: DETALHE DET DETAIL ZOOM CLOSE; top: TOPO CIMA
  // TOP; look: LOOK MODELO MODEL LIFESTYLE AMBIENTADA; flat: FLAT STILL
  // PRODUTO; inside: INTERNA INTERNO INSIDE; sole: SOLA SOLADO; pair: PAR
  // PAIR. Words hold no separator and do not end in a digit.
  std::vector<SkuViewWord> view_words;
  // Whole-stem patterns, case-insensitive: '#' one digit, '?' one character,
  // '*' any run. IMG_####*, IMG_E####*, IMG-########-WA####*, DSC_####*,
  // DSC#####*, DSCF####*, DSCN####*, _MG_####*, P#######,
  // PXL_########_#########*, ########_######* (Android), WhatsApp Image*,
  // Imagem do WhatsApp*, Screenshot*, Screen Shot*, Captura de Tela*.
  std::vector<std::string> camera_patterns;
  // Token separators, ASCII only.
  std::string separators{kDefaultSkuSeparators};
  // Longest digit run taken as a sequence token (0..9).
  int max_sequence_digits = 2;
  // Longer inputs (the whole path, in bytes) are refused: limit_exceeded.
  std::size_t max_name_bytes = 4096;
  // Rules 5 and 7 read the parent folder; false leaves it unread.
  bool folder_fallback = true;
};

// SkuRules compiled for fast parsing. Build once, parse many names.
class SkuParser {
 public:
  // The default rules (shared; cheap to construct).
  SkuParser();
  // invalid_argument when a field is out of range or a word or pattern is
  // empty, holds a separator, or a view word ends in a digit.
  static Result<SkuParser> create(const SkuRules& rules);

  const SkuRules& rules() const noexcept;

  // `path` is a file name or path (only its last two components are read).
  // `known` may be null. Fails only with limit_exceeded (see max_name_bytes).
  Result<SkuParse> parse(std::string_view path,
                         const KnownSkus* known = nullptr) const;

  struct Impl;  // internal (src/sku)

 private:
  explicit SkuParser(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
  friend struct SkuParserAccess;  // match() needs the known SKU's index
};

// With the default rules.
Result<SkuParse> parse_filename(std::string_view path,
                                const KnownSkus* known = nullptr);
// Compiles `rules` on every call; build a SkuParser to parse many names.
Result<SkuParse> parse_filename(std::string_view path, const SkuRules& rules,
                                const KnownSkus* known = nullptr);

}  // namespace imagebank
