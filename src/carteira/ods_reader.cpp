// OpenDocument spreadsheets (.ods, LibreOffice Calc's own format): every
// sheet is a <table:table> of content.xml, streamed row by row like an
// .xlsx sheet.
//
// What Calc writes that an .xlsx does not:
// - rows and cells repeated: table:number-rows-repeated and
//   table:number-columns-repeated. Calc ends most sheets with a row repeated
//   a million times and rows with a cell repeated to column 1024 or 16384:
//   empty repeats only move the position (they cost nothing); a repeated
//   cell with a value is emitted once per column, up to max_columns; a
//   repeated row with values is emitted at most kMaxRowRepeats times (the
//   copies are the same row, so more would only repeat the same duplicate
//   SKU issue), with a warning when more were cut.
// - covered cells (table:covered-table-cell), the cells a merged cell hides:
//   they take their column and are read as empty, as Calc shows them.
// - values in attributes (office:value, office:date-value,
//   office:boolean-value) and the shown text in <text:p> paragraphs, with
//   <text:s/> for runs of spaces, <text:tab/> and <text:line-break/>;
//   paragraphs of a cell are joined with a line break. Annotations
//   (comments) are not cell text.
#include <charconv>
#include <cmath>
#include <cstring>

#include "carteira/readers.hpp"
#include "carteira/values.hpp"
#include "carteira/xlsx_parts.hpp"

namespace imagebank::carteira {
namespace {

// A row with values repeated more than this is read this many times.
constexpr std::uint64_t kMaxRowRepeats = 100;
// Repeats past this are counted as this many (Calc's own sheets have at most
// 2^20 rows, 2^14 columns; larger values only move past the end).
constexpr std::uint64_t kMaxRepeatCount = 1ull << 32;

// A number-{rows,columns}-repeated value: 1 when absent or not a positive
// number, at most kMaxRepeatCount.
std::uint64_t repeat_count(const char* text) {
  if (text == nullptr) return 1;
  std::uint64_t value = 0;
  const std::string_view s(text);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ptr != s.data() + s.size() || value == 0) {
    return ec == std::errc::result_out_of_range ? kMaxRepeatCount : 1;
  }
  return std::min(value, kMaxRepeatCount);
}

// The attribute named exactly `name` (with its prefix), or nullptr.
const char* prefixed_attribute(XmlAttributes attrs, const char* name) {
  for (std::size_t i = 0; attrs[i] != nullptr; i += 2) {
    if (std::strcmp(attrs[i], name) == 0) return attrs[i + 1];
  }
  return nullptr;
}

class OdsContentHandler : public XmlHandler {
 public:
  OdsContentHandler(CarteiraBuilder& builder, std::string what)
      : builder_(builder), limits_(builder.limits()), what_(std::move(what)) {}

  void start(std::string_view name, XmlAttributes attrs) override {
    if (cell_) {
      start_in_cell(name, attrs);
    } else if (name == "table-cell" || name == "covered-table-cell") {
      if (row_open_) start_cell(name == "covered-table-cell", attrs);
    } else if (name == "table-row") {
      if (table_depth_ == 1) start_row(attrs);
    } else if (name == "table") {
      start_table(attrs);
    }
  }

  void end(std::string_view name) override {
    if (cell_) {
      end_in_cell(name);
    } else if (name == "table-row") {
      if (row_open_) end_row();
    } else if (name == "table") {
      end_table();
    }
  }

  void text(std::string_view text) override {
    if (!capture_) return;
    for (const char c : text) {
      // Line ends and tabs in a paragraph's text are white space (ODF);
      // the real ones are elements.
      append(c == '\n' || c == '\r' || c == '\t' ? ' ' : c, 1);
    }
  }

  std::size_t sheets_done() const noexcept { return sheets_done_; }
  std::size_t sheets_seen() const noexcept { return sheets_seen_; }
  bool in_sheet() const noexcept { return wanted_ && table_depth_ >= 1; }

 private:
  enum class Kind : std::uint8_t { kText, kNumber, kDate, kBool, kError };

  struct Pending {
    Cell cell;
    std::size_t offset = 0;
    std::size_t length = 0;
    bool owns_text = false;
  };

  std::string where() const {
    return what_ + ": sheet '" + sheet_ + "', cell " +
           column_letters(static_cast<std::uint32_t>(
               std::min<std::uint64_t>(column_, UINT32_MAX))) +
           std::to_string(row_ + 1);
  }

  void start_table(XmlAttributes attrs) {
    ++table_depth_;
    if (table_depth_ != 1) return;  // a table inside a cell: not a sheet
    const char* name = xml_attribute(attrs, "name");
    sheet_ = name == nullptr ? "" : name;
    if (++sheets_seen_ > limits_.max_sheets) {
      stop(limit_exceeded_error(what_ + ": more than the limit of " +
                                std::to_string(limits_.max_sheets) +
                                " sheets"));
      return;
    }
    row_ = 0;
    wanted_ = builder_.wants_sheet(sheet_);
    if (wanted_) builder_.begin_sheet(sheet_);
  }

