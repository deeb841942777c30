// parse_filename: the grammar of filename.hpp over the normalised name, in
// views of per-thread buffers: an ASCII or Latin-1 name allocates nothing
// beyond its result.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "imagebank/core/text.hpp"
#include "sku/known_skus_impl.hpp"
#include "sku/normalize.hpp"
#include "sku/parser_impl.hpp"

namespace imagebank {
namespace {

using Impl = SkuParser::Impl;
using Known = KnownSkus::Impl;

// Names with more tokens keep their last kMaxTokens - 1 whole (the grammar
// reads from the end) and the rest merged into the first.
constexpr std::size_t kMaxTokens = 64;
// "(N)" holds at most this many digits; "(2024)" is not a copy count.
constexpr std::size_t kMaxCountDigits = 3;

constexpr double kKnownConfidence = 1.0;
constexpr double kConsumedConfidence = 0.8;
constexpr double kWholeStemConfidence = 0.6;
constexpr double kFolderConfidence = 0.5;

struct Token {
  std::uint32_t begin, end;
};
struct Tokens {
  std::array<Token, kMaxTokens> at;
  std::size_t size = 0;
};

struct Scratch {
  std::string name, folder, key;
};

unsigned char byte(char c) { return static_cast<unsigned char>(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return !s.empty();
}

bool has_digit(std::string_view s) {
  for (char c : s) {
    if (is_digit(c)) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view token_text(std::string_view s, Token t) {
  return s.substr(t.begin, t.end - t.begin);
}

std::size_t last_slash(std::string_view s) {
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] == '/' || s[i] == '\\') return i;
  }
  return std::string_view::npos;
}

// The last path component, and the nearest folder above it ("" when none or
// when it cannot name anything: "..", a drive "C:").
void split_path(std::string_view path, std::string_view& name,
                std::string_view& folder) {
  std::size_t slash = last_slash(path);
  name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  folder = {};
  while (slash != std::string_view::npos) {
    std::string_view rest = path.substr(0, slash);
    slash = last_slash(rest);
    const std::string_view part =
        slash == std::string_view::npos ? rest : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;  // "a//b", "a/./b"
    if (part != ".." && part.back() != ':') folder = part;
    return;
  }
}

// Removes a trailing "(N)" (spaces before it too) and returns N.
std::optional<std::string_view> strip_paren_count(std::string_view& s) {
  if (s.empty() || s.back() != ')') return std::nullopt;
  const std::size_t open = s.rfind('(');
  if (open == std::string_view::npos) return std::nullopt;
  const std::string_view inside = s.substr(open + 1, s.size() - open - 2);
  if (inside.size() > kMaxCountDigits || !all_digits(inside)) {
    return std::nullopt;
  }
  s = trim(s.substr(0, open));
  return inside;
}

// Removes a trailing " N" (macOS numbers copies "x copy 2").
void strip_space_count(std::string_view& s) {
  std::size_t i = s.size();
  while (i > 0 && is_digit(s[i - 1])) --i;
  if (i < s.size() && i > 0 && is_space(s[i - 1])) s = trim(s.substr(0, i));
}

bool strip_extension(std::string_view& s, const Impl& p) {
  // Only the last few bytes can hold a dot and an extension.
  const std::size_t from =
      s.size() > p.max_extension + 1 ? s.size() - p.max_extension - 1 : 0;
  std::size_t dot = s.substr(from).rfind('.');
  if (dot == std::string_view::npos) return false;
  dot += from;
  const std::string_view ext = s.substr(dot + 1);
  for (const std::string& e : p.extensions) {
    if (sku::same(ext, e)) {
      s = trim(s.substr(0, dot));
      return true;
    }
  }
  return false;
}

// Rule 1 on a normalised name: extensions and copy markers off; the "(N)"
// count into *count (or dropped when count is null).
std::string_view clean(std::string_view s, const Impl& p,
                       std::string_view* count) {
  s = trim(s);
  for (;;) {
    const std::size_t before = s.size();
    while (strip_extension(s, p)) {
    }
    if (!s.empty() && p.copy_prefix_first[byte(s.front())]) {
      for (const std::string& prefix : p.copy_prefixes) {
        if (sku::starts_with(s, prefix)) s = trim(s.substr(prefix.size()));
      }
    }
    // A count right after a copy marker numbers the copy, not the photo.
    std::string_view bare = s;
    if (!strip_paren_count(bare)) strip_space_count(bare);
    const bool maybe_copy =
        (!s.empty() && p.copy_suffix_last[byte(s.back())]) ||
        (!bare.empty() && p.copy_suffix_last[byte(bare.back())]);
    for (const std::string& suffix : p.copy_suffixes) {
      if (!maybe_copy) break;
      if (sku::ends_with(bare, suffix)) {
        s = trim(bare.substr(0, bare.size() - suffix.size()));
        break;
      }
      if (sku::ends_with(s, suffix)) {
        s = trim(s.substr(0, s.size() - suffix.size()));
        break;
      }
    }
    if (s.size() == before) break;
  }
  const auto n = strip_paren_count(s);
  if (n && count) *count = *n;
  return s;
}

void tokenize(std::string_view s, const std::array<bool, 256>& sep,
              Tokens& out) {
  out.size = 0;
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && sep[byte(s[i])]) ++i;
    if (i == n) break;
    const std::size_t begin = i;
    while (i < n && !sep[byte(s[i])]) ++i;
    if (out.size == kMaxTokens) {
      out.at[0].end = out.at[1].end;
      std::copy(out.at.begin() + 2, out.at.end(), out.at.begin() + 1);
      --out.size;
    }
    out.at[out.size++] = {static_cast<std::uint32_t>(begin),
                          static_cast<std::uint32_t>(i)};
  }
}

