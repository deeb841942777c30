// The readers behind read_carteira, one per container format. Each streams
// its sheets into the builder; a Status error means the file as a whole
// could not be read (the message names the file and the reason).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>

#include "carteira/builder.hpp"

namespace imagebank::carteira {

// An .xlsx/.xlsm workbook (a zip of XML parts).
Status read_xlsx(std::span<const std::byte> bytes, CarteiraBuilder& builder);

// A legacy .xls workbook (BIFF in an OLE2 compound file) through libfreexl,
// which reads only files: `path` when the bytes came from one, else they go
// through a private temporary file.
Status read_xls(std::span<const std::byte> bytes,
                const std::optional<std::filesystem::path>& path,
                CarteiraBuilder& builder);

}  // namespace imagebank::carteira
