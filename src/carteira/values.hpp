// Normalisation of cell values: trimming, pt-BR and plain numbers, dates
// (dd/mm/aaaa, ISO, Excel serials) and numbers written back as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "imagebank/carteira/fields.hpp"

namespace imagebank::carteira {

// Without leading and trailing white space, Unicode spaces included (Excel
// exports are full of U+00A0 no-break spaces and stray BOMs/zero-width
// spaces).
std::string_view trim(std::string_view text) noexcept;

// "1.234,56", "1234,56", "1,234.56", "59.90", "R$ 12", "-3", "1e3".
// A lone comma is the decimal separator (pt-BR); with both separators the
// last one is. A lone dot followed by exactly three digits is a thousands
// separator when `whole` (quantities: "1.234" pieces is 1234), else the
// decimal point. nullopt when the text is not a number.
std::optional<double> parse_number(std::string_view text, bool whole);

// "dd/mm/aaaa", "dd/mm/aa" (20aa), "dd-mm-aaaa", "dd.mm.aaaa", ISO
// "aaaa-mm-dd" (a time after it ignored). nullopt when not a valid date.
std::optional<Date> parse_date(std::string_view text);

// An Excel serial day number (its fraction, the time, dropped). The 1900
// system keeps Excel's fictitious 1900-02-29 (serial 60): it has no date.
std::optional<Date> date_from_serial(double serial, bool date1904);

// The shortest text that reads back as `value`: "12", "59.9", "1e+21".
// Whole numbers below 2^53 print as integers. zero_pad > 0 pads a whole
// number with leading zeros to that many digits (a "000000" number format).
std::string number_to_text(double value, int zero_pad = 0);

// 'text' in single quotes for an issue message, cut after 60 bytes (at a
// character boundary) with "...".
std::string quote_text(std::string_view text);

// "A", "Z", "AA", ... for a 0-based column.
std::string column_letters(std::uint32_t column);

// The 0-based column of a NUL-terminated cell reference such as "AB12" (the
// row digits after the letters are not read); nullopt unless it starts with
// one to six letters. One pass, no strlen: it runs for every cell.
std::optional<std::uint32_t> ref_column(const char* ref) noexcept;

}  // namespace imagebank::carteira