// -1 not consumable; -2 a digit run or a single letter; else the view.
int consumable(const Impl& p, std::string_view token) {
  if (token.size() <= p.max_digits && all_digits(token)) return -2;
  if (token.size() == 1 && token[0] >= 'A' && token[0] <= 'Z') return -2;
  return p.view_of(token);
}

bool is_camera(const Impl& p, std::string_view stem) {
  if (stem.empty() || !p.camera_first[byte(stem[0])]) return false;
  for (const std::string& pattern : p.camera_patterns) {
    if (glob_match(pattern, stem)) return true;
  }
  return false;
}

// Tokens [from, size) and the count as the sequence; the first view word
// among them as the view.
void fill_sequence(const Impl& p, std::string_view s, const Tokens& t,
                   std::size_t from, std::string_view count, SkuParse& out) {
  out.sequence.clear();
  out.view.clear();
  for (std::size_t i = from; i < t.size; ++i) {
    const std::string_view text = token_text(s, t.at[i]);
    if (!out.sequence.empty()) out.sequence += '_';
    out.sequence += text;
    if (out.view.empty()) {
      const int view = p.view_of(text);
      if (view >= 0) out.view = p.views[static_cast<std::size_t>(view)];
    }
  }
  if (!count.empty()) {
    if (!out.sequence.empty()) out.sequence += '_';
    out.sequence += count;
  }
}

struct Hit {
  std::uint32_t sku;
  std::size_t tokens;
};

// The first token of the longest run at the end of `t` the grammar consumes.
std::size_t consumed_from(const Impl& p, std::string_view s, const Tokens& t) {
  std::size_t keep = t.size;
  while (keep > 0 && consumable(p, token_text(s, t.at[keep - 1])) != -1) {
    --keep;
  }
  return keep;
}

