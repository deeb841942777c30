// A cell as the readers hand it to row assembly: the raw value and what the
// file says about its type, before any field-specific interpretation.
#pragma once

#include <cstdint>
#include <string_view>

namespace imagebank::carteira {

enum class CellKind : std::uint8_t {
  kText,     // text (every CSV cell)
  kNumber,   // number
  kBool,     // TRUE/FALSE (number is 0 or 1)
  kError,    // a formula error such as #N/A (text holds it)
  kIsoDate,  // a date the file stores as ISO 8601 text (xlsx t="d", .xls)
};

struct Cell {
  std::uint32_t column = 0;  // 0-based
  CellKind kind = CellKind::kText;
  // kNumber: its number format shows a date (styles.xml / .xls XF).
  bool date_style = false;
  // kNumber: its number format pads whole numbers to this many digits
  // ("000000"), so a SKU such as 001234 keeps its zeros.
  std::uint8_t zero_pad = 0;
  double number = 0;
  // kText, kError, kIsoDate. Valid until the reader's next row.
  std::string_view text;
};

}  // namespace imagebank::carteira
