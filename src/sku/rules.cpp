// SkuRules: the defaults, their validation, and their compiled form.
#include <algorithm>
#include <utility>

#include "sku/normalize.hpp"
#include "sku/parser_impl.hpp"

namespace imagebank {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::vector<SkuViewWord> default_view_words() {
  struct Group {
    const char* view;
    std::initializer_list<const char*> words;
  };
  const Group groups[] = {
      {"front", {"FRENTE", "FRONTAL", "FRONT"}},
      {"back", {"COSTAS", "VERSO", "TRAS", "BACK"}},
      {"side", {"LATERAL", "LADO", "PERFIL", "SIDE"}},
      {"detail", {"DETALHE", "DET", "DETAIL", "ZOOM", "CLOSE"}},
      {"top", {"TOPO", "CIMA", "TOP"}},
      {"look", {"LOOK", "MODELO", "MODEL", "LIFESTYLE", "AMBIENTADA"}},
      {"flat", {"FLAT", "STILL", "PRODUTO"}},
      {"inside", {"INTERNA", "INTERNO", "INSIDE"}},
      {"sole", {"SOLA", "SOLADO"}},
      {"pair", {"PAR", "PAIR"}},
  };
  std::vector<SkuViewWord> out;
  for (const Group& g : groups) {
    for (const char* w : g.words) out.push_back({w, g.view});
  }
  return out;
}

// Normalised `text`, which must be non-empty and free of separators.
Result<std::string> word(std::string_view field, std::string_view text,
                         const std::array<bool, 256>& is_separator,
                         bool separators_allowed = false) {
  std::string out = sku::normalized(text);
  if (out.empty()) {
    return invalid_argument_error("SkuRules." + std::string(field) +
                                  ": empty entry");
  }
  if (!separators_allowed) {
    for (char c : out) {
      if (is_separator[static_cast<unsigned char>(c)]) {
        return invalid_argument_error(
            "SkuRules." + std::string(field) + ": '" + std::string(text) +
            "' holds a separator, so no token can ever equal it");
      }
    }
  }
  return out;
}

Result<std::vector<std::string>> words(std::string_view field,
                                       const std::vector<std::string>& in,
                                       const std::array<bool, 256>& is_sep,
                                       bool separators_allowed) {
  std::vector<std::string> out;
  for (const std::string& text : in) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::string w,
                               word(field, text, is_sep, separators_allowed));
    if (std::find(out.begin(), out.end(), w) == out.end()) {
      out.push_back(std::move(w));
    }
  }
  return out;
}

Status compile(SkuParser::Impl& p) {
  const SkuRules& r = p.rules;
  if (r.max_sequence_digits < 0 || r.max_sequence_digits > 9) {
    return invalid_argument_error(
        "SkuRules.max_sequence_digits must be 0..9, not " +
        std::to_string(r.max_sequence_digits));
  }
  if (r.max_name_bytes == 0) {
    return invalid_argument_error("SkuRules.max_name_bytes must be positive");
  }
  p.max_digits = static_cast<std::size_t>(r.max_sequence_digits);
  for (char c : r.separators) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return invalid_argument_error("SkuRules.separators must be ASCII");
    }
    p.is_separator[static_cast<unsigned char>(c)] = true;
  }
  // Extensions are found after the last dot, so they hold no dot.
  std::array<bool, 256> dot{};
  dot['.'] = true;
  std::vector<std::string> exts;
  for (const std::string& e : r.extensions) {
    exts.push_back(!e.empty() && e[0] == '.' ? e.substr(1) : e);
  }
  IMAGEBANK_ASSIGN_OR_RETURN(p.extensions,
                             words("extensions", exts, dot, false));
  IMAGEBANK_ASSIGN_OR_RETURN(
      p.copy_suffixes,
      words("copy_suffixes", r.copy_suffixes, p.is_separator, true));
  IMAGEBANK_ASSIGN_OR_RETURN(
      p.copy_prefixes,
      words("copy_prefixes", r.copy_prefixes, p.is_separator, true));
  for (const std::string& e : p.extensions) {
    p.max_extension = std::max(p.max_extension, e.size());
  }
  for (const std::string& m : p.copy_prefixes) {
    p.copy_prefix_first[static_cast<unsigned char>(m.front())] = true;
  }
  for (const std::string& m : p.copy_suffixes) {
    p.copy_suffix_last[static_cast<unsigned char>(m.back())] = true;
  }
  IMAGEBANK_ASSIGN_OR_RETURN(
      p.camera_patterns,
      words("camera_patterns", r.camera_patterns, p.is_separator, true));
  for (const std::string& pattern : p.camera_patterns) {
    const auto first = static_cast<unsigned char>(pattern[0]);
    if (first == '*' || first == '?') {
      p.camera_first.fill(true);
    } else if (first == '#') {
      for (char d = '0'; d <= '9'; ++d) {
        p.camera_first[static_cast<unsigned char>(d)] = true;
      }
    } else {
      p.camera_first[first] = true;
    }
  }
  for (const SkuViewWord& vw : r.view_words) {
    IMAGEBANK_ASSIGN_OR_RETURN(std::string text,
                               word("view_words", vw.word, p.is_separator));
    if (is_digit(text.back())) {
      return invalid_argument_error(
          "SkuRules.view_words: '" + vw.word +
          "' ends in a digit, which would read as its number");
    }
    if (vw.view.empty()) {
      return invalid_argument_error("SkuRules.view_words: '" + vw.word +
                                    "' has an empty view");
    }
    auto at = std::find(p.views.begin(), p.views.end(), vw.view);
    if (at == p.views.end()) at = p.views.insert(at, vw.view);
    if (p.words_by_length.size() <= text.size()) {
      p.words_by_length.resize(text.size() + 1);
    }
    auto& same_length = p.words_by_length[text.size()];
    const bool seen = std::any_of(
        same_length.begin(), same_length.end(),
        [&](const SkuParser::Impl::Word& w) { return w.text == text; });
    // The first mapping of a word wins, as in a dict built in order.
    if (!seen) {
      same_length.push_back(
          {std::move(text), static_cast<std::uint16_t>(at - p.views.begin())});
    }
  }
  return ok_status();
}

}  // namespace

