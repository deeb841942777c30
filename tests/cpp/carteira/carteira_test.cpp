// Row assembly (header detection, synonyms, values, issues) through CSV
// text, and the generated workbook with two product sheets and a summary.
#include <gtest/gtest.h>

#include "carteira_test_util.hpp"

namespace imagebank {
namespace {

using testing::extra_of;
using testing::issues_with;
using testing::read_fixture;
using testing::read_text;
using testing::row_with_sku;
using testing::text_of;

TEST(CarteiraHeaderRow, TitleAndBlankRowsAboveAreSkipped) {
  const Carteira c = read_text(
      "Carteira de Compras;;\n"
      ";;\n"
      "Fornecedor: Aurora;;\n"
      "Ref;Produto;Cor\n"
      "A;Vestido;Azul\n");
  ASSERT_EQ(c.rows.size(), 1u) << testing::dump_issues(c);
  EXPECT_EQ(c.rows[0].row, 5);
  EXPECT_EQ(text_of(c.rows[0], Field::kNomePeca), "Vestido");
  EXPECT_TRUE(c.issues.empty()) << testing::dump_issues(c);
}

TEST(CarteiraHeaderRow, OneRecognisedColumnIsNotAHeader) {
  // Row 1 names only a SKU column: a title such as "SKU list" would.
  const Carteira c = read_text("SKU;observações\nSKU;Nome\nA;x\n");
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].row, 3);
}

TEST(CarteiraHeaderRow, OnlyTheFirstTwentyRowsAreSearched) {
  std::string at20, at21;
  for (int i = 1; i < 20; ++i) at20 += "titulo " + std::to_string(i) + ";\n";
  at21 = at20 + "mais um;\n";
  at20 += "SKU;Nome\nA;x\n";
  at21 += "SKU;Nome\nA;x\n";
  EXPECT_EQ(read_text(at20).rows.size(), 1u);
  const Carteira c = read_text(at21);
  EXPECT_TRUE(c.rows.empty());
  const auto info = issues_with(c, IssueSeverity::kInfo, "no product table");
  ASSERT_EQ(info.size(), 1u) << testing::dump_issues(c);
  EXPECT_NE(info[0].message.find("first 20"), std::string::npos);
  EXPECT_EQ(c.issues.size(), 1u);
}

TEST(CarteiraHeaderRow, TableWithoutSkuColumnIsSkippedWithInfo) {
  const Carteira c = read_text("Categoria;Quantidade\nVestidos;10\n");
  EXPECT_TRUE(c.rows.empty());
  const auto info = issues_with(c, IssueSeverity::kInfo, "no SKU column");
  ASSERT_EQ(info.size(), 1u) << testing::dump_issues(c);
  EXPECT_EQ(info[0].row, 1);
  EXPECT_NE(info[0].message.find("'Categoria', 'Quantidade'"),
            std::string::npos);
}

TEST(CarteiraHeaderRow, NearMissIsAcceptedWithAWarning) {
  const Carteira c = read_text("SKU;Quantidadee;Fornecdor\nA;3;Aurora\n");
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(*c.rows[0].find(Field::kQuantidade)), 3);
  EXPECT_EQ(text_of(c.rows[0], Field::kFornecedor), "Aurora");
  const auto w = issues_with(c, IssueSeverity::kWarning, "is close to");
  ASSERT_EQ(w.size(), 2u) << testing::dump_issues(c);
  EXPECT_EQ(w[0].row, 1);
  EXPECT_NE(w[0].message.find("'Quantidadee' (column B) read as quantidade"),
            std::string::npos)
      << w[0].message;
}

TEST(CarteiraHeaderRow, SecondColumnForAFieldBecomesExtra) {
  const Carteira c = read_text("SKU;Código;Preço;PV\nA;C-1;10;12\n");
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].sku(), "A");
  EXPECT_EQ(extra_of(c.rows[0], "Código"), "C-1");
  EXPECT_EQ(std::get<double>(*c.rows[0].find(Field::kPrecoVenda)), 10.0);
  EXPECT_EQ(extra_of(c.rows[0], "PV"), "12");
  EXPECT_EQ(issues_with(c, IssueSeverity::kWarning, "also names").size(), 2u);
}

