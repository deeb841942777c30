// Lists of image URLs (the bulk analyzer's input): a CSV/TSV of
// `url[, sku][, name]`, read with the Carteira reader's text machinery
// (encoding and delimiter detected, RFC 4180 quoting).
//
// The header row is the first of the first 20 rows with a URL column:
// "url", "URL da imagem", "link", "imagem", "foto", "image", "photo" (no
// case, accents or punctuation); the SKU column "sku", "referência", "ref",
// "código", "cód. produto"; the name column "nome", "arquivo", "nome do
// arquivo", "name", "file", "filename". Without such a row every row is
// data: url, then sku, then name.
//
// A row's name is the file name the SKU grammar parses (its parent folders
// kept); without one it is the URL path's last segment. A SKU given in the
// list overrides what the grammar reads from the name (the view and
// sequence still come from the name).
//
// Bad rows — no URL, not http or https, longer than 2,048 bytes, a control
// character, a SKU over 64 bytes or a bad name, a URL already listed — are
// reported (file and row number) and skipped; the rest are taken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"

namespace imagebank {

struct UrlRow {
  std::string url;
  std::string sku;        // "" when the list has none for the row
  std::string name;       // never empty once read
  std::int64_t line = 0;  // the row's record number in its file (0: made)
  friend bool operator==(const UrlRow&, const UrlRow&) = default;
};

struct UrlList {
  std::vector<UrlRow> rows;
  // "<file>: row <n>: <reason>", one per skipped row (and a note when the
  // file ends inside a quoted field).
  std::vector<std::string> problems;
  // The headers found ("" when the list had no header row).
  std::string url_header, sku_header, name_header;
};

// Reads a list. Errors (naming the file): not_found / io_error (cannot be
// read), unsupported_format (binary), limit_exceeded (larger than 64 MiB or
// 1,000,000 rows), invalid_argument (no row has a URL).
Result<UrlList> read_url_list(const std::filesystem::path& path);
Result<UrlList> read_url_list(std::span<const std::byte> bytes,
                              std::string_view name);

// One row as the list reader keeps it: the URL checked (http or https, at
// most 2,048 bytes, no spaces at its ends or control characters), the name
// made from the URL when empty and cleaned as an upload's name, the SKU
// trimmed. invalid_argument with the reason otherwise.
Result<UrlRow> check_url_row(UrlRow row);

}  // namespace imagebank