SkuRules::SkuRules()
    : extensions{".jpg", ".jpeg", ".png",  ".webp", ".avif",
                 ".tif", ".tiff", ".heic", ".gif"},
      copy_suffixes{" - C\xC3\xB3pia", " - Copia", " - Copy", " copy"},
      copy_prefixes{"C\xC3\xB3pia de ", "Copia de ", "Copy of "},
      view_words(default_view_words()),
      camera_patterns{"IMG_####*",
                      "IMG_E####*",
                      "IMG-########-WA####*",
                      "DSC_####*",
                      "DSC#####*",
                      "DSCF####*",
                      "DSCN####*",
                      "_MG_####*",
                      "P#######",
                      "PXL_########_#########*",
                      "########_######*",
                      "WhatsApp Image*",
                      "Imagem do WhatsApp*",
                      "Screenshot*",
                      "Screen Shot*",
                      "Captura de Tela*"} {}

int SkuParser::Impl::view_of(std::string_view token) const {
  std::size_t digits = 0;
  while (digits < token.size() && is_digit(token[token.size() - 1 - digits])) {
    ++digits;
  }
  if (digits > max_digits || digits == token.size()) return -1;
  const std::size_t length = token.size() - digits;
  if (length >= words_by_length.size()) return -1;
  const std::string_view stem = token.substr(0, length);
  for (const Word& w : words_by_length[length]) {
    if (sku::same(w.text, stem)) return w.view;
  }
  return -1;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard matching: on a mismatch, let the last '*' swallow one
  // more byte. Linear in practice; patterns are short.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star = p++;
        resume = t;
        continue;
      }
      const char tc = text[t];
      if (pc == '?' || (pc == '#' ? is_digit(tc) : pc == tc)) {
        ++p;
        ++t;
        if (pc == '?') {  // a whole UTF-8 character
          while (t < text.size() && (text[t] & 0xC0) == 0x80) ++t;
        }
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    p = star + 1;
    t = ++resume;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

SkuParser::SkuParser(std::shared_ptr<const Impl> impl)
    : impl_(std::move(impl)) {}

SkuParser::SkuParser() {
  // Compiled once per process: a default SkuParser is a shared pointer copy.
  static const std::shared_ptr<const Impl> defaults = [] {
    auto impl = std::make_shared<Impl>();
    compile(*impl).ignore();  // the defaults are valid (tested)
    return impl;
  }();
  impl_ = defaults;
}

Result<SkuParser> SkuParser::create(const SkuRules& rules) {
  auto impl = std::make_shared<Impl>();
  impl->rules = rules;
  IMAGEBANK_RETURN_IF_ERROR(compile(*impl));
  return SkuParser(std::move(impl));
}

const SkuRules& SkuParser::rules() const noexcept { return impl_->rules; }

}  // namespace imagebank
