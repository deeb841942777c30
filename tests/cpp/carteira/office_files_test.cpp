// Spreadsheets as real ERPs and office suites write them: an .xlsx with
// Windows separators in its zip entry names, LibreOffice's .ods, Excel's
// binary .xlsb, and legacy .xls read in a child process (damaged files, a
// helper that crashes, hangs or spins). Every file is made here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "carteira/builder.hpp"
#include "carteira/xls_child.hpp"
#include "carteira_test_util.hpp"
#include "imagebank/core/file.hpp"
#include "zip_writer.hpp"

namespace imagebank {
namespace {

using testing::extra_of;
using testing::issues_with;
using testing::text_of;
using testing::ZipWriter;

Result<Carteira> read_zip(const ZipWriter& zip, std::string_view name,
                          const CarteiraOptions& options = {}) {
  const std::vector<std::byte> bytes = zip.bytes();
  return read_carteira(bytes, name, options);
}

// ---------------------------------------------------------------- .xlsx

constexpr std::string_view kRelsNs =
    "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr std::string_view kOfficeRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

std::string relationships(
    std::initializer_list<std::pair<std::string_view, std::string_view>>
        type_target) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  out += "<Relationships xmlns=\"" + std::string(kRelsNs) + "\">";
  int id = 1;
  for (const auto& [type, target] : type_target) {
    out += "<Relationship Id=\"rId" + std::to_string(id++) + "\" Type=\"" +
           std::string(kOfficeRel) + std::string(type) + "\" Target=\"" +
           std::string(target) + "\"/>";
  }
  return out + "</Relationships>";
}

// A one-sheet workbook with shared strings, its parts named with `sep` as
// the separator, the workbook at `workbook` ("xl/workbook.xml").
ZipWriter small_xlsx(char sep, std::string workbook = "xl/workbook.xml") {
  const auto name = [&](std::string path) {
    for (char& c : path) {
      if (c == '/') c = sep;
    }
    return path;
  };
  const std::string dir = workbook.substr(0, workbook.rfind('/') + 1);
  const std::string file = workbook.substr(workbook.rfind('/') + 1);
  ZipWriter zip;
  zip.add("[Content_Types].xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
          "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
          "content-types\"><Default Extension=\"rels\" "
          "ContentType=\"application/"
          "vnd.openxmlformats-package.relationships+xml\"/><Default "
          "Extension=\"xml\" ContentType=\"application/xml\"/><Override "
          "PartName=\"/" +
              workbook +
              "\" ContentType=\"application/"
              "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+"
              "xml\"/></Types>");
  zip.add(name("_rels/.rels"), relationships({{"officeDocument", workbook}}));
  zip.add(name(workbook),
          "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
          "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
          "officeDocument/2006/relationships\"><sheets><sheet "
          "name=\"Pedido ERP\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
          "</workbook>");
  zip.add(name(dir + "_rels/" + file + ".rels"),
          relationships({{"worksheet", "worksheets/sheet1.xml"},
                         {"sharedStrings", "sharedStrings.xml"}}));
  zip.add(name(dir + "sharedStrings.xml"),
          "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
          "main\"><si><t>Referência</t></si><si><t>Descrição</t></si>"
          "<si><t>Qtde</t></si><si><t>Blusa</t></si></sst>");
  zip.add(name(dir + "worksheets/sheet1.xml"),
          "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
          "2006/main\"><sheetData>"
          "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" "
          "t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>"
          "<row r=\"2\"><c r=\"A2\"><v>1001</v></c><c r=\"B2\" "
          "t=\"s\"><v>3</v></c><c r=\"C2\"><v>12</v></c></row>"
          "</sheetData></worksheet>");
  return zip;
}

void expect_small_xlsx(const Result<Carteira>& r) {
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sheets, std::vector<std::string>{"Pedido ERP"});
  ASSERT_EQ(r->rows.size(), 1u) << testing::dump_issues(*r);
  EXPECT_EQ(r->rows[0].sku(), "1001");
  EXPECT_EQ(text_of(r->rows[0], Field::kNomePeca), "Blusa");
  EXPECT_EQ(std::get<std::int64_t>(*r->rows[0].find(Field::kQuantidade)), 12);
}

