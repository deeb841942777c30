// .xlsx: the package relationships lead to the workbook, whose own
// relationships lead to the styles, the shared strings and each sheet.
#include <algorithm>

#include "carteira/readers.hpp"
#include "carteira/sheet_xml.hpp"
#include "carteira/xlsx_parts.hpp"

namespace imagebank::carteira {
namespace {

// Sheets whose XML is larger than this are inflated, parsed and assembled
// on three threads (about 12,000 rows of 15 columns).
constexpr std::uint64_t kPipeBytes = 1u << 20;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

const Relationship* find_type(const std::vector<Relationship>& rels,
                              std::string_view type_suffix) {
  for (const Relationship& r : rels) {
    if (ends_with(r.type, type_suffix)) return &r;
  }
  return nullptr;
}

// An Excel binary workbook: the package leads to xl/workbook.bin.
Status xlsb_error(const ZipArchive& zip) {
  return unsupported_format_error(
      zip.name() +
      ": an Excel binary workbook (.xlsb), which is not read; in Excel, "
      "File > Save As > Excel Workbook (.xlsx) (or save it as .ods or CSV) "
      "and send that file");
}

// Why a zip without a workbook is not read: name what it is when known.
Status not_a_workbook(ZipArchive& zip) {
  const std::string& name = zip.name();
  if (zip.find("xl/workbook.bin")) return xlsb_error(zip);
  if (zip.find("word/document.xml") || zip.find("ppt/presentation.xml")) {
    return unsupported_format_error(
        name + ": a Word or PowerPoint document, not a spreadsheet");
  }
  return unsupported_format_error(
      name + ": a zip archive without a workbook (not an .xlsx or .ods)");
}

Result<std::string> workbook_part(ZipArchive& zip) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Relationship> rels,
                             read_relationships(zip, ""));
  const Relationship* office = find_type(rels, "/officeDocument");
  if (office != nullptr) {
    if (ends_with(office->target, ".bin")) return xlsb_error(zip);
    if (auto exact = zip.find(office->target)) return *exact;
  }
  if (zip.find("xl/workbook.bin")) return xlsb_error(zip);
  if (auto exact = zip.find("xl/workbook.xml")) return *exact;
  return not_a_workbook(zip);
}

// The OpenDocument type its "mimetype" part names ("" when none).
std::string opendocument_type(ZipArchive& zip) {
  const std::optional<std::string> part = zip.find("mimetype");
  if (!part || zip.declared_size(*part).value_or(0) > 256) return "";
  Result<std::string> type = zip.read_all(*part);
  if (!type.ok()) return "";
  constexpr std::string_view kPrefix = "application/vnd.oasis.opendocument.";
  const std::size_t at = type->find(kPrefix);
  if (at == std::string::npos) return "";
  std::string kind = type->substr(at + kPrefix.size());
  while (!kind.empty() &&
         (kind.back() == '\n' || kind.back() == '\r' || kind.back() == ' ')) {
    kind.pop_back();
  }
  return kind;
}

}  // namespace

Status read_zip(std::span<const std::byte> bytes, CarteiraBuilder& builder) {
  IMAGEBANK_ASSIGN_OR_RETURN(
      std::unique_ptr<ZipArchive> zip,
      ZipArchive::open(bytes, builder.name(), builder.limits()));
  const std::string opendocument = opendocument_type(*zip);
  if (opendocument.starts_with("spreadsheet")) return read_ods(*zip, builder);
  if (!opendocument.empty()) {
    return unsupported_format_error(builder.name() +
                                    ": an OpenDocument document of type '" +
                                    opendocument + "', not a spreadsheet");
  }
  // An .ods whose mimetype part was lost still has its content and
  // manifest, and no OOXML package relationships.
  if (!zip->find("_rels/.rels") && zip->find("content.xml") &&
      zip->find("META-INF/manifest.xml")) {
    return read_ods(*zip, builder);
  }
  return read_xlsx(*zip, builder);
}

