// The one spelling every comparison of the sku module uses: upper case,
// accents removed, composed, no-break spaces as spaces. File names and known
// SKUs both go through it, so a prefix of one can be compared byte for byte
// with the other.
#pragma once

#include <string>
#include <string_view>

namespace imagebank::sku {

// Appends the normalised `text` to `out`. Equal to
// upper_without_accents(text) with U+00A0 made a space, but without utf8proc
// for ASCII and for the Latin-1 letters of Portuguese (the common cases).
void append_normalized(std::string_view text, std::string& out);

// Byte equality without a call into libc: the strings compared here (words,
// extensions, keys) are a few bytes long.
inline bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}
inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && same(s.substr(0, prefix.size()), prefix);
}
inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         same(s.substr(s.size() - suffix.size()), suffix);
}

inline std::string normalized(std::string_view text) {
  std::string out;
  append_normalized(text, out);
  return out;
}

}  // namespace imagebank::sku