  void end_table() {
    if (table_depth_ == 0) return;
    if (--table_depth_ != 0) return;
    if (wanted_) {
      builder_.end_sheet();
      ++sheets_done_;
    }
    wanted_ = false;
  }

  void start_row(XmlAttributes attrs) {
    row_open_ = true;
    row_repeat_ = repeat_count(xml_attribute(attrs, "number-rows-repeated"));
    column_ = 0;
    pending_.clear();
    row_text_.clear();
  }

  void end_row() {
    row_open_ = false;
    const std::int64_t first = row_ + 1;
    row_ += static_cast<std::int64_t>(row_repeat_);
    if (pending_.empty() || !wanted_) return;  // blank rows: only counted
    cells_.clear();
    for (const Pending& p : pending_) {
      cells_.push_back(p.cell);
      if (p.owns_text) {
        cells_.back().text =
            std::string_view(row_text_).substr(p.offset, p.length);
      }
    }
    const std::uint64_t copies = std::min(row_repeat_, kMaxRowRepeats);
    for (std::uint64_t i = 0; i < copies; ++i) {
      Status status =
          builder_.row(first + static_cast<std::int64_t>(i), cells_);
      if (!status.ok()) {
        stop(std::move(status));
        return;
      }
    }
    if (row_repeat_ > copies) {
      builder_.issue(IssueSeverity::kWarning, first,
                     "the row is repeated " + std::to_string(row_repeat_) +
                         " times in the file; read " + std::to_string(copies) +
                         " times, the other copies " + "ignored");
    }
  }

  void start_cell(bool covered, XmlAttributes attrs) {
    cell_ = true;
    cell_depth_ = 0;
    covered_ = covered;
    cell_repeat_ =
        repeat_count(xml_attribute(attrs, "number-columns-repeated"));
    value_.clear();
    paragraphs_ = 0;
    annotation_depth_ = 0;
    capture_ = false;
    kind_ = Kind::kText;
    attribute_value_.clear();
    has_attribute_value_ = false;
    if (covered_) return;
    const char* type = xml_attribute(attrs, "value-type");
    const std::string_view t = type == nullptr ? "" : type;
    const char* value = nullptr;
    if (t == "float" || t == "percentage" || t == "currency") {
      kind_ = Kind::kNumber;
      value = xml_attribute(attrs, "value");
    } else if (t == "date") {
      kind_ = Kind::kDate;
      value = xml_attribute(attrs, "date-value");
    } else if (t == "boolean") {
      kind_ = Kind::kBool;
      value = xml_attribute(attrs, "boolean-value");
    } else if (t == "string") {
      value = xml_attribute(attrs, "string-value");
    }
    // Calc marks formula errors (#N/A, #DIV/0!) in its own namespace.
    if (const char* calc = prefixed_attribute(attrs, "calcext:value-type")) {
      if (std::strcmp(calc, "error") == 0) kind_ = Kind::kError;
    }
    if (value != nullptr) {
      attribute_value_ = value;
      has_attribute_value_ = true;
    }
  }

  void start_in_cell(std::string_view name, XmlAttributes attrs) {
    ++cell_depth_;
    if (covered_) return;
    if (name == "annotation") {
      ++annotation_depth_;
      capture_ = false;
    }
    if (annotation_depth_ > 0) return;
    if (name == "p" || name == "h") {
      if (paragraphs_++ > 0) append('\n', 1);
      capture_ = true;
    } else if (!capture_) {
      return;
    } else if (name == "s") {
      const char* count = xml_attribute(attrs, "c");
      append(' ', count == nullptr ? 1 : repeat_count(count));
    } else if (name == "tab") {
      append('\t', 1);
    } else if (name == "line-break") {
      append('\n', 1);
    }
  }

  void end_in_cell(std::string_view name) {
    if (cell_depth_ == 0) {  // the cell itself
      end_cell();
      return;
    }
    --cell_depth_;
    if (covered_) return;
    if (name == "annotation") {
      if (annotation_depth_ > 0) --annotation_depth_;
    } else if ((name == "p" || name == "h") && annotation_depth_ == 0) {
      capture_ = false;
    }
  }

  void append(char c, std::uint64_t count) {
    if (!cell_ || count == 0) return;
    if (value_.size() + count > limits_.max_cell_bytes) {
      capture_ = false;
      cell_ = false;
      stop(limit_exceeded_error(where() + ": the cell is longer than " +
                                std::to_string(limits_.max_cell_bytes) +
                                " bytes (the limit)"));
      return;
    }
    value_.append(static_cast<std::size_t>(count), c);
  }

  void end_cell() {
    cell_ = false;
    capture_ = false;
    const std::uint64_t first = column_;
    column_ += cell_repeat_;
    if (covered_ || !wanted_) return;
    Pending p;
    if (!make_cell(p)) return;  // empty
    if (p.owns_text) {
      p.offset = row_text_.size();
      p.length = value_.size();
      row_text_.append(value_);
    }
    for (std::uint64_t c = first; c < column_; ++c) {
      if (c >= limits_.max_columns) {
        column_ = c;
        stop(limit_exceeded_error(where() + ": past the limit of " +
                                  std::to_string(limits_.max_columns) +
                                  " columns"));
        return;
      }
      p.cell.column = static_cast<std::uint32_t>(c);
      pending_.push_back(p);
    }
  }

