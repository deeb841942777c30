#include "sku/normalize.hpp"

#include <array>
#include <cstdint>

#include "imagebank/core/text.hpp"

namespace imagebank::sku {
namespace {

// U+00C0..U+00FF to the ASCII upper-case letter left once the accent is
// removed; 0 where upper_without_accents keeps a non-ASCII letter (Æ, Ð, ×,
// Ø, Þ, ß, æ, ð, ÷, ø, þ), which takes the general path.
constexpr std::array<char, 64> kLatin1Base = {
    'A', 'A', 'A', 'A', 'A', 'A', 0,   'C', 'E', 'E', 'E', 'E', 'I',
    'I', 'I', 'I', 0,   'N', 'O', 'O', 'O', 'O', 'O', 0,   0,   'U',
    'U', 'U', 'U', 'Y', 0,   0,   'A', 'A', 'A', 'A', 'A', 'A', 0,
    'C', 'E', 'E', 'E', 'E', 'I', 'I', 'I', 'I', 0,   'N', 'O', 'O',
    'O', 'O', 'O', 0,   0,   'U', 'U', 'U', 'U', 'Y', 0,   'Y'};

char upper_ascii(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// The fast path: ASCII, U+00A0 and the Latin-1 letters above, each at most
// as long as its input, written in place. False (with `out` restored) at the
// first other byte.
bool append_fast(std::string_view text, std::string& out) {
  const std::size_t start = out.size();
  const std::size_t n = text.size();
  out.resize(start + n);
  char* w = out.data() + start;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      *w++ = upper_ascii(static_cast<char>(c));
      continue;
    }
    if (i + 1 < n) {
      const auto d = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xC2 && d == 0xA0) {
        *w++ = ' ';
        ++i;
        continue;
      }
      if (c == 0xC3 && d >= 0x80 && d <= 0xBF && kLatin1Base[d - 0x80] != 0) {
        *w++ = kLatin1Base[d - 0x80];
        ++i;
        continue;
      }
    }
    out.resize(start);
    return false;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return true;
}

}  // namespace

void append_normalized(std::string_view text, std::string& out) {
  if (append_fast(text, out)) return;
  const std::string upper = upper_without_accents(text);
  for (std::size_t i = 0; i < upper.size(); ++i) {
    if (upper[i] == '\xC2' && i + 1 < upper.size() && upper[i + 1] == '\xA0') {
      out += ' ';
      ++i;
    } else {
      out += upper[i];
    }
  }
}

}  // namespace imagebank::sku