// Rule 7: the known SKU spelled by tokens [0, k), ranked by (1) what follows
// it reads as sequence and view tokens (k >= keep), (2) the tokens spell the
// SKU as listed rather than only matching with separators removed, (3) k,
// largest first. So with AB-1 and AB-101 known "AB-1_01" is AB-1, photo 01;
// with ABC and ABC123 known "ABC_123_FRENTE" is ABC123.
std::optional<Hit> best_known_prefix(const Known& k, const Impl& p,
                                     std::string_view s, const Tokens& t,
                                     std::size_t keep, std::string& key) {
  // The stripped key of the whole stem, with at each token end its length,
  // hash and break mask (bit i: a separator before character i).
  key.resize(s.size());
  char* const out = key.data();
  std::size_t length = 0;
  struct End {
    std::uint64_t hash, breaks;
    std::size_t length;
  };
  std::array<End, kMaxTokens> ends;
  std::uint64_t h = SkuKeyTable::kSeed, breaks = 0;
  for (std::size_t i = 0; i < t.size; ++i) {
    bool gap = length > 0;
    for (char c : token_text(s, t.at[i])) {
      // Merged head tokens still hold the grammar's separators.
      if (k.is_separator[byte(c)] || p.is_separator[byte(c)]) {
        gap = length > 0;
        continue;
      }
      if (gap && length < kMaskedLength) breaks |= std::uint64_t{1} << length;
      gap = false;
      out[length++] = c;
      h = SkuKeyTable::step(h, byte(c));
    }
    ends[i] = {h, breaks, length};
  }
  const std::string_view stripped(out, length);

  // Whether tokens [0, n) spell the SKU as listed: the mask says so for the
  // first spelling; others are spelled keys.
  const auto spells = [&](std::size_t n, const SkuKeyTable::Entry& entry) {
    const End& e = ends[n - 1];
    // Longer keys rank as matches with separators removed.
    if (e.length > kMaskedLength) return false;
    if (e.breaks == entry.breaks) return true;
    std::string spelled;
    for (std::size_t i = 0; i < e.length; ++i) {
      if ((e.breaks >> i) & 1u) spelled += kSpellingBreak;
      spelled += out[i];
    }
    return k.spelled.find(SkuKeyTable::hash(spelled), spelled).has_value();
  };

  // Prefixes of n tokens end at ends[n - 1].
  std::optional<Hit> best;
  bool best_clean = false, best_spelled = false;
  for (std::size_t n = t.size; n > 0; --n) {
    const End& e = ends[n - 1];
    if (e.length == 0 || !k.stripped.may_have_length(e.length)) continue;
    const auto entry = k.stripped.find(e.hash, stripped.substr(0, e.length));
    if (!entry) continue;
    const bool clean = n >= keep;
    if (best && best_clean && !clean) break;  // the rest rank lower still
    const bool spelling = spells(n, *entry);
    // n only falls, so a later hit wins only by being cleaner or spelled.
    if (!best || (clean && !best_clean) ||
        (clean == best_clean && spelling && !best_spelled)) {
      best = Hit{entry->sku, n};
      best_clean = clean;
      best_spelled = spelling;
    }
    if (best_clean && best_spelled) break;
  }
  return best;
}

double grammar_confidence(double base, std::string_view sku_base) {
  return has_digit(sku_base) ? base : base / 2;
}

std::string describe(std::string_view path) {
  constexpr std::size_t kShown = 48;
  if (path.size() <= kShown) return to_utf8(path);
  std::size_t cut = kShown;
  while (cut > 0 && (byte(path[cut]) & 0xC0) == 0x80) --cut;
  return to_utf8(path.substr(0, cut)) + "...";
}

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

