// CSV: encodings, delimiters, RFC 4180 quoting, and hostile text.
#include <gtest/gtest.h>

#include "carteira/text_decode.hpp"
#include "carteira_test_util.hpp"

namespace imagebank {
namespace {

using testing::as_bytes;
using testing::extra_of;
using testing::issues_with;
using testing::read_fixture;
using testing::read_text;
using testing::row_with_sku;
using testing::text_of;

TEST(CarteiraCsv, SemicolonWindows1252Fixture) {
  const Carteira c = read_fixture("carteira_cp1252.csv");
  ASSERT_EQ(c.sheets, std::vector<std::string>{"carteira_cp1252"});
  ASSERT_EQ(c.rows.size(), 2u) << testing::dump_issues(c);
  const CarteiraRow& r = c.rows[0];
  EXPECT_EQ(r.sheet, "carteira_cp1252");
  EXPECT_EQ(r.row, 4);          // title, blank and header rows above it
  EXPECT_EQ(r.sku(), "00123");  // leading zeros kept
  EXPECT_EQ(text_of(r, Field::kNomePeca), "Camiseta Básica");
  EXPECT_EQ(text_of(r, Field::kColecao), "Verão 2026");
  EXPECT_EQ(std::get<std::int64_t>(*r.find(Field::kQuantidade)), 1200);
  EXPECT_EQ(std::get<double>(*r.find(Field::kPrecoCusto)), 1234.56);
  EXPECT_EQ(std::get<double>(*r.find(Field::kPrecoVenda)), 59.9);
  EXPECT_EQ(std::get<Date>(*r.find(Field::kDataEntrega)), (Date{2026, 3, 15}));
  // A quote inside an unquoted field is a character (as Excel reads it).
  EXPECT_EQ(text_of(c.rows[1], Field::kNomePeca), "Calça Jeans \"Slim\"");
  EXPECT_EQ(std::get<double>(*c.rows[1].find(Field::kPrecoCusto)), 45.5);

  EXPECT_EQ(issues_with(c, IssueSeverity::kInfo, "Windows-1252").size(), 1u);
  const auto missing = issues_with(c, IssueSeverity::kError, "no SKU");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].row, 6);
  EXPECT_NE(missing[0].message.find("Sem referência"), std::string::npos);
  const auto repeated = issues_with(c, IssueSeverity::kInfo, "same values");
  ASSERT_EQ(repeated.size(), 1u);
  EXPECT_EQ(repeated[0].row, 7);
  EXPECT_EQ(c.issues.size(), 3u) << testing::dump_issues(c);
}

TEST(CarteiraCsv, Utf8BomCommaWithQuotedNewlines) {
  const Carteira c = read_fixture("carteira_utf8_bom.csv");
  ASSERT_EQ(c.rows.size(), 3u) << testing::dump_issues(c);
  EXPECT_TRUE(c.issues.empty()) << testing::dump_issues(c);
  const CarteiraRow& a1 = c.rows[0];
  EXPECT_EQ(a1.sku(), "A-1");  // the BOM is not part of the first header
  EXPECT_EQ(text_of(a1, Field::kNomePeca), "Vestido \"Longo\", Floral");
  EXPECT_EQ(extra_of(a1, "Observação"), "Linha um\nLinha dois");
  EXPECT_EQ(std::get<double>(*a1.find(Field::kPrecoVenda)), 199.9);
  EXPECT_EQ(std::get<double>(*c.rows[1].find(Field::kPrecoVenda)), 1234.5);
  EXPECT_EQ(extra_of(c.rows[1], "Observação"), "<absent>");  // empty cell
  // CRLF inside quotes is kept; the record after it still numbers 4.
  EXPECT_EQ(text_of(c.rows[2], Field::kNomePeca), "Saia\r\nMidi");
  EXPECT_EQ(c.rows[2].row, 4);
  EXPECT_EQ(extra_of(c.rows[2], "Observação"), "sem \"aspas\" no fim");
}

TEST(CarteiraCsv, TabAndUtf16) {
  for (const char* name : {"carteira_tab.tsv", "carteira_utf16.txt"}) {
    const Carteira c = read_fixture(name);
    ASSERT_EQ(c.rows.size(), 2u) << name << testing::dump_issues(c);
    EXPECT_EQ(c.rows[0].sku(), "T-1");
    EXPECT_EQ(text_of(c.rows[0], Field::kMarca), "Aurora");
    EXPECT_EQ(text_of(c.rows[0], Field::kColecao), "Verão");
    EXPECT_EQ(std::get<double>(*c.rows[0].find(Field::kPrecoCusto)), 12.5);
    EXPECT_EQ(std::get<std::int64_t>(*c.rows[1].find(Field::kQuantidade)), 20);
  }
  EXPECT_EQ(issues_with(read_fixture("carteira_utf16.txt"),
                        IssueSeverity::kInfo, "UTF-16LE")
                .size(),
            1u);
}

