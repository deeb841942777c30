// Plain text tables on the Carteira CSV reader's decoding and parsing.
#include "imagebank/carteira/text_table.hpp"

#include "carteira/csv_reader.hpp"
#include "carteira/headers.hpp"
#include "carteira/text_decode.hpp"

namespace imagebank {
namespace {

class TableSink final : public carteira::RowSink {
 public:
  TableSink(TextTable& table, std::string_view name,
            const TextTableLimits& limits)
      : table_(table), name_(name), limits_(limits) {}
  Status row(std::int64_t number,
             std::span<const carteira::Cell> cells) override {
    if (cells.empty()) return ok_status();
    if (table_.rows.size() >= limits_.max_rows) {
      return limit_exceeded_error(std::string(name_) + ": more than " +
                                  std::to_string(limits_.max_rows) + " rows");
    }
    TextTableRow out;
    out.number = number;
    for (const carteira::Cell& c : cells) {
      if (out.cells.size() <= c.column) out.cells.resize(c.column + 1);
      out.cells[c.column] = std::string(c.text);
    }
    table_.rows.push_back(std::move(out));
    return ok_status();
  }

 private:
  TextTable& table_;
  std::string_view name_;
  const TextTableLimits& limits_;
};

}  // namespace

Result<TextTable> read_text_table(std::span<const std::byte> bytes,
                                  std::string_view name,
                                  const TextTableLimits& limits) {
  if (bytes.size() > limits.max_bytes) {
    return limit_exceeded_error(std::string(name) + ": larger than " +
                                std::to_string(limits.max_bytes) + " bytes");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(carteira::DecodedText decoded,
                             carteira::decode_text(bytes, name));
  TextTable table;
  table.encoding = std::string(carteira::encoding_name(decoded.encoding));
  table.delimiter = carteira::detect_delimiter(decoded.text());
  TableSink sink(table, name, limits);
  const carteira::CsvTarget out{
      sink, name, limits.max_columns, limits.max_cell_bytes,
      [&](std::int64_t record, std::string message) {
        table.problem = std::string(name) + ": record " +
                        std::to_string(record) + ": " + std::move(message);
      }};
  IMAGEBANK_RETURN_IF_ERROR(
      carteira::read_csv_records(decoded.text(), table.delimiter, out));
  return table;
}

std::string fold_header(std::string_view header) {
  return carteira::header_key(header);
}

}  // namespace imagebank