Result<SkuParse> SkuParserAccess::parse(const SkuParser& parser,
                                        std::string_view path,
                                        const KnownSkus* known,
                                        std::uint32_t* known_index) {
  const Impl& p = *parser.impl_;
  if (path.size() > p.rules.max_name_bytes) {
    return limit_exceeded_error(describe(path) + ": file name of " +
                                std::to_string(path.size()) +
                                " bytes is longer than the limit of " +
                                std::to_string(p.rules.max_name_bytes));
  }
  std::string_view name_raw, folder_raw;
  split_path(path, name_raw, folder_raw);
  if (!p.rules.folder_fallback) folder_raw = {};
  Scratch& sc = scratch();
  sc.name.clear();
  sku::append_normalized(name_raw, sc.name);
  std::string_view count;
  const std::string_view stem = clean(sc.name, p, &count);
  Tokens tokens;
  tokenize(stem, p.is_separator, tokens);
  const Known* k =
      known && !known->empty() ? &KnownSkusAccess::impl(*known) : nullptr;

  const std::size_t keep = consumed_from(p, stem, tokens);
  SkuParse out;
  if (k) {
    if (const auto hit = best_known_prefix(*k, p, stem, tokens, keep, sc.key)) {
      out.sku_base = k->skus[hit->sku];
      out.reason = SkuReason::kKnownSku;
      out.confidence = kKnownConfidence;
      fill_sequence(p, stem, tokens, hit->tokens, count, out);
      if (known_index) *known_index = hit->sku;
      return out;
    }
  }

  const bool camera = is_camera(p, stem);
  const std::string_view own =
      keep == 0 ? std::string_view()
                : stem.substr(tokens.at[0].begin,
                              tokens.at[keep - 1].end - tokens.at[0].begin);

  // Rule 7: a name without a code of its own (no token left, a camera name,
  // or only words such as "foto azul") defers to its folder.
  const bool no_code = camera || keep == 0 || !has_digit(own);
  std::string_view folder;
  if (!folder_raw.empty() && ((k && no_code) || (!camera && keep == 0))) {
    sc.folder.clear();
    sku::append_normalized(folder_raw, sc.folder);
    folder = clean(sc.folder, p, nullptr);
    while (!folder.empty() && p.is_separator[byte(folder.front())]) {
      folder.remove_prefix(1);
    }
    while (!folder.empty() && p.is_separator[byte(folder.back())]) {
      folder.remove_suffix(1);
    }
  }
  if (k && !folder.empty()) {
    Tokens folder_tokens;
    tokenize(folder, p.is_separator, folder_tokens);
    const std::size_t folder_keep = consumed_from(p, folder, folder_tokens);
    if (const auto hit = best_known_prefix(*k, p, folder, folder_tokens,
                                           folder_keep, sc.key)) {
      out.sku_base = k->skus[hit->sku];
      out.reason = SkuReason::kKnownSku;
      out.confidence = kKnownConfidence;
      out.from_folder = true;
      fill_sequence(p, stem, tokens, 0, count, out);
      if (known_index) *known_index = hit->sku;
      return out;
    }
  }

  if (camera) {
    out.reason = SkuReason::kCameraDefault;
    return out;
  }
  fill_sequence(p, stem, tokens, keep, count, out);
  if (keep > 0) {
    out.sku_base = own;
    out.reason = SkuReason::kGrammar;
    const bool consumed = keep < tokens.size || !count.empty();
    out.confidence = grammar_confidence(
        consumed ? kConsumedConfidence : kWholeStemConfidence, own);
  } else if (!folder.empty()) {
    out.sku_base = folder;
    out.reason = SkuReason::kGrammar;
    out.from_folder = true;
    out.confidence = grammar_confidence(kFolderConfidence, folder);
  }
  return out;
}

Result<SkuParse> SkuParser::parse(std::string_view path,
                                  const KnownSkus* known) const {
  return SkuParserAccess::parse(*this, path, known, nullptr);
}

Result<SkuParse> parse_filename(std::string_view path, const KnownSkus* known) {
  return SkuParser().parse(path, known);
}

Result<SkuParse> parse_filename(std::string_view path, const SkuRules& rules,
                                const KnownSkus* known) {
  IMAGEBANK_ASSIGN_OR_RETURN(const SkuParser parser, SkuParser::create(rules));
  return parser.parse(path, known);
}

}  // namespace imagebank
