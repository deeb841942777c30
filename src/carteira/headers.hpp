// Column headers to canonical fields: exact synonyms, then near misses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "imagebank/carteira/fields.hpp"

namespace imagebank::carteira {

// The form headers are compared in: folded (no case, accents or
// compatibility forms) with everything but letters and digits removed.
// "Cód. Produto" -> "codproduto".
std::string header_key(std::string_view header);

struct HeaderMatch {
  Field field = Field::kSku;
  // 0 for a synonym, else the edit distance to the nearest one.
  int distance = 0;
  std::string_view synonym;  // as documented ("Quantidade")
};

// The field a header names, or nullopt. A near miss is accepted at one edit
// from a synonym of 4-5 characters and two edits from a longer one (short
// synonyms such as "Ref", "Tam" or "PV" would capture unrelated headers:
// "EAN" is two edits from "Tam"); when two fields are equally near, none.
std::optional<HeaderMatch> match_header(std::string_view header);

// Levenshtein distance, stopping early past `limit` (returns limit + 1).
int edit_distance(std::string_view a, std::string_view b, int limit);

}  // namespace imagebank::carteira
