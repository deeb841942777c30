#include "carteira/cell_values.hpp"

#include <cmath>

#include "carteira/values.hpp"

namespace imagebank::carteira {
namespace {

std::optional<FieldValue> number_field(Field field, const Cell& cell,
                                       bool date1904, std::string& warning) {
  const bool whole = field == Field::kQuantidade;
  double value = 0;
  if (cell.kind == CellKind::kNumber) {
    value = cell.number;
  } else {
    std::string text = cell_text(cell, date1904);
    if (text.empty()) return std::nullopt;
    const std::optional<double> parsed =
        cell.kind == CellKind::kText ? parse_number(text, whole) : std::nullopt;
    if (!parsed) {
      warning = std::string(field_name(field)) + " " + quote_text(text) +
                " is not a number; kept as text";
      return FieldValue(std::move(text));
    }
    value = *parsed;
  }
  if (whole && value == std::floor(value) && std::fabs(value) < 9.0e15) {
    return FieldValue(static_cast<std::int64_t>(value));
  }
  return FieldValue(value);
}

std::optional<FieldValue> date_field(const Cell& cell, bool date1904,
                                     std::string& warning) {
  std::optional<Date> date;
  if (cell.kind == CellKind::kNumber) {
    date = date_from_serial(cell.number, date1904);
  } else if (cell.kind == CellKind::kText || cell.kind == CellKind::kIsoDate) {
    if (trim(cell.text).empty()) return std::nullopt;
    date = parse_date(cell.text);
  }
  if (date) return FieldValue(*date);
  std::string text = cell.kind == CellKind::kNumber
                         ? number_to_text(cell.number)
                         : cell_text(cell, date1904);
  warning = std::string(field_name(Field::kDataEntrega)) + " " +
            quote_text(text) +
            " is not a date (dd/mm/aaaa, aaaa-mm-dd or a spreadsheet date); "
            "kept as text";
  return FieldValue(std::move(text));
}

}  // namespace

std::string cell_text(const Cell& cell, bool date1904) {
  switch (cell.kind) {
    case CellKind::kNumber:
      if (cell.date_style) {
        if (auto date = date_from_serial(cell.number, date1904)) {
          return date->iso();
        }
      }
      return number_to_text(cell.number, cell.zero_pad);
    case CellKind::kBool:
      return cell.number != 0 ? "true" : "false";
    case CellKind::kIsoDate:
      if (auto date = parse_date(cell.text)) {
        // A date-time keeps its time: only the date fields drop it.
        const std::string_view t = trim(cell.text);
        return t.size() > 10 ? std::string(t) : date->iso();
      }
      return std::string(trim(cell.text));
    case CellKind::kText:
    case CellKind::kError:
      break;
  }
  return std::string(trim(cell.text));
}

std::optional<FieldValue> field_value(Field field, const Cell& cell,
                                      bool date1904, std::string& warning) {
  switch (field_kind(field)) {
    case FieldKind::kNumber:
      return number_field(field, cell, date1904, warning);
    case FieldKind::kDate:
      return date_field(cell, date1904, warning);
    case FieldKind::kText:
      break;
  }
  if (cell.kind == CellKind::kBool && field != Field::kSku) {
    return FieldValue(cell.number != 0);
  }
  std::string text = cell_text(cell, date1904);
  if (text.empty()) return std::nullopt;
  return FieldValue(std::move(text));
}

}  // namespace imagebank::carteira