TEST(CarteiraRows, ExtrasKeepHeadersInColumnOrder) {
  const Carteira c = read_text(
      "SKU;Obs;Nome;;Obs;Obs\n"
      "A;um;Vestido;solto;dois;tres;alem\n");
  ASSERT_EQ(c.rows.size(), 1u);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"Obs", "um"},
      {"column D", "solto"},
      {"Obs (2)", "dois"},
      {"Obs (3)", "tres"},
      {"column G", "alem"}};
  EXPECT_EQ(c.rows[0].extra, want);
  ASSERT_EQ(c.rows[0].fields.size(), 2u);
  EXPECT_EQ(c.rows[0].fields[0].first, Field::kSku);
  EXPECT_EQ(c.rows[0].fields[1].first, Field::kNomePeca);
}

TEST(CarteiraRows, FieldsComeInCanonicalOrder) {
  const Carteira c =
      read_text("Data Entrega;Preço;Cor;Nome;SKU\n15/03/2026;10;Azul;Saia;A\n");
  ASSERT_EQ(c.rows.size(), 1u);
  std::vector<Field> order;
  for (const auto& [f, v] : c.rows[0].fields) order.push_back(f);
  EXPECT_EQ(order,
            (std::vector<Field>{Field::kSku, Field::kNomePeca, Field::kCor,
                                Field::kPrecoVenda, Field::kDataEntrega}));
}

TEST(CarteiraRows, ValuesAreTrimmedAndSkuKeptExactly) {
  const Carteira c = read_text(
      "SKU;Nome;Qtde\n"
      "  001234 ;\xC2\xA0Vestido\xC2\xA0;  7 \n"
      "1.0;x;1\n");
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0].sku(), "001234");
  EXPECT_EQ(text_of(c.rows[0], Field::kNomePeca), "Vestido");
  EXPECT_EQ(std::get<std::int64_t>(*c.rows[0].find(Field::kQuantidade)), 7);
  EXPECT_EQ(c.rows[1].sku(), "1.0");  // text is never reformatted
}

TEST(CarteiraRows, UnreadableNumbersAndDatesStayTextWithWarnings) {
  const Carteira c = read_text(
      "SKU;Qtde;Custo;Data Entrega\n"
      "A;a combinar;R$ ?;31/02/2026\n"
      "B;2,5;1.234,5;2026-03-15\n");
  ASSERT_EQ(c.rows.size(), 2u);
  const CarteiraRow& a = c.rows[0];
  EXPECT_EQ(std::get<std::string>(*a.find(Field::kQuantidade)), "a combinar");
  EXPECT_EQ(std::get<std::string>(*a.find(Field::kPrecoCusto)), "R$ ?");
  EXPECT_EQ(std::get<std::string>(*a.find(Field::kDataEntrega)), "31/02/2026");
  EXPECT_EQ(issues_with(c, IssueSeverity::kWarning, "is not a number").size(),
            2u);
  const auto d = issues_with(c, IssueSeverity::kWarning, "is not a date");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].row, 2);
  // A quantity that is not whole stays a number.
  EXPECT_EQ(std::get<double>(*c.rows[1].find(Field::kQuantidade)), 2.5);
  EXPECT_EQ(std::get<double>(*c.rows[1].find(Field::kPrecoCusto)), 1234.5);
  EXPECT_EQ(std::get<Date>(*c.rows[1].find(Field::kDataEntrega)),
            (Date{2026, 3, 15}));
}

TEST(CarteiraRows, MissingSkuSkipsTheRowWithAnError) {
  const Carteira c = read_text(
      "SKU;Nome;Qtde\n"
      "A;um;1\n"
      " ;sem codigo;2\n"
      ";;\n"
      "B;dois;3\n");
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.skus(), (std::vector<std::string>{"A", "B"}));
  const auto e = issues_with(c, IssueSeverity::kError, "no SKU; row skipped");
  ASSERT_EQ(e.size(), 1u) << testing::dump_issues(c);  // the blank row is not
  EXPECT_EQ(e[0].row, 3);
  EXPECT_NE(e[0].message.find("'sem codigo', 2"), std::string::npos)
      << e[0].message;
}

