#include "carteira/headers.hpp"

#include <algorithm>
#include <vector>

#include "imagebank/core/text.hpp"

namespace imagebank::carteira {
namespace {

struct Synonym {
  std::string key;
  Field field;
  std::string_view text;
};

const std::vector<Synonym>& synonyms() {
  static const std::vector<Synonym> kAll = [] {
    std::vector<Synonym> all;
    for (Field field : all_fields()) {
      // The documented spellings first: a near miss names one of them.
      for (std::string_view s : field_synonyms(field)) {
        all.push_back({header_key(s), field, s});
      }
      all.push_back({header_key(field_name(field)), field, field_name(field)});
    }
    return all;
  }();
  return kAll;
}

}  // namespace

std::string header_key(std::string_view header) {
  const std::string folded = fold_text(header);
  std::string key;
  key.reserve(folded.size());
  for (char c : folded) {
    const auto u = static_cast<unsigned char>(c);
    // Letters of other scripts stay (their bytes are >= 0x80); ASCII keeps
    // only letters and digits.
    if (u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      key += c;
    }
  }
  return key;
}

int edit_distance(std::string_view a, std::string_view b, int limit) {
  const auto diff = static_cast<int>(a.size()) - static_cast<int>(b.size());
  if (std::abs(diff) > limit) return limit + 1;
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], limit + 1);
}

std::optional<HeaderMatch> match_header(std::string_view header) {
  const std::string key = header_key(header);
  if (key.empty()) return std::nullopt;
  for (const Synonym& s : synonyms()) {
    if (s.key == key) return HeaderMatch{s.field, 0, s.text};
  }
  std::optional<HeaderMatch> best;
  bool ambiguous = false;
  for (const Synonym& s : synonyms()) {
    if (s.key.size() < 4) continue;
    const int allowed = s.key.size() >= 6 ? 2 : 1;
    const int d = edit_distance(key, s.key, allowed);
    if (d > allowed) continue;
    if (!best || d < best->distance) {
      best = HeaderMatch{s.field, d, s.text};
      ambiguous = false;
    } else if (d == best->distance && s.field != best->field) {
      ambiguous = true;
    }
  }
  if (ambiguous) return std::nullopt;
  return best;
}

}  // namespace imagebank::carteira
