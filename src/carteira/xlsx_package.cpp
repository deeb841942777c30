// Relationships and the workbook part.
#include <algorithm>
#include <vector>

#include "carteira/read_ahead.hpp"
#include "carteira/xlsx_parts.hpp"

namespace imagebank::carteira {
namespace {

class RelationshipsHandler : public XmlHandler {
 public:
  explicit RelationshipsHandler(std::string_view source) : source_(source) {}
  void start(std::string_view name, XmlAttributes attrs) override {
    if (name != "Relationship") return;
    const char* id = xml_attribute(attrs, "Id");
    const char* type = xml_attribute(attrs, "Type");
    const char* target = xml_attribute(attrs, "Target");
    const char* mode = xml_attribute(attrs, "TargetMode");
    if (id == nullptr || target == nullptr) return;
    if (mode != nullptr && std::string_view(mode) == "External") return;
    out.push_back(
        {id, type == nullptr ? "" : type, resolve_part(source_, target)});
  }
  void end(std::string_view) override {}
  std::vector<Relationship> out;

 private:
  std::string_view source_;
};

class WorkbookHandler : public XmlHandler {
 public:
  void start(std::string_view name, XmlAttributes attrs) override {
    if (name == "workbookPr") {
      const char* v = xml_attribute(attrs, "date1904");
      if (v != nullptr) {
        const std::string_view s(v);
        out.date1904 = s == "1" || s == "true";
      }
    } else if (name == "sheet") {
      const char* sheet_name = xml_attribute(attrs, "name");
      const char* id = xml_attribute(attrs, "id");
      out.sheets.push_back(
          {sheet_name == nullptr ? "" : sheet_name, id == nullptr ? "" : id});
    }
  }
  void end(std::string_view) override {}
  WorkbookInfo out;
};

}  // namespace

Status parse_xml_part(ZipArchive& zip, std::string_view part,
                      XmlHandler& handler, bool read_ahead) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<ZipEntryReader> reader,
                             zip.open_entry(part));
  XmlStream stream(handler, zip.name() + ": " + std::string(part));
  if (read_ahead) {
    ReadAhead ahead(*reader);
    return stream.parse([&](char* buffer, std::size_t capacity) {
      return ahead.read(buffer, capacity);
    });
  }
  return stream.parse([&](char* buffer, std::size_t capacity) {
    return reader->read(buffer, capacity);
  });
}

std::string resolve_part(std::string_view source, std::string_view raw) {
  // Exports that write "xl\\worksheets\\..." entry names may write targets
  // alike.
  std::string slashed(raw);
  std::replace(slashed.begin(), slashed.end(), '\\', '/');
  const std::string_view target = slashed;
  std::string path;
  if (!target.empty() && target.front() == '/') {
    path = target.substr(1);
  } else {
    const std::size_t slash = source.rfind('/');
    path = slash == std::string_view::npos
               ? std::string(target)
               : std::string(source.substr(0, slash + 1)) + std::string(target);
  }
  // Collapse "." and ".." segments ("../media/x" from "xl/worksheets/").
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!segment.empty() && segment != ".") {
      parts.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

Result<std::vector<Relationship>> read_relationships(ZipArchive& zip,
                                                     std::string_view part) {
  std::string rels;
  const std::size_t slash = part.rfind('/');
  if (part.empty()) {
    rels = "_rels/.rels";
  } else if (slash == std::string_view::npos) {
    rels = "_rels/" + std::string(part) + ".rels";
  } else {
    rels = std::string(part.substr(0, slash + 1)) + "_rels/" +
           std::string(part.substr(slash + 1)) + ".rels";
  }
  const std::optional<std::string> exact = zip.find(rels);
  if (!exact) return std::vector<Relationship>{};
  RelationshipsHandler handler(part);
  IMAGEBANK_RETURN_IF_ERROR(parse_xml_part(zip, *exact, handler));
  return std::move(handler.out);
}

Result<WorkbookInfo> read_workbook(ZipArchive& zip, std::string_view part) {
  WorkbookHandler handler;
  IMAGEBANK_RETURN_IF_ERROR(parse_xml_part(zip, part, handler));
  return std::move(handler.out);
}

}  // namespace imagebank::carteira
