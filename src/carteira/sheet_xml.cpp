#include "carteira/sheet_xml.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

#include "carteira/values.hpp"

namespace imagebank::carteira {
namespace {

// Attribute values arrive NUL-terminated: read in one pass (this runs for
// every cell of a sheet).
// A style index; 0 (the default style) when it is not a small number.
std::uint32_t small_number(const char* text) {
  std::uint32_t value = 0;
  for (int digits = 0; *text != '\0'; ++text, ++digits) {
    if (*text < '0' || *text > '9' || digits == 9) return 0;
    value = value * 10 + static_cast<std::uint32_t>(*text - '0');
  }
  return value;
}

}  // namespace

SheetXmlHandler::SheetXmlHandler(RowSink& sink, const CarteiraLimits& limits,
                                 const SharedStrings& strings,
                                 const std::vector<CellStyle>& styles,
                                 std::string what)
    : sink_(sink),
      limits_(limits),
      strings_(strings),
      styles_(styles),
      what_(std::move(what)) {}

std::string SheetXmlHandler::where() const {
  return what_ + ", cell " + column_letters(column_) + std::to_string(row_);
}

void SheetXmlHandler::start(std::string_view name, XmlAttributes attrs) {
  // Ordered by frequency: a sheet is mostly <c> and <v>.
  if (name == "c") {
    start_cell(attrs);
  } else if (name == "v") {
    capture_ = in_cell_;
  } else if (name == "t") {
    capture_ = in_inline_ && !in_phonetic_;
  } else if (name == "row") {
    start_row(attrs);
  } else if (name == "is") {
    in_inline_ = in_cell_;
  } else if (name == "rPh") {
    in_phonetic_ = true;
  }
}

void SheetXmlHandler::end(std::string_view name) {
  if (name == "v" || name == "t") {
    capture_ = false;
  } else if (name == "c") {
    end_cell();
  } else if (name == "row") {
    end_row();
  } else if (name == "is") {
    in_inline_ = false;
  } else if (name == "rPh") {
    in_phonetic_ = false;
  }
}

void SheetXmlHandler::text(std::string_view text) {
  if (!capture_) return;
  if (value_.size() + text.size() > limits_.max_cell_bytes) {
    capture_ = false;
    stop(limit_exceeded_error(where() + ": the cell is longer than " +
                              std::to_string(limits_.max_cell_bytes) +
                              " bytes (the limit)"));
    return;
  }
  value_.append(text);
}

void SheetXmlHandler::start_row(XmlAttributes attrs) {
  std::int64_t number = row_ + 1;
  if (const char* r = xml_attribute(attrs, "r")) {
    std::int64_t parsed = 0;
    const std::string_view s(r);
    const auto [ptr, ec] =
        std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc() && ptr == s.data() + s.size() && parsed > 0) {
      number = parsed;
    }
  }
  row_ = number;
  next_column_ = 0;
  pending_.clear();
  row_text_.clear();
}

void SheetXmlHandler::start_cell(XmlAttributes attrs) {
  in_cell_ = true;
  value_.clear();
  type_ = Type::kNumber;
  style_ = 0;
  column_ = next_column_;
  for (std::size_t i = 0; attrs[i] != nullptr; i += 2) {
    const char* key = attrs[i];
    const char* value = attrs[i + 1];
    if (key[0] == '\0' || key[1] != '\0') continue;  // r, t, s: one letter
    switch (key[0]) {
      case 'r':
        if (const auto column = ref_column(value)) column_ = *column;
        break;
      case 't':
        if (std::strcmp(value, "s") == 0) {
          type_ = Type::kShared;
        } else if (std::strcmp(value, "inlineStr") == 0) {
          type_ = Type::kInline;
        } else if (std::strcmp(value, "str") == 0) {
          type_ = Type::kFormulaText;
        } else if (std::strcmp(value, "b") == 0) {
          type_ = Type::kBool;
        } else if (std::strcmp(value, "e") == 0) {
          type_ = Type::kError;
        } else if (std::strcmp(value, "d") == 0) {
          type_ = Type::kDate;
        }
        break;
      case 's':
        style_ = small_number(value);
        break;
      default:
        break;
    }
  }
  next_column_ = column_ + 1;
  // Repeated references ("A1" a million times) must not grow a row past
  // the column limit either.
  if (column_ >= limits_.max_columns ||
      pending_.size() >= limits_.max_columns) {
    in_cell_ = false;
    stop(limit_exceeded_error(where() + ": past the limit of " +
                              std::to_string(limits_.max_columns) +
                              " columns"));
  }
}

void SheetXmlHandler::end_cell() {
  if (!in_cell_) return;
  in_cell_ = false;
  in_inline_ = false;
  if (value_.empty()) return;  // a styled blank
  Pending p;
  p.cell.column = column_;
  switch (type_) {
    case Type::kShared: {
      std::size_t index = 0;
      const auto [ptr, ec] =
          std::from_chars(value_.data(), value_.data() + value_.size(), index);
      if (ec != std::errc() || ptr != value_.data() + value_.size() ||
          index >= strings_.size()) {
        stop(corrupt_data_error(where() + ": refers to shared string '" +
                                value_ + "' of " +
                                std::to_string(strings_.size())));
        return;
      }
      p.cell.kind = CellKind::kText;
      p.cell.text = strings_[index];
      break;
    }
    case Type::kNumber: {
      const auto [ptr, ec] = std::from_chars(
          value_.data(), value_.data() + value_.size(), p.cell.number);
      // from_chars takes "inf" and "nan", which no spreadsheet stores.
      if (ec == std::errc() && ptr == value_.data() + value_.size() &&
          std::isfinite(p.cell.number)) {
        p.cell.kind = CellKind::kNumber;
        if (style_ < styles_.size()) {
          p.cell.date_style = styles_[style_].date;
          p.cell.zero_pad = styles_[style_].zero_pad;
        }
      } else {
        // Not a number after all: keep what is written.
        p.cell.kind = CellKind::kText;
        p.owns_text = true;
      }
      break;
    }
    case Type::kBool:
      p.cell.kind = CellKind::kBool;
      p.cell.number = value_ == "1" || value_ == "true" ? 1 : 0;
      break;
    case Type::kError:
      p.cell.kind = CellKind::kError;
      p.owns_text = true;
      break;
    case Type::kDate:
      p.cell.kind = CellKind::kIsoDate;
      p.owns_text = true;
      break;
    case Type::kInline:
    case Type::kFormulaText:
      p.cell.kind = CellKind::kText;
      p.owns_text = true;
      if (value_.find("_x") != std::string::npos) decode_ooxml_escapes(value_);
      break;
  }
  if (p.owns_text) {
    p.offset = row_text_.size();
    p.length = value_.size();
    row_text_.append(value_);
  }
  pending_.push_back(p);
}

void SheetXmlHandler::end_row() {
  cells_.clear();
  for (const Pending& p : pending_) {
    cells_.push_back(p.cell);
    if (p.owns_text) {
      cells_.back().text =
          std::string_view(row_text_).substr(p.offset, p.length);
    }
  }
  Status status = sink_.row(row_, cells_);
  if (!status.ok()) stop(std::move(status));
  pending_.clear();
  row_text_.clear();
}

}  // namespace imagebank::carteira
