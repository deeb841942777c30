// Row assembly: the readers (CSV, xlsx, xls) hand rows of cells to a
// CarteiraBuilder, which finds each sheet's header row, maps its columns to
// canonical fields, types the values, drops rows without a SKU, merges
// repeated SKUs, and records an issue for each of those decisions.
//
// Readers call, for each sheet: wants_sheet(name) (every sheet, in workbook
// order, so a missing requested sheet can be named), then for the wanted
// ones begin_sheet, row... (in file order), end_sheet; finish() at the end.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "carteira/cell.hpp"
#include "carteira/headers.hpp"
#include "carteira/row_pipe.hpp"
#include "imagebank/carteira/carteira.hpp"

namespace imagebank::carteira {

// Rows above the header that may still hold it: the header is looked for in
// the first kHeaderSearchRows rows of a sheet.
inline constexpr std::int64_t kHeaderSearchRows = 20;

class CarteiraBuilder final : public RowSink {
 public:
  CarteiraBuilder(std::string name, const CarteiraOptions& options);

  // The file's name, for messages.
  const std::string& name() const noexcept { return name_; }
  const CarteiraLimits& limits() const noexcept { return options_.limits; }

  // Serial dates count from 1904-01-01 (a workbook setting).
  void set_date1904(bool date1904) noexcept { date1904_ = date1904; }

  // Whether options.sheets selects the sheet.
  bool wants_sheet(std::string_view sheet);

  // A hint that about `rows` more rows may come (from a sheet's size), so
  // the rows and the SKU index grow once instead of doubling their way up.
  void expect_rows(std::size_t rows);

  void begin_sheet(std::string sheet);
  // One row: its 1-based number and its non-empty cells (any order).
  // limit_exceeded past limits().max_rows.
  Status row(std::int64_t number, std::span<const Cell> cells) override;
  void end_sheet();

  // An issue about the current sheet (row 0: the sheet as a whole).
  void issue(IssueSeverity severity, std::int64_t row, std::string message);
  // An issue about the whole file.
  void file_issue(IssueSeverity severity, std::string message);

  // The Carteira; not_found when a sheet of options.sheets was not seen.
  Result<Carteira> finish() &&;

 private:
  enum class State { kSeekingHeader, kReading, kSkipping };
  struct Column {
    std::optional<Field> field;  // else an extra column
    std::string header;          // extra: the unique name it is kept under
  };

  bool try_header(std::int64_t number, std::span<const Cell> cells);
  void add_row(std::int64_t number, std::span<const Cell> cells);
  void keep_or_merge(CarteiraRow row, std::vector<std::string>& warnings);
  std::string extra_name(std::uint32_t column, std::string header);
  const Column& column(std::uint32_t index);

  std::string name_;
  CarteiraOptions options_;
  bool date1904_ = false;
  Carteira carteira_;
  std::vector<std::string> all_sheets_;
  std::vector<bool> requested_seen_;
  std::uint64_t rows_seen_ = 0;

  // The current sheet.
  std::string sheet_;
  State state_ = State::kSeekingHeader;
  std::int64_t header_row_ = 0;
  std::size_t data_rows_ = 0;
  std::vector<Column> columns_;
  std::vector<std::string> extra_names_;

  // SKU -> index in carteira_.rows, across sheets.
  std::unordered_map<std::string, std::size_t> sku_rows_;
};

}  // namespace imagebank::carteira
