#include "carteira/builder.hpp"

#include <algorithm>

#include "carteira/cell_values.hpp"
#include "carteira/values.hpp"
#include "imagebank/core/text.hpp"

namespace imagebank::carteira {
namespace {

std::string value_text(const FieldValue& value) {
  return std::holds_alternative<std::string>(value)
             ? quote_text(std::get<std::string>(value))
             : to_text(value);
}

bool by_column(const Cell& a, const Cell& b) { return a.column < b.column; }

}  // namespace

CarteiraBuilder::CarteiraBuilder(std::string name,
                                 const CarteiraOptions& options)
    : name_(std::move(name)),
      options_(options),
      requested_seen_(options.sheets.size(), false) {}

bool CarteiraBuilder::wants_sheet(std::string_view sheet) {
  all_sheets_.emplace_back(sheet);
  if (options_.sheets.empty()) return true;
  const std::string folded = fold_text(sheet);
  bool wanted = false;
  for (std::size_t i = 0; i < options_.sheets.size(); ++i) {
    if (fold_text(options_.sheets[i]) == folded) {
      requested_seen_[i] = true;
      wanted = true;
    }
  }
  return wanted;
}

void CarteiraBuilder::expect_rows(std::size_t rows) {
  rows = std::min<std::size_t>(rows, options_.limits.max_rows);
  carteira_.rows.reserve(carteira_.rows.size() + rows);
  sku_rows_.reserve(sku_rows_.size() + rows);
}

void CarteiraBuilder::begin_sheet(std::string sheet) {
  carteira_.sheets.push_back(sheet);
  sheet_ = std::move(sheet);
  state_ = State::kSeekingHeader;
  header_row_ = 0;
  data_rows_ = 0;
  columns_.clear();
  extra_names_.clear();
}

void CarteiraBuilder::end_sheet() {
  if (state_ == State::kSeekingHeader) {
    issue(IssueSeverity::kInfo, 0,
          "no product table: no row among the first " +
              std::to_string(kHeaderSearchRows) +
              " has two recognised column headers; sheet skipped");
  } else if (state_ == State::kReading && data_rows_ == 0) {
    issue(IssueSeverity::kInfo, header_row_,
          "the table under the header row has no product rows");
  }
  state_ = State::kSkipping;
}

void CarteiraBuilder::issue(IssueSeverity severity, std::int64_t row,
                            std::string message) {
  carteira_.issues.push_back({sheet_, row, severity, std::move(message)});
}

void CarteiraBuilder::file_issue(IssueSeverity severity, std::string message) {
  carteira_.issues.push_back({"", 0, severity, std::move(message)});
}

Status CarteiraBuilder::row(std::int64_t number, std::span<const Cell> cells) {
  if (++rows_seen_ > options_.limits.max_rows) {
    return limit_exceeded_error(name_ + ": more than " +
                                std::to_string(options_.limits.max_rows) +
                                " rows (the limit; raise max_rows to read it)");
  }
  if (state_ == State::kSkipping || cells.empty()) return ok_status();
  std::vector<Cell> sorted;
  if (!std::is_sorted(cells.begin(), cells.end(), by_column)) {
    sorted.assign(cells.begin(), cells.end());
    std::stable_sort(sorted.begin(), sorted.end(), by_column);
    cells = sorted;
  }
  if (state_ == State::kReading) {
    add_row(number, cells);
  } else if (number > kHeaderSearchRows) {
    issue(IssueSeverity::kInfo, 0,
          "no product table: no row among the first " +
              std::to_string(kHeaderSearchRows) +
              " has two recognised column headers; sheet skipped");
    state_ = State::kSkipping;
  } else {
    try_header(number, cells);
  }
  return ok_status();
}

std::string CarteiraBuilder::extra_name(std::uint32_t column,
                                        std::string header) {
  if (header.empty()) header = "column " + column_letters(column);
  std::string name = header;
  for (int n = 2; std::find(extra_names_.begin(), extra_names_.end(), name) !=
                  extra_names_.end();
       ++n) {
    name = header + " (" + std::to_string(n) + ")";
  }
  extra_names_.push_back(name);
  return name;
}

const CarteiraBuilder::Column& CarteiraBuilder::column(std::uint32_t index) {
  if (index >= columns_.size()) columns_.resize(index + 1);
  Column& c = columns_[index];
  if (!c.field && c.header.empty()) c.header = extra_name(index, "");
  return c;
}

bool CarteiraBuilder::try_header(std::int64_t number,
                                 std::span<const Cell> cells) {
  std::vector<std::string> texts;
  std::vector<std::optional<HeaderMatch>> matches;
  int recognised = 0;
  for (const Cell& cell : cells) {
    texts.push_back(cell_text(cell, date1904_));
    matches.push_back(cell.kind == CellKind::kText ? match_header(texts.back())
                                                   : std::nullopt);
    if (matches.back()) ++recognised;
  }
  if (recognised < 2) return false;

  header_row_ = number;
  columns_.assign(cells.back().column + 1, Column{});
  std::array<std::optional<std::uint32_t>, kFieldCount> taken;
  std::string headers_list;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::uint32_t col = cells[i].column;
    const std::string& text = texts[i];
    if (text.empty()) continue;
    if (!headers_list.empty()) headers_list += ", ";
    headers_list += quote_text(text);
    const std::string where =
        quote_text(text) + " (column " + column_letters(col) + ")";
    if (matches[i]) {
      const HeaderMatch& m = *matches[i];
      auto& owner = taken[static_cast<std::size_t>(m.field)];
      if (!owner) {
        owner = col;
        columns_[col].field = m.field;
        if (m.distance > 0) {
          issue(IssueSeverity::kWarning, number,
                "header " + where + " read as " +
                    std::string(field_name(m.field)) + ": it is close to " +
                    quote_text(m.synonym));
        }
        continue;
      }
      issue(IssueSeverity::kWarning, number,
            "header " + where + " also names " +
                std::string(field_name(m.field)) +
                ", already read from column " + column_letters(*owner) +
                "; kept as an extra attribute");
    }
    columns_[col].header = extra_name(col, text);
  }
  if (!taken[static_cast<std::size_t>(Field::kSku)]) {
    issue(IssueSeverity::kInfo, number,
          "no product table: the header row (" + headers_list +
              ") has no SKU column; sheet skipped");
    state_ = State::kSkipping;
    return true;
  }
  state_ = State::kReading;
  return true;
}