Status read_xlsx(ZipArchive& zip_archive, CarteiraBuilder& builder) {
  ZipArchive* const zip = &zip_archive;
  IMAGEBANK_ASSIGN_OR_RETURN(const std::string workbook, workbook_part(*zip));
  IMAGEBANK_ASSIGN_OR_RETURN(const WorkbookInfo info,
                             read_workbook(*zip, workbook));
  if (info.sheets.size() > builder.limits().max_sheets) {
    return limit_exceeded_error(builder.name() + ": " +
                                std::to_string(info.sheets.size()) +
                                " sheets, more than the limit of " +
                                std::to_string(builder.limits().max_sheets));
  }
  builder.set_date1904(info.date1904);
  IMAGEBANK_ASSIGN_OR_RETURN(const std::vector<Relationship> rels,
                             read_relationships(*zip, workbook));

  std::vector<CellStyle> styles;
  if (const Relationship* r = find_type(rels, "/styles")) {
    if (auto exact = zip->find(r->target)) {
      IMAGEBANK_ASSIGN_OR_RETURN(styles, read_styles(*zip, *exact));
    }
  }
  SharedStrings strings;
  if (const Relationship* r = find_type(rels, "/sharedStrings")) {
    if (auto exact = zip->find(r->target)) {
      IMAGEBANK_ASSIGN_OR_RETURN(
          strings, read_shared_strings(*zip, *exact, builder.limits()));
    }
  }

  // A damaged sheet (malformed XML, bad compressed data) costs that sheet,
  // not the workbook: the file fails only when no sheet could be read.
  Status first_damage;
  std::size_t sheets_read = 0;
  for (const WorkbookSheet& sheet : info.sheets) {
    if (!builder.wants_sheet(sheet.name)) continue;
    const auto rel = std::find_if(
        rels.begin(), rels.end(),
        [&](const Relationship& r) { return r.id == sheet.relationship; });
    builder.begin_sheet(sheet.name);
    if (rel == rels.end() || !ends_with(rel->type, "/worksheet")) {
      const bool chart =
          rel != rels.end() && ends_with(rel->type, "/chartsheet");
      builder.issue(chart ? IssueSeverity::kInfo : IssueSeverity::kError, 0,
                    chart ? "a chart sheet, no cells; sheet skipped"
                          : "the workbook names this sheet but has no "
                            "worksheet part for it; sheet skipped");
      continue;
    }
    const std::optional<std::string> part = zip->find(rel->target);
    if (!part) {
      builder.issue(IssueSeverity::kError, 0,
                    "its part " + rel->target +
                        " is missing from the file; sheet skipped");
      continue;
    }
    const std::string what = builder.name() + ": sheet '" + sheet.name + "'";
    // Small sheets are read on this thread: workers cost more than they
    // save below a few thousand rows.
    const std::uint64_t declared = zip->declared_size(*part).value_or(0);
    const bool big = declared > kPipeBytes;
    // Product rows take 300 bytes of XML or more (15 columns: about 800).
    if (big) builder.expect_rows(static_cast<std::size_t>(declared / 300));
    const auto read_sheet = [&](RowSink& sink) {
      SheetXmlHandler handler(sink, builder.limits(), strings, styles, what);
      return parse_xml_part(*zip, *part, handler, big);
    };
    Status status = big ? pipe_rows(read_sheet, builder) : read_sheet(builder);
    if (status.code() == ErrorCode::kCorruptData) {
      // Issues leave the file's name out: drop the prefix the message has.
      std::string_view reason = status.message();
      const std::string prefix = builder.name() + ": ";
      if (reason.starts_with(prefix)) reason.remove_prefix(prefix.size());
      builder.issue(IssueSeverity::kError, 0,
                    std::string(reason) +
                        "; rows before the damage are kept, the rest of the "
                        "sheet is lost");
      if (first_damage.ok()) first_damage = std::move(status);
      continue;
    }
    IMAGEBANK_RETURN_IF_ERROR(status);
    builder.end_sheet();
    ++sheets_read;
  }
  if (sheets_read == 0 && !first_damage.ok()) return first_damage;
  return ok_status();
}

}  // namespace imagebank::carteira
