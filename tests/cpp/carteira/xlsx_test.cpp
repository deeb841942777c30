// .xlsx specifics: parts other generators write, dates and styles, limits,
// and hostile files (zip bomb, entity expansion, truncation, bad XML).
#include <gtest/gtest.h>

#include "carteira/xlsx_parts.hpp"
#include "carteira_test_util.hpp"

namespace imagebank {
namespace {

using testing::carteira_data;
using testing::extra_of;
using testing::issues_with;
using testing::read_fixture;
using testing::text_of;

// Read from memory under the bare name, so messages start with it.
Status read_error(std::string_view name, const CarteiraOptions& o = {}) {
  const testing::Bytes bytes = testing::read_file(carteira_data(name));
  Result<Carteira> r = read_carteira(bytes, name, o);
  return r.ok() ? Status() : r.status();
}

TEST(CarteiraXlsx, HandMadePartsOfOtherGenerators) {
  const Carteira c = read_fixture("handmade.xlsx");
  EXPECT_EQ(c.sheets, std::vector<std::string>{"Produtos"});
  ASSERT_EQ(c.rows.size(), 3u) << testing::dump_issues(c);
  EXPECT_TRUE(c.issues.empty()) << testing::dump_issues(c);

  const CarteiraRow& a = c.rows[0];
  EXPECT_EQ(a.row, 2);
  EXPECT_EQ(a.sku(), "000042");                     // "000000" format
  EXPECT_EQ(text_of(a, Field::kNomePeca), "Saia");  // no phonetic run
  EXPECT_EQ(extra_of(a, "Observação"), "Linha\r\ndois A_x0041_B");  // _xHHHH_
  EXPECT_EQ(std::get<Date>(*a.find(Field::kDataEntrega)), (Date{2026, 3, 15}));
  EXPECT_EQ(extra_of(a, "Ativo"), "true");
  EXPECT_EQ(extra_of(a, "Erro"), "#N/A");
  EXPECT_EQ(extra_of(a, "Dia"), "7");       // '"Dia" 0': d only in quotes
  EXPECT_EQ(extra_of(a, "Valor"), "-3.5");  // [Red]: a colour, not a date

  // A row and cells without references follow their predecessors.
  const CarteiraRow& b = c.rows[1];
  EXPECT_EQ(b.row, 3);
  EXPECT_EQ(b.sku(), "F-7");                           // formula string
  EXPECT_EQ(text_of(b, Field::kNomePeca), "Vestido");  // rich text runs
  EXPECT_EQ(std::get<Date>(*b.find(Field::kDataEntrega)), (Date{2026, 3, 15}));

  // A SKU cell formatted as a date reads as the date it shows.
  EXPECT_EQ(c.rows[2].row, 5);
  EXPECT_EQ(c.rows[2].sku(), "2026-03-15");
}

TEST(CarteiraXlsx, Date1904AndDateFormats) {
  const Carteira c = read_fixture("date1904.xlsx");
  ASSERT_EQ(c.rows.size(), 1u) << testing::dump_issues(c);
  const CarteiraRow& r = c.rows[0];
  EXPECT_EQ(std::get<Date>(*r.find(Field::kDataEntrega)), (Date{2026, 3, 15}));
  EXPECT_EQ(extra_of(r, "Lançamento"), "2026-02-01");
  EXPECT_EQ(extra_of(r, "Revisão"), "2025-12-31");
  EXPECT_EQ(std::get<double>(*r.find(Field::kPrecoCusto)), 10.5);
}

TEST(CarteiraXlsx, DateFormatCodes) {
  using carteira::is_date_format;
  for (int id : {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}) {
    EXPECT_TRUE(is_date_format(id, "")) << id;
  }
  for (int id : {0, 1, 2, 10, 11, 12, 13, 23, 44, 48, 49}) {
    EXPECT_FALSE(is_date_format(id, "")) << id;
  }
  EXPECT_TRUE(is_date_format(164, "dd/mm/yyyy"));
  EXPECT_TRUE(is_date_format(164, "[$-416]d\" de \"mmmm\" de \"yyyy"));
  EXPECT_TRUE(is_date_format(164, "[h]:mm"));
  EXPECT_TRUE(is_date_format(164, "[ss]"));
  EXPECT_TRUE(is_date_format(164, "YYYY-MM-DD"));
  EXPECT_FALSE(is_date_format(164, "\"R$\" #,##0.00"));
  EXPECT_FALSE(is_date_format(164, "[Red]0.00"));
  EXPECT_FALSE(is_date_format(164, "0.00\\d"));  // an escaped d
  EXPECT_FALSE(is_date_format(164, "#,##0_);(#,##0)"));
  EXPECT_FALSE(is_date_format(164, "General"));
  EXPECT_FALSE(is_date_format(164, "@"));
  EXPECT_FALSE(is_date_format(164, "0.00E+00"));
  EXPECT_FALSE(is_date_format(164, "\"unclosed"));
  EXPECT_EQ(carteira::zero_pad_of("000000"), 6);
  EXPECT_EQ(carteira::zero_pad_of("0"), 0);
  EXPECT_EQ(carteira::zero_pad_of("0.00"), 0);
  EXPECT_EQ(carteira::zero_pad_of("#000"), 0);
}

TEST(CarteiraXlsx, PartPathsAndEscapes) {
  using carteira::resolve_part;
  EXPECT_EQ(resolve_part("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml");
  EXPECT_EQ(resolve_part("xl/workbook.xml", "/xl/worksheets/s.xml"),
            "xl/worksheets/s.xml");
  EXPECT_EQ(resolve_part("xl/worksheets/sheet1.xml", "../sharedStrings.xml"),
            "xl/sharedStrings.xml");
  EXPECT_EQ(resolve_part("", "xl/./workbook.xml"), "xl/workbook.xml");
  EXPECT_EQ(resolve_part("xl/a.xml", "../../../../etc/passwd"), "etc/passwd");

  std::string s = "a_x000D_b_x005F_x0041_c_xD83D__xDE00__xZZZZ_";
  carteira::decode_ooxml_escapes(s);
  EXPECT_EQ(s, "a\rb_x0041_c\xF0\x9F\x98\x80_xZZZZ_");
  s = "keep_xD800_";  // a lone surrogate
  carteira::decode_ooxml_escapes(s, 4);
  EXPECT_EQ(s, "keep\xEF\xBF\xBD");
}

TEST(CarteiraXlsx, ZipBombStopsEarly) {
  const Status s = read_error("zip_bomb.xlsx");
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s;
  EXPECT_TRUE(s.message().starts_with("zip_bomb.xlsx: ")) << s;
  EXPECT_NE(s.message().find("inflates more than 200 times"), std::string::npos)
      << s;
  // A declared size past the total limit is refused before inflating.
  CarteiraOptions o;
  o.limits.max_compression_ratio = 100000;
  o.limits.max_uncompressed_bytes = 8u << 20;
  const Status t = read_error("zip_bomb.xlsx", o);
  EXPECT_EQ(t.code(), ErrorCode::kLimitExceeded) << t;
  EXPECT_NE(t.message().find("declares 40000133 bytes once inflated"),
            std::string::npos)
      << t;
}

TEST(CarteiraXlsx, ZipBombWithLyingHeadersStopsWhileInflating) {
  // The headers claim 1000 bytes; the limits hold on what inflates.
  const Status s = read_error("lying_zip_bomb.xlsx");
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s;
  EXPECT_NE(s.message().find("inflates more than 200 times"), std::string::npos)
      << s;
  CarteiraOptions o;
  o.limits.max_compression_ratio = 100000;
  o.limits.max_uncompressed_bytes = 8u << 20;
  const Status t = read_error("lying_zip_bomb.xlsx", o);
  EXPECT_EQ(t.code(), ErrorCode::kLimitExceeded) << t;
  EXPECT_NE(t.message().find("the workbook inflates past 8388608 bytes"),
            std::string::npos)
      << t;
}

TEST(CarteiraXlsx, EntityExpansionIsRefused) {
  for (const char* name : {"billion_laughs.xlsx", "external_entity.xlsx"}) {
    const Status s = read_error(name);
    EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s;
    EXPECT_TRUE(s.message().starts_with(std::string(name) + ": xl/")) << s;
    EXPECT_NE(s.message().find("DOCTYPE"), std::string::npos) << s;
  }
}

TEST(CarteiraXlsx, TruncatedAndNotAWorkbook) {
  Status s = read_error("truncated.xlsx");
  EXPECT_EQ(s.code(), ErrorCode::kCorruptData) << s;
  EXPECT_TRUE(s.message().starts_with("truncated.xlsx: not a readable .xlsx"))
      << s;
  // An .ods is read (office_files_test.cpp); this one has no table.
  const Carteira ods = read_fixture("planilha.ods");
  EXPECT_TRUE(ods.sheets.empty());
  EXPECT_EQ(issues_with(ods, IssueSeverity::kWarning, "no sheets").size(), 1u)
      << testing::dump_issues(ods);
  // Every cut of a real workbook is an error or a partial read, never a crash.
  const testing::Bytes whole =
      testing::read_file(carteira_data("carteira.xlsx"));
  for (std::size_t n = 0; n < whole.size(); n += 97) {
    Result<Carteira> r =
        read_carteira(std::span<const std::byte>(whole.data(), n), "cut.xlsx");
    if (!r.ok()) {
      EXPECT_TRUE(r.status().message().starts_with("cut.xlsx")) << r.status();
    }
  }
}

TEST(CarteiraXlsx, MalformedSheet) {
  // Damage costs the damaged sheet only.
  const Carteira c = read_fixture("malformed.xlsx");
  ASSERT_EQ(c.rows.size(), 2u) << testing::dump_issues(c);
  EXPECT_EQ(c.rows[0].sku(), "G-1");
  EXPECT_EQ(c.rows[1].sku(), "Q-1");  // read before the bad tag
  const auto e = issues_with(c, IssueSeverity::kError, "malformed XML");
  ASSERT_EQ(e.size(), 1u) << testing::dump_issues(c);
  EXPECT_EQ(e[0].sheet, "Quebrada");
  EXPECT_EQ(e[0].message.find("malformed.xlsx"), std::string::npos);
  EXPECT_NE(e[0].message.find("mismatched tag"), std::string::npos);
  // With nothing readable, the file fails.
  const Status s = read_error("malformed_only.xlsx");
  EXPECT_EQ(s.code(), ErrorCode::kCorruptData) << s;
  EXPECT_TRUE(s.message().starts_with(
      "malformed_only.xlsx: xl/worksheets/sheet1.xml: malformed XML at line 1"))
      << s;
}

TEST(CarteiraXlsx, Limits) {
  CarteiraOptions o;
  o.limits.max_sheets = 3;
  Status s = read_error("carteira.xlsx", o);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(s.message(), "carteira.xlsx: 4 sheets, more than the limit of 3");

  o = {};
  o.limits.max_columns = 12;  // Feminino has a 13th column (M)
  s = read_error("carteira.xlsx", o);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(
      s.message().starts_with("carteira.xlsx: sheet 'Feminino', cell M4"))
      << s;

  o = {};
  o.limits.max_columns = 1000;  // a row repeating "A2" 5000 times
  s = read_error("repeated_cells.xlsx", o);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s;
  EXPECT_TRUE(
      s.message().starts_with("repeated_cells.xlsx: sheet 'Repetida', "
                              "cell A2: past the limit of 1000"))
      << s;
  EXPECT_EQ(read_fixture("repeated_cells.xlsx").rows.size(), 1u);

  o = {};
  o.limits.max_cell_bytes = 20;  // the title is longer
  s = read_error("carteira.xlsx", o);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(s.message().find("xl/sharedStrings.xml: shared string 0 is longer"),
            std::string::npos)
      << s;
  o.limits.max_cell_bytes = 5;
  s = read_error("date1904.xlsx", o);  // inline strings
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(
      s.message().starts_with("date1904.xlsx: sheet 'Datas', cell B1: "
                              "the cell is longer than 5 bytes"))
      << s;

  o = {};
  o.limits.max_uncompressed_bytes = 4000;
  s = read_error("carteira.xlsx", o);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(s.message().starts_with("carteira.xlsx: ")) << s;

  o = {};
  o.limits.max_rows = 10;
  s = read_error("carteira.xlsx", o);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(s.message(),
            "carteira.xlsx: more than 10 rows (the limit; raise max_rows to "
            "read it)");
}

}  // namespace
}  // namespace imagebank