TEST(CarteiraOfficeFiles, XlsxWithForwardSlashes) {
  expect_small_xlsx(read_zip(small_xlsx('/'), "erp.xlsx"));
}

TEST(CarteiraOfficeFiles, XlsxWithBackslashEntryNames) {
  // Before: "a zip archive without a workbook (not an .xlsx)".
  expect_small_xlsx(read_zip(small_xlsx('\\'), "relatorio_erp.xlsx"));
}

TEST(CarteiraOfficeFiles, XlsxWorkbookFoundThroughRelationships) {
  // Neither xl/workbook.xml nor xl/worksheets: only the relationships say
  // where the parts are.
  expect_small_xlsx(read_zip(small_xlsx('/', "planilha/livro.xml"), "a.xlsx"));
  expect_small_xlsx(read_zip(small_xlsx('\\', "planilha/livro.xml"), "b.xlsx"));
}

TEST(CarteiraOfficeFiles, XlsbSaysWhatItIsAndWhatToDo) {
  // What Excel writes for "Excel Binary Workbook": the package leads to a
  // BIFF12 workbook.bin. Before: "malformed XML".
  ZipWriter zip;
  zip.add("[Content_Types].xml", "<Types/>");
  zip.add("_rels/.rels",
          relationships({{"officeDocument", "xl/workbook.bin"}}));
  zip.add("xl/workbook.bin", std::string("\x83\x01\x00\x80\x01\x00", 6));
  zip.add("xl/_rels/workbook.bin.rels",
          relationships({{"worksheet", "worksheets/sheet1.bin"}}));
  zip.add("xl/worksheets/sheet1.bin", std::string("\x81\x01\x00", 3));
  Result<Carteira> r = read_zip(zip, "vendas.xlsb");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupportedFormat);
  EXPECT_EQ(r.status().message(),
            "vendas.xlsb: an Excel binary workbook (.xlsb), which is not "
            "read; in Excel, File > Save As > Excel Workbook (.xlsx) (or save "
            "it as .ods or CSV) and send that file");
  // Without package relationships, the workbook.bin alone says it too.
  ZipWriter bare;
  bare.add("xl/workbook.bin", "x");
  r = read_zip(bare, "v.xlsb");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("(.xlsb)"), std::string::npos)
      << r.status();
}

// ----------------------------------------------------------------- .ods

constexpr std::string_view kOdsMimetype =
    "application/vnd.oasis.opendocument.spreadsheet";

// content.xml as Calc writes it, around the given tables.
std::string ods_content(std::string_view tables) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<office:document-content "
             "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1."
             "0\" "
             "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
             "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
             "xmlns:calcext=\"urn:org:documentfoundation:names:experimental:"
             "calc:xmlns:calcext:1.0\" office:version=\"1.3\">"
             "<office:body><office:spreadsheet>") +
         std::string(tables) +
         "</office:spreadsheet></office:body></office:document-content>";
}

ZipWriter ods(std::string_view tables, bool with_mimetype = true) {
  ZipWriter zip;
  if (with_mimetype) zip.add("mimetype", std::string(kOdsMimetype));
  zip.add("content.xml", ods_content(tables));
  zip.add("META-INF/manifest.xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest "
          "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1."
          "0\" manifest:version=\"1.3\"><manifest:file-entry "
          "manifest:full-path=\"/\" manifest:media-type=\"" +
              std::string(kOdsMimetype) +
              "\"/><manifest:file-entry manifest:full-path=\"content.xml\" "
              "manifest:media-type=\"text/xml\"/></manifest:manifest>");
  return zip;
}