void CarteiraBuilder::add_row(std::int64_t number,
                              std::span<const Cell> cells) {
  std::array<std::optional<FieldValue>, kFieldCount> values;
  CarteiraRow row;
  std::vector<std::string> warnings;
  bool blank = true;
  for (const Cell& cell : cells) {
    const Column& col = column(cell.column);
    if (col.field) {
      std::string warning;
      std::optional<FieldValue> value =
          field_value(*col.field, cell, date1904_, warning);
      if (!warning.empty()) warnings.push_back(std::move(warning));
      if (!value) continue;
      blank = false;
      values[static_cast<std::size_t>(*col.field)] = std::move(value);
    } else {
      std::string text = cell_text(cell, date1904_);
      if (text.empty()) continue;
      blank = false;
      row.extra.emplace_back(col.header, std::move(text));
    }
  }
  if (blank) return;
  if (!values[0]) {
    // The first values in column order say which row it was.
    std::string list;
    int listed = 0;
    for (const Cell& cell : cells) {
      if (listed == 3) break;
      const Column& col = column(cell.column);
      std::string text;
      if (col.field && values[static_cast<std::size_t>(*col.field)]) {
        text = value_text(*values[static_cast<std::size_t>(*col.field)]);
      } else if (!col.field) {
        text = cell_text(cell, date1904_);
        if (text.empty()) continue;
        text = quote_text(text);
      } else {
        continue;
      }
      list += (listed++ == 0 ? "" : ", ") + text;
    }
    issue(IssueSeverity::kError, number,
          "no SKU; row skipped (it holds " + list + ")");
    return;
  }
  ++data_rows_;
  row.sheet = sheet_;
  row.row = number;
  std::size_t present = 0;
  for (const auto& v : values) present += v ? 1 : 0;
  row.fields.reserve(present);
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    if (values[f]) {
      row.fields.emplace_back(static_cast<Field>(f), std::move(*values[f]));
    }
  }
  keep_or_merge(std::move(row), warnings);
}

void CarteiraBuilder::keep_or_merge(CarteiraRow row,
                                    std::vector<std::string>& warnings) {
  const auto [it, inserted] =
      sku_rows_.try_emplace(row.sku(), carteira_.rows.size());
  if (inserted) {
    for (std::string& w : warnings) {
      issue(IssueSeverity::kWarning, row.row, std::move(w));
    }
    carteira_.rows.push_back(std::move(row));
    return;
  }
  const CarteiraRow& first = carteira_.rows[it->second];
  std::string diffs;
  const auto add_diff = [&](std::string_view what, const std::string& a,
                            const std::string& b) {
    if (!diffs.empty()) diffs += "; ";
    diffs += std::string(what) + " " + a + " / " + b;
  };
  for (const auto& [field, value] : row.fields) {
    const FieldValue* before = first.find(field);
    if (before != nullptr && *before != value) {
      add_diff(field_name(field), value_text(*before), value_text(value));
    }
  }
  for (const auto& [header, text] : row.extra) {
    for (const auto& [h, t] : first.extra) {
      if (h == header && t != text)
        add_diff(header, quote_text(t), quote_text(text));
    }
  }
  const std::string where = "row " + std::to_string(first.row) + " of sheet " +
                            quote_text(first.sheet);
  if (diffs.empty()) {
    issue(IssueSeverity::kInfo, row.row,
          "SKU " + quote_text(row.sku()) + " repeats " + where +
              " with the same values; kept once");
  } else {
    issue(IssueSeverity::kWarning, row.row,
          "SKU " + quote_text(row.sku()) + " repeats " + where +
              " with other values (" + diffs + "); the first row is kept");
  }
}

Result<Carteira> CarteiraBuilder::finish() && {
  for (std::size_t i = 0; i < options_.sheets.size(); ++i) {
    if (requested_seen_[i]) continue;
    std::string list;
    for (const std::string& s : all_sheets_) {
      list += (list.empty() ? "" : ", ") + quote_text(s);
    }
    return not_found_error(name_ + ": no sheet named " +
                           quote_text(options_.sheets[i]) +
                           " (its sheets: " + list + ")");
  }
  return std::move(carteira_);
}

}  // namespace imagebank::carteira