TEST(CarteiraRows, RepeatedSkuWithOtherValuesKeepsTheFirstAndListsBoth) {
  const Carteira c = read_text(
      "SKU;Nome;Cor;Obs\n"
      "A;Saia;Azul;x\n"
      "B;Blusa;Preto;\n"
      "A;Saia;Verde;y\n"
      "A;Saia;;\n");
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(text_of(*row_with_sku(c, "A"), Field::kCor), "Azul");
  const auto w = issues_with(c, IssueSeverity::kWarning, "repeats row 2");
  ASSERT_EQ(w.size(), 1u) << testing::dump_issues(c);
  EXPECT_EQ(w[0].row, 4);
  EXPECT_NE(w[0].message.find("cor 'Azul' / 'Verde'"), std::string::npos)
      << w[0].message;
  EXPECT_NE(w[0].message.find("Obs 'x' / 'y'"), std::string::npos)
      << w[0].message;
  EXPECT_NE(w[0].message.find("the first row is kept"), std::string::npos);
  // Row 5 leaves values empty: nothing contradicts row 2.
  const auto i = issues_with(c, IssueSeverity::kInfo, "same values");
  ASSERT_EQ(i.size(), 1u);
  EXPECT_EQ(i[0].row, 5);
}

TEST(CarteiraRows, SkusAreUniqueInRowOrder) {
  Carteira c;
  CarteiraRow r;
  for (const char* sku : {"B", "A", "B"}) {
    r.fields = {{Field::kSku, std::string(sku)}};
    c.rows.push_back(r);
  }
  EXPECT_EQ(c.skus(), (std::vector<std::string>{"B", "A"}));
  EXPECT_EQ(c.rows[0].find(Field::kCor), nullptr);
  EXPECT_EQ(CarteiraRow{}.sku(), "");
}

TEST(CarteiraApi, NamesAndText) {
  EXPECT_EQ(severity_name(IssueSeverity::kInfo), "info");
  EXPECT_EQ(severity_name(IssueSeverity::kWarning), "warning");
  EXPECT_EQ(severity_name(IssueSeverity::kError), "error");
  EXPECT_EQ(field_name(Field::kNomePeca), "nome_peca");
  EXPECT_EQ(field_name(Field::kDataEntrega), "data_entrega");
  EXPECT_EQ(to_text(FieldValue(std::int64_t{12})), "12");
  EXPECT_EQ(to_text(FieldValue(59.9)), "59.9");
  EXPECT_EQ(to_text(FieldValue(Date{2026, 1, 2})), "2026-01-02");
  EXPECT_EQ(to_text(FieldValue(true)), "true");
  EXPECT_EQ(field_kind(Field::kQuantidade), FieldKind::kNumber);
  EXPECT_EQ(field_kind(Field::kDataEntrega), FieldKind::kDate);
  EXPECT_EQ(field_kind(Field::kSku), FieldKind::kText);
}