std::string text_cell(std::string_view text) {
  return "<table:table-cell office:value-type=\"string\" "
         "calcext:value-type=\"string\"><text:p>" +
         std::string(text) + "</text:p></table:table-cell>";
}
std::string float_cell(std::string_view value, std::string_view shown,
                       std::string_view type = "float") {
  return "<table:table-cell office:value-type=\"" + std::string(type) +
         "\" office:value=\"" + std::string(value) +
         "\" calcext:value-type=\"" + std::string(type) + "\"><text:p>" +
         std::string(shown) + "</text:p></table:table-cell>";
}
const std::string kEmptyCell = "<table:table-cell/>";
std::string empty_cells(int n) {
  return "<table:table-cell table:number-columns-repeated=\"" +
         std::to_string(n) + "\"/>";
}
std::string row(std::string_view cells, std::uint64_t repeated = 1) {
  return (repeated == 1 ? std::string("<table:table-row>")
                        : "<table:table-row table:number-rows-repeated=\"" +
                              std::to_string(repeated) + "\">") +
         std::string(cells) + "</table:table-row>";
}
std::string table(std::string_view name, std::string_view rows) {
  return "<table:table table:name=\"" + std::string(name) +
         "\"><table:table-column table:number-columns-repeated=\"1024\"/>" +
         std::string(rows) + "</table:table>";
}

// The Carteira as Calc saves it: a title (merged over three columns, so
// two covered cells), a blank row, the header, then typed values.
std::string calc_sheet() {
  const std::string header =
      text_cell("Cód. Produto") + text_cell("Descrição") + text_cell("Qtde") +
      text_cell("Preço Venda") + text_cell("Data Entrega") +
      text_cell("Ativo") + text_cell("Desconto") + text_cell("Observação") +
      empty_cells(1016);
  const std::string a =
      float_cell("1234", "001234") +
      text_cell(
          "Blusa<text:s/>de<text:s "
          "text:c=\"2\"/>linho") +
      float_cell("12", "12") + float_cell("59.9", "R$ 59,90", "currency") +
      "<table:table-cell office:value-type=\"date\" "
      "office:date-value=\"2026-03-15\" calcext:value-type=\"date\">"
      "<text:p>15/03/26</text:p></table:table-cell>"
      "<table:table-cell office:value-type=\"boolean\" "
      "office:boolean-value=\"true\" calcext:value-type=\"boolean\">"
      "<text:p>VERDADEIRO</text:p></table:table-cell>" +
      float_cell("0.15", "15%", "percentage") +
      "<table:table-cell office:value-type=\"string\">"
      "<office:annotation><text:p>comentário, não é o valor</text:p>"
      "</office:annotation><text:p>linha um</text:p>"
      "<text:p>linha<text:line-break/>dois<text:tab/>fim</text:p>"
      "</table:table-cell>" +
      empty_cells(1016);
  const std::string b = text_cell("X-2") + text_cell("Saia") +
                        "<table:table-cell office:value-type=\"float\" "
                        "office:value=\"3\" "
                        "table:number-columns-repeated=\"1\"><text:p>3</"
                        "text:p></table:table-cell>" +
                        empty_cells(1021);
  return table(
      "Feminino",
      row("<table:table-cell table:number-columns-spanned=\"3\" "
          "office:value-type=\"string\"><text:p>Carteira Verão</text:p>"
          "</table:table-cell><table:covered-table-cell "
          "table:number-columns-repeated=\"2\"/>" +
          empty_cells(1021)) +
          row(empty_cells(1024)) + row(header) + row(a) + row(b) +
          // Calc's tail: a million blank rows, written once.
          row(empty_cells(1024), 1048570));
}

TEST(CarteiraOfficeFiles, OdsAsCalcWritesIt) {
  const auto start = std::chrono::steady_clock::now();
  Result<Carteira> r = read_zip(ods(calc_sheet()), "carteira.ods");
  ASSERT_TRUE(r.ok()) << r.status();
  // The million repeated blank rows cost nothing.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(r->sheets, std::vector<std::string>{"Feminino"});
  ASSERT_EQ(r->rows.size(), 2u) << testing::dump_issues(*r);
  EXPECT_TRUE(r->issues.empty()) << testing::dump_issues(*r);

  const CarteiraRow& a = r->rows[0];
  EXPECT_EQ(a.sheet, "Feminino");
  EXPECT_EQ(a.row, 4);
  EXPECT_EQ(a.sku(), "001234");  // a float shown with leading zeros
  EXPECT_EQ(text_of(a, Field::kNomePeca), "Blusa de  linho");  // <text:s>
  EXPECT_EQ(std::get<std::int64_t>(*a.find(Field::kQuantidade)), 12);
  EXPECT_EQ(std::get<double>(*a.find(Field::kPrecoVenda)), 59.9);
  EXPECT_EQ(std::get<Date>(*a.find(Field::kDataEntrega)), (Date{2026, 3, 15}));
  EXPECT_EQ(extra_of(a, "Ativo"), "true");
  EXPECT_EQ(extra_of(a, "Desconto"), "0.15");
  // Paragraphs and line breaks are line breaks; the comment is not text.
  EXPECT_EQ(extra_of(a, "Observação"), "linha um\nlinha\ndois\tfim");

  EXPECT_EQ(r->rows[1].row, 5);
  EXPECT_EQ(r->rows[1].sku(), "X-2");
  EXPECT_EQ(std::get<std::int64_t>(*r->rows[1].find(Field::kQuantidade)), 3);
}

