// The readers behind read_carteira, one per container format. Each streams
// its sheets into the builder; a Status error means the file as a whole
// could not be read (the message names the file and the reason).
#pragma once

#include <cstddef>
#include <span>

#include "carteira/builder.hpp"
#include "carteira/zip_archive.hpp"

namespace imagebank::carteira {

// A zip: an .xlsx/.xlsm workbook or an OpenDocument spreadsheet (.ods), told
// apart by their parts; unsupported_format naming what other zips are (an
// .xlsb, a Word document, ...).
Status read_zip(std::span<const std::byte> bytes, CarteiraBuilder& builder);

// An .xlsx/.xlsm workbook (a zip of XML parts), found through the package
// relationships.
Status read_xlsx(ZipArchive& zip, CarteiraBuilder& builder);

// An .ods: the tables of its content.xml.
Status read_ods(ZipArchive& zip, CarteiraBuilder& builder);

// A legacy .xls workbook (BIFF in an OLE2 compound file), read through
// libfreexl in a child process (xls_child.hpp).
Status read_xls(std::span<const std::byte> bytes, CarteiraBuilder& builder);

}  // namespace imagebank::carteira
