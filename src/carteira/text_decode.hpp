// The encoding of a CSV export: UTF-8 (with or without BOM), UTF-16 with a
// BOM (Excel's "Unicode text"), or else Windows-1252 (Excel on Windows and
// most Brazilian ERPs).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "imagebank/core/result.hpp"

namespace imagebank::carteira {

enum class TextEncoding { kUtf8, kUtf8Bom, kUtf16Le, kUtf16Be, kWindows1252 };

std::string_view encoding_name(TextEncoding encoding) noexcept;

struct DecodedText {
  TextEncoding encoding = TextEncoding::kUtf8;
  bool converted = false;
  std::string storage;     // the converted text
  std::string_view input;  // the input after its BOM, when not converted
  // UTF-8 without BOM. (A method, not a view member: a moved string's
  // short-string buffer moves with it.)
  std::string_view text() const noexcept {
    return converted ? std::string_view(storage) : input;
  }
};

// unsupported_format (named `name`) when the bytes are binary, not text.
Result<DecodedText> decode_text(std::span<const std::byte> bytes,
                                std::string_view name);

// The delimiter of CSV text: the one of ';' ',' tab '|' whose count outside
// quotes is the same on the most lines among the first ones (title lines
// without delimiters and pt-BR decimal commas in a ';' file do not sway it).
// ',' when no line has any.
char detect_delimiter(std::string_view text);

}  // namespace imagebank::carteira