TEST(CarteiraOfficeFiles, OdsSheetsIssuesAndFilter) {
  const std::string header = row(text_cell("SKU") + text_cell("Nome"));
  const std::string tables =
      table("Resumo", row(text_cell("Total") + float_cell("3", "3"))) +
      table("Verão", header + row(text_cell("A") + text_cell("x")) +
                         row(text_cell("A") + text_cell("y")) +
                         row(kEmptyCell + text_cell("sem sku"))) +
      table("Inverno", header + row(text_cell("B") + text_cell("z")));
  Result<Carteira> r = read_zip(ods(tables), "c.ods");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sheets,
            (std::vector<std::string>{"Resumo", "Verão", "Inverno"}));
  EXPECT_EQ(r->skus(), (std::vector<std::string>{"A", "B"}));
  // The same header detection and issues as .xlsx and CSV.
  EXPECT_EQ(issues_with(*r, IssueSeverity::kInfo, "no product table").size(),
            1u)
      << testing::dump_issues(*r);
  EXPECT_EQ(issues_with(*r, IssueSeverity::kWarning, "'A'").size(), 1u)
      << testing::dump_issues(*r);
  EXPECT_EQ(issues_with(*r, IssueSeverity::kError, "no SKU").size(), 1u)
      << testing::dump_issues(*r);

  CarteiraOptions only;
  only.sheets = {"inverno"};
  r = read_zip(ods(tables), "c.ods", only);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->skus(), std::vector<std::string>{"B"});
  only.sheets = {"Outono"};
  r = read_zip(ods(tables), "c.ods", only);
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound) << r.status();

  // An .ods whose mimetype part was lost is still recognised.
  r = read_zip(ods(tables, false), "sem_mimetype.ods");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->skus(), (std::vector<std::string>{"A", "B"}));
}

