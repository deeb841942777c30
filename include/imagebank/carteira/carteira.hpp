// The Carteira de Compras: the buyer's purchase-order spreadsheet, read into
// typed rows keyed by canonical field names, with a report of every problem.
//
// read_carteira() takes an .xlsx/.xlsm (the sheets are streamed: a 100k-row
// workbook never needs a DOM; zip entries named with '\' as Windows ERP
// exports write them are read too), a LibreOffice .ods (streamed alike;
// repeated rows and columns bounded, covered cells empty), a legacy .xls
// (read by the helper program imagebank-xls-reader in a child process with
// CPU and memory limits: the .xls library leaks and trusts its input), or
// a .csv/.txt export (delimiter `,` `;` or tab and encoding UTF-8, UTF-8
// with BOM, UTF-16 with BOM or Windows-1252 are detected; RFC 4180 quoting
// with embedded newlines). The format comes from the content, never the
// name: a zip is an .xlsx or .ods workbook, an OLE2 compound file is .xls,
// anything else is text.
//
// In every sheet the header row is the first row, among the first 20, with at
// least two recognised column headers (title and blank rows above it are
// skipped). Headers are compared without case, accents or punctuation
// against the synonyms of each canonical field (fields.hpp); a header within
// two edits of a synonym of 6+ letters, or one edit of one of 4-5 letters, is
// accepted with a warning (shorter ones such as "Ref" or "PV" must match
// exactly: "EAN" is two edits from "Tam"). Other columns
// are kept as `extra` under their original header. A sheet without such a
// header row, or whose table has no SKU column (a summary), is skipped with
// an info issue.
//
// Problems in the data are issues, never silent and never fatal for the other
// rows: a row without a SKU is skipped (error); the same SKU twice keeps the
// first row (a warning listing both values when they differ, info when they
// agree); a value a numeric or date field cannot read is kept as text
// (warning). Only a file that cannot be read at all is an error Status:
//   not_found / io_error   the file cannot be read
//   corrupt_data           empty, truncated zip, malformed XML, damaged .xls
//                          (the .xls reader crashed on it)
//   unsupported_format     a zip that is not a workbook (.xlsb, .docx), a
//                          password-protected file
//   internal               the .xls helper program is missing or garbled
//   limit_exceeded         past CarteiraLimits (file size, inflated size or
//                          ratio of a zip bomb, rows, columns, cell size,
//                          sheets), XML entity expansion, or the .xls
//                          reader's time or memory
//   not_found              (options.sheets) a requested sheet is absent
// Each message starts with the file's name and says the reason.
//
// Threading: read_carteira may be called from any thread at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "imagebank/carteira/fields.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

enum class IssueSeverity : int {
  kInfo = 0,  // worth knowing, nothing lost (a skipped summary sheet)
  kWarning,   // read, but check it (a near-miss header, a value kept as text)
  kError,     // data lost (a row skipped for want of a SKU)
};

// "info", "warning", "error".
std::string_view severity_name(IssueSeverity severity) noexcept;

struct CarteiraIssue {
  std::string sheet;     // empty when about the whole file
  std::int64_t row = 0;  // 1-based spreadsheet row; 0 when not about a row
  IssueSeverity severity = IssueSeverity::kInfo;
  std::string message;  // one sentence, without the file's name
  friend bool operator==(const CarteiraIssue&, const CarteiraIssue&) = default;
};

struct CarteiraRow {
  std::string sheet;
  std::int64_t row = 0;  // 1-based spreadsheet row (the CSV record number)
  // The canonical fields that have a value, in canonical order (Field's
  // order); the SKU is always present.
  std::vector<std::pair<Field, FieldValue>> fields;
  // The other columns: original header -> value as text (dates as ISO
  // yyyy-mm-dd), in column order, empty cells left out. A header repeated in
  // one sheet gets " (2)", " (3)" appended; a column without a header is
  // named "column F" after its letter.
  std::vector<std::pair<std::string, std::string>> extra;

  // The value of `field`, or nullptr when the row has none.
  const FieldValue* find(Field field) const noexcept;
  // The SKU exactly as written (trimmed; a numeric cell as its digits).
  const std::string& sku() const;

  friend bool operator==(const CarteiraRow&, const CarteiraRow&) = default;
};

struct Carteira {
  std::vector<CarteiraRow> rows;  // in file order: sheet by sheet, row by row
  std::vector<CarteiraIssue> issues;
  // The sheets read, in workbook order (those skipped for having no product
  // table included: an issue says why). A CSV is one sheet named after the
  // file's stem.
  std::vector<std::string> sheets;

  // The SKUs in row order, each once.
  std::vector<std::string> skus() const;
  // Issues of at least `severity`.
  std::size_t count_issues(IssueSeverity severity) const noexcept;
};

struct CarteiraLimits {
  // Largest file accepted.
  std::uint64_t max_file_bytes = 50ull * 1000 * 1000;
  // Largest total of the parts of an .xlsx once inflated (shared strings and
  // styles are held in memory; sheets are streamed but count too).
  std::uint64_t max_uncompressed_bytes = 512ull << 20;
  // A part inflating more than this many times its compressed size (past
  // its first MiB) is a zip bomb. Spreadsheet XML inflates 5-30x.
  std::uint32_t max_compression_ratio = 200;
  // Rows read from the whole file (every sheet, titles and blanks included).
  std::uint64_t max_rows = 1'000'000;
  // Columns of one row (Excel's own limit is 16,384).
  std::uint32_t max_columns = 16'384;
  // Bytes of one cell's text (Excel holds 32,767 characters in a cell).
  std::uint32_t max_cell_bytes = 128u << 10;
  std::uint32_t max_sheets = 256;
};

struct CarteiraOptions {
  CarteiraLimits limits;
  // Only these sheets (compared like headers: without case or accents), in
  // workbook order; empty for every sheet. Ignored for CSV.
  std::vector<std::string> sheets;
};

// Reads a file. The name in messages is the path as given.
Result<Carteira> read_carteira(const std::filesystem::path& path,
                               const CarteiraOptions& options = {});

// Reads bytes the caller keeps alive for the call. `name` is used in
// messages, as the CSV's sheet name (its stem), and hints at the format only
// to explain a mismatch (an ".xlsx" that holds text is read as CSV, with a
// warning).
Result<Carteira> read_carteira(std::span<const std::byte> bytes,
                               std::string_view name,
                               const CarteiraOptions& options = {});

}  // namespace imagebank
