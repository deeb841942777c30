// Text helpers shared by the filename grammar (sku) and the Carteira reader
// (carteira): the names and headers people type, in Portuguese, compared the
// way people read them: without case, accents or compatibility forms.
//
// All functions take and return UTF-8. Input that is not valid UTF-8 is read
// as Windows-1252 (what Excel on Windows and many Brazilian ERPs write) and
// converted first, so "C\xF3digo" and "Código" fold alike. Nothing throws;
// every function may be called from any thread at once.
#pragma once

#include <string>
#include <string_view>

namespace imagebank {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code
// points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Windows-1252 bytes to UTF-8. The five bytes the code page leaves undefined
// (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the C1 controls of the same value,
// as Windows itself decodes them.
std::string windows1252_to_utf8(std::string_view bytes);

// `text` as UTF-8: unchanged when it is valid UTF-8, else decoded as
// Windows-1252.
std::string to_utf8(std::string_view text);

// For comparisons: compatibility-decomposed (NFKD), combining marks removed,
// case-folded. "Código", "CODIGO" and "co\u0301digo" all give "codigo";
// "ﬁ" gives "fi".
std::string fold_text(std::string_view text);

// For identifiers shown to people (SKUs): accents removed, upper case,
// composed (NFC); other characters kept. "abc-123_Ação" gives "ABC-123_ACAO".
std::string upper_without_accents(std::string_view text);

// Appends code point `c` (at most U+10FFFF, not a surrogate: the caller's
// decoder checks) to `out` as UTF-8. Inline: text decoders call it per
// character. (Python has chr(c).encode(); not bound.)
inline void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace imagebank