TEST(CarteiraOfficeFiles, OdsRepeatsAreBounded) {
  const std::string header = row(text_cell("SKU") + text_cell("Nome"));
  // A row with values repeated a million times is read 100 times (the
  // copies are the same row) and says so.
  const auto start = std::chrono::steady_clock::now();
  Result<Carteira> r = read_zip(
      ods(table("T", header + row(text_cell("A") + text_cell("x"), 1000000) +
                         row(text_cell("B") + text_cell("y")))),
      "rep.ods");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(r->skus(), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(r->rows[1].row, 1000002);  // positions still count every copy
  const auto cut = issues_with(*r, IssueSeverity::kWarning,
                               "repeated 1000000 times in the file; read 100");
  ASSERT_EQ(cut.size(), 1u) << testing::dump_issues(*r);
  EXPECT_EQ(cut[0].row, 2);

  // A value repeated across columns counts against the column limit; blank
  // repeats (Calc pads rows to column 16384) do not.
  CarteiraOptions o;
  o.limits.max_columns = 100;
  r = read_zip(
      ods(table("T", header + row(text_cell("A") + empty_cells(16382)))),
      "pad.ods", o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->skus(), std::vector<std::string>{"A"});
  r = read_zip(
      ods(table("T",
                header + row(text_cell("A") +
                             "<table:table-cell office:value-type=\"float\" "
                             "office:value=\"1\" "
                             "table:number-columns-repeated=\"4000000000\">"
                             "<text:p>1</text:p></table:table-cell>"))),
      "wide.ods", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("past the limit of 100 columns"),
            std::string::npos)
      << r.status();
  // Rows against max_rows, as for every format.
  o = {};
  o.limits.max_rows = 50;
  r = read_zip(
      ods(table("T", header + row(text_cell("A") + text_cell("x"), 80))),
      "rows.ods", o);
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status();
  // A cell made of repeated spaces cannot pass the cell limit.
  o = {};
  o.limits.max_cell_bytes = 1000;
  r = read_zip(
      ods(table("T",
                header + row(text_cell("A<text:s text:c=\"99999999\"/>")))),
      "spaces.ods", o);
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status();
}

TEST(CarteiraOfficeFiles, OdsDamageAndOtherDocuments) {
  const std::string header = row(text_cell("SKU") + text_cell("Nome"));
  const std::string good =
      table("Boa", header + row(text_cell("A") + text_cell("x")));
  // Damage in the second sheet costs that sheet, not the first.
  ZipWriter zip;
  zip.add("mimetype", std::string(kOdsMimetype));
  std::string content = ods_content(
      good + table("Ruim", header + row(text_cell("B") + text_cell("y")) +
                               "<table:table-row><oops></table:table-row>"));
  zip.add("content.xml", content);
  Result<Carteira> r = read_zip(zip, "dano.ods");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->skus(), (std::vector<std::string>{"A", "B"}));
  const auto damage = issues_with(*r, IssueSeverity::kError, "malformed XML");
  ASSERT_EQ(damage.size(), 1u) << testing::dump_issues(*r);
  EXPECT_EQ(damage[0].sheet, "Ruim");
  // Damage in the only sheet is an error of the file.
  ZipWriter only;
  only.add("mimetype", std::string(kOdsMimetype));
  only.add("content.xml",
           "<office:document-content><table:table "
           "table:name=\"T\"><table:table-row>");
  r = read_zip(only, "so.ods");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData);
  EXPECT_TRUE(
      r.status().message().starts_with("so.ods: content.xml: malformed XML"))
      << r.status();
  // No content at all.
  ZipWriter empty;
  empty.add("mimetype", std::string(kOdsMimetype));
  r = read_zip(empty, "vazio.ods");
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData) << r.status();
  // A password: the content is encrypted.
  ZipWriter locked;
  locked.add("mimetype", std::string(kOdsMimetype));
  locked.add("content.xml", "\x8a\x07 encrypted bytes");
  locked.add("META-INF/manifest.xml",
             "<manifest:manifest><manifest:file-entry "
             "manifest:full-path=\"content.xml\"><manifest:encryption-data/>"
             "</manifest:file-entry></manifest:manifest>");
  r = read_zip(locked, "senha.ods");
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupportedFormat) << r.status();
  EXPECT_NE(r.status().message().find("password"), std::string::npos);
  // A text document is not a spreadsheet.
  ZipWriter odt;
  odt.add("mimetype", "application/vnd.oasis.opendocument.text");
  odt.add("content.xml", "<office:document-content/>");
  r = read_zip(odt, "carta.odt");
  EXPECT_EQ(r.status().code(), ErrorCode::kUnsupportedFormat) << r.status();
  EXPECT_EQ(r.status().message(),
            "carta.odt: an OpenDocument document of type 'text', not a "
            "spreadsheet");
  // DOCTYPE refused as in .xlsx parts.
  ZipWriter laughs;
  laughs.add("mimetype", std::string(kOdsMimetype));
  laughs.add("content.xml",
             "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]>"
             "<office:document-content/>");
  r = read_zip(laughs, "dtd.ods");
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded) << r.status();
}

// ----------------------------------------------------------------- .xls

// carteira.xls with one byte changed: freexl still reads it, and leaks 672
// bytes doing so (LeakSanitizer, in-process; 0.7 MiB of RSS per thousand
// reads). Read in the child, the leak ends with it: this test passing in
// the asan preset, whose LeakSanitizer checks this process, is the proof.
testing::Bytes leaky_xls() {
  testing::Bytes bytes =
      testing::read_file(testing::carteira_data("carteira.xls"));
  bytes.at(2243) = std::byte{0x2c};
  return bytes;
}

