// The Carteira reader on untrusted bytes (the carteira_* targets: one per
// container, each with its corpus and dictionary; the reader picks the
// container from the bytes, the name only hints). Legacy .xls (an OLE2
// compound file) is skipped here: read_carteira would spawn the helper
// program for it; carteira_xls_wire fuzzes what the library reads back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "fuzz_support.hpp"
#include "imagebank/carteira/carteira.hpp"

namespace imagebank::fuzz {

inline CarteiraOptions small_carteira_options() {
  CarteiraOptions options;
  options.limits.max_file_bytes = 1'000'000;
  options.limits.max_uncompressed_bytes = 16u << 20;
  options.limits.max_rows = 20'000;
  options.limits.max_columns = 1024;
  options.limits.max_cell_bytes = 16u << 10;
  options.limits.max_sheets = 16;
  return options;
}

inline void fuzz_carteira(const std::uint8_t* data, std::size_t size,
                          std::string_view name) {
  static const unsigned char kOle2[] = {0xD0, 0xCF, 0x11, 0xE0};
  if (size >= sizeof kOle2 && std::memcmp(data, kOle2, sizeof kOle2) == 0) {
    return;
  }
  const auto carteira =
      read_carteira(bytes_of(data, size), name, small_carteira_options());
  if (carteira.ok()) {
    for (const auto& row : carteira->rows) {
      if (row.find(Field::kSku) == nullptr) {
        __builtin_trap();  // every row has its SKU
      }
    }
  }
}

}  // namespace imagebank::fuzz