  // The cell from what was gathered; false for an empty one.
  bool make_cell(Pending& p) {
    switch (kind_) {
      case Kind::kNumber: {
        const std::string& v = attribute_value_;
        double number = 0;
        const auto [ptr, ec] =
            std::from_chars(v.data(), v.data() + v.size(), number);
        if (has_attribute_value_ && ec == std::errc() &&
            ptr == v.data() + v.size() && std::isfinite(number)) {
          p.cell.kind = CellKind::kNumber;
          p.cell.number = number;
          p.cell.zero_pad = shown_zero_pad(number);
          return true;
        }
        break;  // no usable value: the text shown
      }
      case Kind::kDate:
        if (has_attribute_value_ && !attribute_value_.empty()) {
          value_ = attribute_value_;
          p.cell.kind = CellKind::kIsoDate;
          p.owns_text = true;
          return true;
        }
        break;
      case Kind::kBool:
        if (has_attribute_value_) {
          p.cell.kind = CellKind::kBool;
          p.cell.number = attribute_value_ == "true" ? 1 : 0;
          return true;
        }
        break;
      case Kind::kError:
        if (value_.empty()) return false;
        p.cell.kind = CellKind::kError;
        p.owns_text = true;
        return true;
      case Kind::kText:
        if (has_attribute_value_) value_ = attribute_value_;
        break;
    }
    if (value_.empty()) return false;
    p.cell.kind = CellKind::kText;
    p.owns_text = true;
    return true;
  }

  // A whole number shown with leading zeros ("001234", a number style with
  // min-integer-digits) keeps them: the digits shown, when they are all
  // digits and read back as the value.
  std::uint8_t shown_zero_pad(double number) const {
    const std::string& shown = value_;
    if (shown.size() < 2 || shown.size() > 18 || shown[0] != '0' ||
        number < 0 || number != std::floor(number)) {
      return 0;
    }
    std::uint64_t digits = 0;
    for (const char c : shown) {
      if (c < '0' || c > '9') return 0;
      digits = digits * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return static_cast<double>(digits) == number
               ? static_cast<std::uint8_t>(shown.size())
               : 0;
  }

  CarteiraBuilder& builder_;
  const CarteiraLimits& limits_;
  std::string what_;

  std::size_t table_depth_ = 0;
  std::size_t sheets_seen_ = 0;
  std::size_t sheets_done_ = 0;
  bool wanted_ = false;
  std::string sheet_;

  bool row_open_ = false;
  std::int64_t row_ = 0;  // rows before the open one
  std::uint64_t row_repeat_ = 1;
  std::uint64_t column_ = 0;  // 0-based column of the open cell

  bool cell_ = false;
  bool covered_ = false;
  std::size_t cell_depth_ = 0;
  std::size_t annotation_depth_ = 0;
  std::uint64_t cell_repeat_ = 1;
  bool capture_ = false;
  std::size_t paragraphs_ = 0;
  Kind kind_ = Kind::kText;
  std::string attribute_value_;
  bool has_attribute_value_ = false;
  std::string value_;

  std::vector<Pending> pending_;
  std::string row_text_;
  std::vector<Cell> cells_;
};

}  // namespace

Status read_ods(ZipArchive& zip, CarteiraBuilder& builder) {
  const std::string& name = builder.name();
  if (auto manifest = zip.find("META-INF/manifest.xml")) {
    Result<std::string> text = zip.read_all(*manifest);
    if (text.ok() && text->find("encryption-data") != std::string::npos) {
      return unsupported_format_error(
          name +
          ": a password-protected OpenDocument spreadsheet (not "
          "supported; save it without a password)");
    }
  }
  const std::optional<std::string> content = zip.find("content.xml");
  if (!content) {
    return corrupt_data_error(
        name + ": an OpenDocument spreadsheet without its content.xml");
  }
  OdsContentHandler handler(builder, name + ": " + *content);
  Status status =
      parse_xml_part(zip, *content, handler,
                     zip.declared_size(*content).value_or(0) > (1u << 20));
  if (status.code() == ErrorCode::kCorruptData) {
    // As for an .xlsx: the damage costs the sheet it is in (and, all
    // sheets being in one part, those after it); the file fails only when
    // no sheet was read whole.
    if (handler.in_sheet()) {
      std::string_view reason = status.message();
      const std::string prefix = name + ": ";
      if (reason.starts_with(prefix)) reason.remove_prefix(prefix.size());
      builder.issue(IssueSeverity::kError, 0,
                    std::string(reason) +
                        "; rows before the damage are kept, the rest of the "
                        "file is lost");
    }
    if (handler.sheets_done() == 0) return status;
    return ok_status();
  }
  if (status.ok() && handler.sheets_seen() == 0) {
    builder.file_issue(IssueSeverity::kWarning,
                       "the spreadsheet has no sheets (no table in its "
                       "content.xml)");
  }
  return status;
}

}  // namespace imagebank::carteira