TEST(CarteiraOfficeFiles, XlsThatMadeFreexlLeakIsReadInTheChild) {
  for (int i = 0; i < 3; ++i) {
    Result<Carteira> r = read_carteira(leaky_xls(), "vazamento.xls");
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->sheets, (std::vector<std::string>{"Feminino", "Resumo"}));
  }
}

TEST(CarteiraOfficeFiles, XlsHelperIsFound) {
  std::string looked;
  const std::string helper = carteira::find_xls_helper(&looked);
  ASSERT_FALSE(helper.empty()) << looked;
  EXPECT_TRUE(helper.ends_with("/imagebank-xls-reader")) << helper;
}

// A fake helper: a shell script in a temporary folder.
class FakeHelper {
 public:
  explicit FakeHelper(const std::string& body) {
    dir_ = std::filesystem::temp_directory_path() /
           ("imagebank-fake-xls-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "helper.sh").string();
    std::ofstream(path_) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path_.c_str(), 0755);
  }
  ~FakeHelper() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string path_;
};

Status read_with(const std::string& helper, unsigned cpu = 30,
                 unsigned wall = 60) {
  const testing::Bytes bytes =
      testing::read_file(testing::carteira_data("carteira.xls"));
  carteira::CarteiraBuilder builder("h.xls", CarteiraOptions{});
  carteira::XlsChildOptions options = carteira::default_xls_child_options();
  options.helper = helper;
  options.cpu_seconds = cpu;
  options.wall_seconds = wall;
  return carteira::read_xls_in_child(bytes, builder, options);
}

TEST(CarteiraOfficeFiles, XlsChildThatCrashesHangsOrSpins) {
  // Crashes: a damaged or crafted file.
  FakeHelper crash("kill -SEGV $$");
  Status s = read_with(crash.path());
  EXPECT_EQ(s.code(), ErrorCode::kCorruptData) << s;
  EXPECT_EQ(s.message(),
            "h.xls: not a readable .xls: its reader crashed on it (signal 11, "
            "SIGSEGV): a damaged or crafted file");
  // Spins past its CPU limit.
  FakeHelper spin("while :; do :; done");
  s = read_with(spin.path(), 1);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s;
  EXPECT_NE(s.message().find("past its limits of 1 s of CPU"),
            std::string::npos)
      << s;
  // Sleeps past the wall-clock limit.
  const auto start = std::chrono::steady_clock::now();
  FakeHelper sleeper("exec sleep 100");
  s = read_with(sleeper.path(), 30, 1);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s;
  EXPECT_EQ(s.message(),
            "h.xls: not read: the .xls reader took more than 1 s "
            "(the limit)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  // Writes nonsense, or stops with a failure.
  FakeHelper garbage("printf 'N\\001\\000\\000\\000Q'");
  s = read_with(garbage.path());
  EXPECT_EQ(s.code(), ErrorCode::kInternal) << s;
  EXPECT_NE(s.message().find("garbled"), std::string::npos) << s;
  FakeHelper fails("exit 3");
  s = read_with(fails.path());
  EXPECT_EQ(s.code(), ErrorCode::kCorruptData) << s;
  EXPECT_NE(s.message().find("exit status 3"), std::string::npos) << s;
  // Absent.
  s = read_with("/nonexistent/imagebank-xls-reader");
  EXPECT_EQ(s.code(), ErrorCode::kInternal) << s;
  EXPECT_NE(s.message().find("cannot run the .xls reader"), std::string::npos)
      << s;
}

TEST(CarteiraOfficeFiles, XlsChildSeesOnlyItsOwnDescriptors) {
  // A descriptor of this process without close-on-exec: the child must not
  // hold it (it could be a client's socket in a server).
  const UniqueFd mine(::open("/dev/null", O_RDONLY));
  ASSERT_TRUE(mine.valid());
  FakeHelper probe("test -e /proc/$$/fd/" + std::to_string(mine.get()) +
                   " && exit 4; exit 3");
  const Status s = read_with(probe.path());
  EXPECT_NE(s.message().find("exit status 3"), std::string::npos) << s;
}

}  // namespace
}  // namespace imagebank
