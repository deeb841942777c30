// CSV exports of a Carteira: one sheet, read as RFC 4180 (quoted fields with
// doubled quotes and embedded newlines; CRLF, LF or CR line ends) after the
// encoding and delimiter are detected. Lenient where Excel is: a quote in
// the middle of a field is kept as a character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "carteira/builder.hpp"

namespace imagebank::carteira {

// Reads the whole text into `builder` as the sheet `sheet`. Errors:
// unsupported_format for binary content; limit_exceeded for a field longer
// than max_cell_bytes (usually a quote never closed) or a record with more
// than max_columns fields. A quote still open at the end of the file is an
// error issue: the rows before it are kept.
Status read_csv(std::span<const std::byte> bytes, std::string sheet,
                CarteiraBuilder& builder);

// Where the records of decoded CSV text go (a Carteira's builder, or the
// plain tables of text_table.hpp).
struct CsvTarget {
  RowSink& rows;
  std::string_view name;  // for messages
  std::uint32_t max_columns;
  std::uint32_t max_cell_bytes;
  // A record that cannot be read (a quote never closed): the reading stops.
  std::function<void(std::int64_t record, std::string message)> issue;
};
// The records of UTF-8 text with a known delimiter.
Status read_csv_records(std::string_view text, char delimiter,
                        const CsvTarget& out);

}  // namespace imagebank::carteira
