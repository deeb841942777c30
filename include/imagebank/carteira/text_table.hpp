// Plain delimited text tables (CSV, TSV, ';' or '|' separated), read the
// way Carteira CSV exports are: the encoding (UTF-8 with or without BOM,
// UTF-16 with BOM, else Windows-1252) and the delimiter are detected, RFC
// 4180 quoting with embedded newlines is honoured. For lists that are not a
// Carteira (a list of image URLs); the caller finds its own header row,
// comparing headers with fold_header().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"

namespace imagebank {

struct TextTableRow {
  std::int64_t number = 0;         // 1-based record number in the file
  std::vector<std::string> cells;  // by column; "" for an empty cell
};

struct TextTable {
  std::string encoding;  // "UTF-8", "Windows-1252", ...
  char delimiter = ',';
  std::vector<TextTableRow> rows;  // blank records left out
  // A record that could not be read (a quote never closed): it and the
  // rest of the file were not read. Empty otherwise.
  std::string problem;
};

struct TextTableLimits {
  std::uint64_t max_bytes = 64ull << 20;
  std::uint64_t max_rows = 1'000'000;
  std::uint32_t max_columns = 256;
  std::uint32_t max_cell_bytes = 64u << 10;
};

// Errors name `name`: unsupported_format (binary content), limit_exceeded
// (past `limits`).
Result<TextTable> read_text_table(std::span<const std::byte> bytes,
                                  std::string_view name,
                                  const TextTableLimits& limits = {});

// A header as headers are compared: folded (no case or accents) with
// everything but letters and digits removed. "URL da Imagem" → "urldaimagem".
std::string fold_header(std::string_view header);

}  // namespace imagebank
