// One worksheet's XML, streamed: each <row> becomes cells handed to the
// builder as soon as it closes, so memory holds one row, never the sheet.
#pragma once

#include <string>
#include <vector>

#include "carteira/row_pipe.hpp"
#include "carteira/xlsx_parts.hpp"

namespace imagebank::carteira {

class SheetXmlHandler : public XmlHandler {
 public:
  // `what` names the sheet in messages ("book.xlsx: sheet 'Feminino'").
  // Rows go to `sink` as they close.
  SheetXmlHandler(RowSink& sink, const CarteiraLimits& limits,
                  const SharedStrings& strings,
                  const std::vector<CellStyle>& styles, std::string what);

  void start(std::string_view name, XmlAttributes attributes) override;
  void end(std::string_view name) override;
  void text(std::string_view text) override;

 private:
  enum class Type : std::uint8_t {
    kNumber,
    kShared,
    kInline,
    kFormulaText,
    kBool,
    kError,
    kDate
  };
  // A cell of the open row; its text, when it owns one, is in row_text_.
  struct Pending {
    Cell cell;
    std::size_t offset = 0;
    std::size_t length = 0;
    bool owns_text = false;
  };

  void start_row(XmlAttributes attributes);
  void start_cell(XmlAttributes attributes);
  void end_cell();
  void end_row();
  std::string where() const;

  RowSink& sink_;
  const CarteiraLimits& limits_;
  const SharedStrings& strings_;
  const std::vector<CellStyle>& styles_;
  std::string what_;

  std::int64_t row_ = 0;
  std::uint32_t next_column_ = 0;
  bool in_cell_ = false;
  bool capture_ = false;
  bool in_inline_ = false;
  bool in_phonetic_ = false;
  Type type_ = Type::kNumber;
  std::uint32_t column_ = 0;
  std::uint32_t style_ = 0;
  std::string value_;

  std::vector<Pending> pending_;
  std::string row_text_;
  std::vector<Cell> cells_;
};

}  // namespace imagebank::carteira