TEST(CarteiraCsv, DelimiterDetection) {
  using carteira::detect_delimiter;
  EXPECT_EQ(detect_delimiter("a;b;c\n1;2,5;3\n4;5,5;6\n"), ';');
  EXPECT_EQ(detect_delimiter("a,b,c\n1,2,3\n"), ',');
  EXPECT_EQ(detect_delimiter("a\tb\tc\n1\t2,5\t3\n"), '\t');
  EXPECT_EQ(detect_delimiter("a|b|c\n1|2|3\n"), '|');
  // pt-BR decimals put commas on every data line; the ';' count holds on
  // the header too.
  EXPECT_EQ(detect_delimiter("SKU;Preço;Custo\nA;1,5;2,5\nB;3,5;4,5\n"), ';');
  // A title line without delimiters does not count.
  EXPECT_EQ(detect_delimiter("Carteira de Compras\nSKU;Nome\nA;x, y\nB;z\n"),
            ';');
  // Delimiters inside quotes do not count.
  EXPECT_EQ(detect_delimiter("SKU,Nome\nA,\"x; y; z\"\nB,\"u; v\"\n"), ',');
  EXPECT_EQ(detect_delimiter("one column\nonly\n"), ',');
  EXPECT_EQ(detect_delimiter(""), ',');
}

TEST(CarteiraCsv, EncodingDetection) {
  using carteira::decode_text;
  using carteira::TextEncoding;
  std::string cp1252 = "Pre\xE7o;Cole\xE7\xE3o\n";
  auto d = decode_text(as_bytes(cp1252), "x");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->encoding, TextEncoding::kWindows1252);
  EXPECT_EQ(d->text(), "Preço;Coleção\n");
  d = decode_text(as_bytes("\xEF\xBB\xBFPreço"), "x");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(d->text(), "Preço");
  d = decode_text(as_bytes(std::string("\xFE\xFF\x00\x41\xD8\x3D\xDE\x00", 8)),
                  "x");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->encoding, TextEncoding::kUtf16Be);
  EXPECT_EQ(d->text(), "A\xF0\x9F\x98\x80");  // a surrogate pair
  // An unpaired surrogate and an odd last byte become U+FFFD.
  d = decode_text(as_bytes(std::string("\xFF\xFE\x00\xD8\x41", 5)), "x");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->text(), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(CarteiraCsv, LineEndsAndBlankLines) {
  const Carteira c =
      read_text("SKU;Nome\r\nA;um\r\rB;dois\n\nC;tres");  // CR-only too
  ASSERT_EQ(c.rows.size(), 3u) << testing::dump_issues(c);
  EXPECT_EQ(c.rows[0].row, 2);
  EXPECT_EQ(c.rows[1].row, 4);  // the blank record 3 is skipped silently
  EXPECT_EQ(c.rows[2].row, 6);
  EXPECT_EQ(text_of(c.rows[2], Field::kNomePeca), "tres");  // no final EOL
  EXPECT_TRUE(c.issues.empty()) << testing::dump_issues(c);
}

TEST(CarteiraCsv, UnclosedQuoteKeepsTheRowsBefore) {
  const Carteira c = read_fixture("unclosed_quote.csv");
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].sku(), "A-1");
  const auto e = issues_with(c, IssueSeverity::kError, "never closed");
  ASSERT_EQ(e.size(), 1u) << testing::dump_issues(c);
  EXPECT_EQ(e[0].row, 3);
  EXPECT_EQ(e[0].sheet, "unclosed_quote");
  EXPECT_NE(e[0].message.find("line 3"), std::string::npos);
}

TEST(CarteiraCsv, HugeCellIsALimit) {
  std::string text = "SKU,Nome\nA,\"";
  text.append(200 * 1024, 'x');  // a quote that swallows the rest
  Result<Carteira> r = read_carteira(as_bytes(text), "big.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(r.status().message().starts_with("big.csv: line 2: "))
      << r.status();
  EXPECT_NE(r.status().message().find("131072"), std::string::npos);

  CarteiraOptions small;
  small.limits.max_cell_bytes = 4;
  r = read_carteira(as_bytes("SKU,Nome\nA,abcde\n"), "s.csv", small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(
      read_carteira(as_bytes("SKU,Nome\nA,abcd\n"), "s.csv", small).ok());
}

TEST(CarteiraCsv, ColumnAndRowLimits) {
  CarteiraOptions o;
  o.limits.max_columns = 3;
  Result<Carteira> r =
      read_carteira(as_bytes("SKU,Nome,Cor,Tam\n"), "c.csv", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(r.status().message().starts_with("c.csv: line 1: more than 3"))
      << r.status();
  o.limits.max_columns = 16384;
  o.limits.max_rows = 2;
  r = read_carteira(as_bytes("SKU,Nome\nA,1\nB,2\n"), "c.csv", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(r.status().message().starts_with("c.csv: more than 2 rows"));
  EXPECT_TRUE(read_carteira(as_bytes("SKU,Nome\nA,1\n"), "c.csv", o).ok());
}

TEST(CarteiraCsv, BinaryAndEmptyInput) {
  Result<Carteira> r = read_carteira(
      as_bytes(std::string("\x89PNG\r\n\x1a\n\0\0\0", 11)), "x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupportedFormat);
  EXPECT_TRUE(r.status().message().starts_with("x.csv: not a spreadsheet"));
  r = read_carteira(std::span<const std::byte>(), "vazio.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData);
  EXPECT_EQ(r.status().message(), "vazio.csv: empty file");
}

TEST(CarteiraCsv, TextNamedXlsxIsReadWithAWarning) {
  const Carteira c = read_text("SKU;Nome\nA;x\n", "planilha.xlsx");
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.sheets, std::vector<std::string>{"planilha"});
  EXPECT_EQ(issues_with(c, IssueSeverity::kWarning, "content is text").size(),
            1u);
}

TEST(CarteiraCsv, SheetFilterDoesNotApply) {
  CarteiraOptions o;
  o.sheets = {"Outra"};
  EXPECT_EQ(read_text("SKU;Nome\nA;x\n", "t.csv", o).rows.size(), 1u);
}

}  // namespace
}  // namespace imagebank
