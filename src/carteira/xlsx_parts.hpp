// The parts of an .xlsx around its sheets: the package relationships, the
// workbook (sheet names, 1904 dates), the styles (which cells are dates) and
// the shared strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "carteira/xml_stream.hpp"
#include "carteira/zip_archive.hpp"

namespace imagebank::carteira {

// Streams one part of the archive through `handler`; with `read_ahead`
// the part is inflated on a worker thread while it is parsed.
Status parse_xml_part(ZipArchive& zip, std::string_view part,
                      XmlHandler& handler, bool read_ahead = false);

struct Relationship {
  std::string id;
  std::string type;    // ends in "/officeDocument", "/worksheet", ...
  std::string target;  // resolved to a part name ("xl/worksheets/sheet1.xml")
};

// The relationships of `part` (from its _rels/<name>.rels; "" for the
// package's own _rels/.rels). An absent rels part gives none.
Result<std::vector<Relationship>> read_relationships(ZipArchive& zip,
                                                     std::string_view part);

// A target relative to the folder of `source` ("/..." is absolute).
std::string resolve_part(std::string_view source, std::string_view target);

struct WorkbookSheet {
  std::string name;
  std::string relationship;  // r:id
};
struct WorkbookInfo {
  std::vector<WorkbookSheet> sheets;
  bool date1904 = false;
};
Result<WorkbookInfo> read_workbook(ZipArchive& zip, std::string_view part);

// What a cell style (an index into cellXfs) says of its numbers.
struct CellStyle {
  bool date = false;
  std::uint8_t zero_pad = 0;
};
Result<std::vector<CellStyle>> read_styles(ZipArchive& zip,
                                           std::string_view part);

// A number format shows a date or time: built-in ids 14-22 and 45-47, or a
// code with d, m, y, h or s outside quotes, escapes and [colour]/[$-locale]
// brackets ([h], [mm], [ss] elapsed times count).
bool is_date_format(int id, std::string_view code);
// Digits a whole-number code pads to: "000000" -> 6; 0 for other codes.
int zero_pad_of(std::string_view code);

// All shared strings in one arena.
class SharedStrings {
 public:
  std::size_t size() const noexcept { return ends_.size(); }
  std::string_view operator[](std::size_t i) const noexcept {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(arena_).substr(begin, ends_[i] - begin);
  }

 private:
  friend class SharedStringsHandler;
  std::string arena_;
  std::vector<std::size_t> ends_;
};
Result<SharedStrings> read_shared_strings(ZipArchive& zip,
                                          std::string_view part,
                                          const CarteiraLimits& limits);

// Decodes OOXML's _xHHHH_ escapes (control characters; "_x005F_" is "_") in
// text[from..] in place.
void decode_ooxml_escapes(std::string& text, std::size_t from = 0);

}  // namespace imagebank::carteira