TEST(CarteiraFiles, MissingFileAndDirectory) {
  Result<Carteira> r =
      read_carteira(std::filesystem::path("/nonexistent/c.xlsx"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.status().message(), "/nonexistent/c.xlsx: no such file");
  r = read_carteira(testing::carteira_data(""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("is a directory"), std::string::npos);
  CarteiraOptions o;
  o.limits.max_file_bytes = 100;
  r = read_carteira(testing::carteira_data("carteira.xlsx"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("more than the limit of 100"),
            std::string::npos);
}

// The workbook of the issue: a title row, two product sheets with different
// synonyms, a summary sheet and a table without SKUs (make.py).
class CarteiraWorkbook : public ::testing::Test {
 protected:
  void SetUp() override { c_ = read_fixture("carteira.xlsx"); }
  const CarteiraRow& row(std::string_view sku) {
    const CarteiraRow* r = row_with_sku(c_, sku);
    if (r == nullptr) {
      ADD_FAILURE() << "no row " << sku;
      static const CarteiraRow kNone;
      return kNone;
    }
    return *r;
  }
  Carteira c_;
};

TEST_F(CarteiraWorkbook, SheetsAndRows) {
  EXPECT_EQ(c_.sheets, (std::vector<std::string>{"Feminino", "Masculino",
                                                 "Resumo", "Por Categoria"}));
  EXPECT_EQ(c_.skus(),
            (std::vector<std::string>{"001234", "123456", "ABC-77", "XYZ 9",
                                      "98765", "004567", "M-100"}));
  EXPECT_EQ(row("001234").sheet, "Feminino");
  EXPECT_EQ(row("001234").row, 5);  // under the title, blank and header rows
  EXPECT_EQ(row("004567").sheet, "Masculino");
  EXPECT_EQ(row("004567").row, 2);
}

TEST_F(CarteiraWorkbook, FirstSheetSynonymsAndValues) {
  const CarteiraRow& a = row("001234");
  EXPECT_EQ(text_of(a, Field::kNomePeca), "Vestido Midi Floral");
  EXPECT_EQ(text_of(a, Field::kSubcategoria), "Midi");
  EXPECT_EQ(text_of(a, Field::kCor), "Azul");
  EXPECT_EQ(text_of(a, Field::kTamanho), "M");
  EXPECT_EQ(std::get<std::int64_t>(*a.find(Field::kQuantidade)), 12);
  EXPECT_EQ(std::get<double>(*a.find(Field::kPrecoCusto)), 89.9);
  EXPECT_EQ(std::get<Date>(*a.find(Field::kDataEntrega)), (Date{2026, 3, 15}));
  EXPECT_EQ(extra_of(a, "Observação"), "Tecido leve");

  const CarteiraRow& b = row("123456");  // a numeric SKU cell, as digits
  EXPECT_EQ(std::get<std::int64_t>(*b.find(Field::kQuantidade)), 1200);
  EXPECT_EQ(std::get<double>(*b.find(Field::kPrecoCusto)), 1234.56);
  EXPECT_EQ(std::get<double>(*b.find(Field::kPrecoVenda)), 59.9);
  EXPECT_EQ(std::get<Date>(*b.find(Field::kDataEntrega)), (Date{2026, 4, 20}));
  EXPECT_EQ(extra_of(b, "column L"), "extra solto");

  EXPECT_EQ(row("98765").sku(), "98765");  // a float cell: no "98765.0"
  EXPECT_EQ(extra_of(row("XYZ 9"), "Observação (2)"), "segunda obs");
}

TEST_F(CarteiraWorkbook, SecondSheetSynonymsAndValues) {
  const CarteiraRow& m = row("004567");  // 4567 formatted "000000"
  EXPECT_EQ(text_of(m, Field::kNomePeca), "Camisa Social");
  EXPECT_EQ(text_of(m, Field::kTipoPeca), "Camisa");
  EXPECT_EQ(text_of(m, Field::kMarca), "Aurora");
  EXPECT_EQ(text_of(m, Field::kColecao), "Inverno 2026");
  EXPECT_EQ(text_of(m, Field::kCor), "Azul Marinho");
  EXPECT_EQ(text_of(m, Field::kTamanho), "G");
  EXPECT_EQ(std::get<std::int64_t>(*m.find(Field::kQuantidade)), 30);
  EXPECT_EQ(std::get<double>(*m.find(Field::kPrecoCusto)), 45.5);
  EXPECT_EQ(std::get<double>(*m.find(Field::kPrecoVenda)), 129.0);
  EXPECT_EQ(text_of(m, Field::kFornecedor), "Têxtil Aurora");
  EXPECT_EQ(text_of(m, Field::kOrigem), "Nacional");
  EXPECT_EQ(std::get<Date>(*m.find(Field::kDataEntrega)), (Date{2026, 5, 2}));
  EXPECT_EQ(extra_of(m, "EAN"), "7891234567895");
  EXPECT_EQ(extra_of(m, "Ativo"), "true");
  EXPECT_EQ(extra_of(m, "Código"), "C-1");
  // A serial without a date format in the date column is still a date.
  EXPECT_EQ(std::get<Date>(*row("M-100").find(Field::kDataEntrega)),
            (Date{2026, 3, 19}));
  EXPECT_EQ(std::get<double>(*row("M-100").find(Field::kPrecoCusto)), 45.5);
}

TEST_F(CarteiraWorkbook, Issues) {
  const auto missing = issues_with(c_, IssueSeverity::kError, "no SKU");
  ASSERT_EQ(missing.size(), 1u) << testing::dump_issues(c_);
  EXPECT_EQ(missing[0].sheet, "Feminino");
  EXPECT_EQ(missing[0].row, 7);
  const auto conflict = issues_with(c_, IssueSeverity::kWarning, "repeats");
  ASSERT_EQ(conflict.size(), 1u);
  EXPECT_EQ(conflict[0].row, 9);
  EXPECT_NE(conflict[0].message.find("cor 'Azul' / 'Verde'"),
            std::string::npos);
  // The same SKU on the other sheet, agreeing: kept once.
  const auto same = issues_with(c_, IssueSeverity::kInfo, "same values");
  ASSERT_EQ(same.size(), 1u);
  EXPECT_EQ(same[0].sheet, "Masculino");
  EXPECT_NE(same[0].message.find("row 10 of sheet 'Feminino'"),
            std::string::npos);
  EXPECT_EQ(issues_with(c_, IssueSeverity::kWarning, "'Fornecdor'").size(), 1u);
  EXPECT_EQ(issues_with(c_, IssueSeverity::kWarning, "'Código'").size(), 1u);
  EXPECT_EQ(issues_with(c_, IssueSeverity::kWarning, "not a number").size(),
            1u);
  EXPECT_EQ(issues_with(c_, IssueSeverity::kWarning, "not a date").size(), 1u);
  const auto summary =
      issues_with(c_, IssueSeverity::kInfo, "no product table");
  ASSERT_EQ(summary.size(), 2u);
  EXPECT_EQ(summary[0].sheet, "Resumo");
  EXPECT_EQ(summary[1].sheet, "Por Categoria");
  EXPECT_EQ(c_.issues.size(), 9u) << testing::dump_issues(c_);
  EXPECT_EQ(c_.count_issues(IssueSeverity::kWarning), 6u);
}

TEST_F(CarteiraWorkbook, SameFromBytesAndFromPath) {
  const testing::Bytes bytes =
      testing::read_file(testing::carteira_data("carteira.xlsx"));
  Result<Carteira> r = read_carteira(bytes, "carteira.xlsx");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rows, c_.rows);
  EXPECT_EQ(r->issues, c_.issues);
}

TEST_F(CarteiraWorkbook, SheetFilter) {
  CarteiraOptions o;
  o.sheets = {"masculino"};  // compared without case
  Carteira c = read_fixture("carteira.xlsx", o);
  EXPECT_EQ(c.sheets, std::vector<std::string>{"Masculino"});
  EXPECT_EQ(c.rows.size(), 3u);
  o.sheets = {"Inverno"};
  Result<Carteira> r =
      read_carteira(testing::carteira_data("carteira.xlsx"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("no sheet named 'Inverno' (its sheets: "
                                      "'Feminino', 'Masculino', 'Resumo', "
                                      "'Por Categoria')"),
            std::string::npos)
      << r.status();
}

TEST(CarteiraXls, LegacyWorkbook) {
  const Carteira c = read_fixture("carteira.xls");
  EXPECT_EQ(c.sheets, (std::vector<std::string>{"Feminino", "Resumo"}));
  ASSERT_EQ(c.rows.size(), 2u) << testing::dump_issues(c);
  const CarteiraRow& x = c.rows[0];
  EXPECT_EQ(x.row, 4);
  EXPECT_EQ(x.sku(), "X-001");
  EXPECT_EQ(text_of(x, Field::kNomePeca), "Casaco de Lã");
  EXPECT_EQ(std::get<std::int64_t>(*x.find(Field::kQuantidade)), 10);
  EXPECT_EQ(std::get<double>(*x.find(Field::kPrecoVenda)), 459.9);
  EXPECT_EQ(std::get<Date>(*x.find(Field::kDataEntrega)), (Date{2026, 6, 1}));
  EXPECT_EQ(extra_of(x, "Observação"), "forrado");
  EXPECT_EQ(c.rows[1].sku(), "4321");
  EXPECT_EQ(issues_with(c, IssueSeverity::kError, "no SKU").size(), 1u);
  EXPECT_EQ(issues_with(c, IssueSeverity::kInfo, "no product table").size(),
            1u);
  // From memory (through a private temporary file) the same.
  const testing::Bytes bytes =
      testing::read_file(testing::carteira_data("carteira.xls"));
  Result<Carteira> m = read_carteira(bytes, "carteira.xls");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->rows, c.rows);
}

TEST(CarteiraXls, DamagedCompoundFile) {
  testing::Bytes bytes =
      testing::read_file(testing::carteira_data("carteira.xls"));
  bytes.resize(1000);  // the OLE2 magic, then nothing that holds together
  Result<Carteira> r = read_carteira(bytes, "cortado.xls");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData);
  EXPECT_TRUE(
      r.status().message().starts_with("cortado.xls: not a readable .xls"))
      << r.status();
}

}  // namespace
}  // namespace imagebank
