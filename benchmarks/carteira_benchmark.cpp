// Benchmarks of the carteira module: a 100,000-row x 15-column Carteira read
// from an .xlsx (made here the way openpyxl writes one: inline strings,
// deflated parts, a date style) and from the same rows as a ';' CSV with
// pt-BR numbers. Rows/s and MB/s of the file as stored.
//
// The workbook is generated in memory (zlib comes with the test support
// library, which is linked statically); nothing large is committed.
// benchmarks/peers/carteira_vs_peers.py times the same shape of file
// against openpyxl and python-calamine.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "imagebank/carteira/carteira.hpp"

namespace {

using imagebank::Carteira;
using imagebank::CarteiraOptions;
using imagebank::Result;

constexpr int kRows = 100'000;

struct Row {
  std::string text[10];  // sku, nome, categoria, subcategoria, tipo, origem,
                         // marca, colecao, cor, tamanho
  int quantidade;
  double custo, venda;
  std::string fornecedor;
  int days;  // after 2026-01-05
};

std::vector<Row> make_rows(int n) {
  std::mt19937 rng(2026);
  const auto pick = [&](const std::vector<std::string>& v) {
    return v[rng() % v.size()];
  };
  const std::vector<std::string> pieces = {"Vestido", "Blusa",  "Saia",
                                           "Calça",   "Camisa", "Bermuda",
                                           "Casaco",  "Regata", "Macacão"};
  const std::vector<std::string> adjectives = {
      "Midi", "Floral", "Básica", "Slim", "Linho", "Jeans", "Tricô", "Cropped"};
  const std::vector<std::string> colours = {"Azul",  "Preto", "Branco",
                                            "Verde", "Rosa",  "Bege"};
  const std::vector<std::string> sizes = {"PP", "P", "M", "G", "GG", "38"};
  const std::vector<std::string> brands = {"Aurora", "Maré", "Cerrado"};
  const std::vector<std::string> suppliers = {"Têxtil Aurora",
                                              "Confecções Sul"};
  std::vector<Row> rows(static_cast<std::size_t>(n));
  char sku[16];
  for (int i = 0; i < n; ++i) {
    Row& r = rows[static_cast<std::size_t>(i)];
    std::snprintf(sku, sizeof sku, "SKU%07d", i);
    const std::string piece = pick(pieces);
    r.text[0] = sku;
    r.text[1] = piece + " " + pick(adjectives);
    r.text[2] = piece + "s";
    r.text[3] = pick(adjectives);
    r.text[4] = piece;
    r.text[5] = rng() % 2 ? "Nacional" : "Importado";
    r.text[6] = pick(brands);
    r.text[7] = "Verão 2026";
    r.text[8] = pick(colours);
    r.text[9] = pick(sizes);
    r.quantidade = static_cast<int>(rng() % 500) + 1;
    r.custo = static_cast<int>(rng() % 40000) / 100.0 + 10;
    r.venda = static_cast<int>(rng() % 120000) / 100.0 + 30;
    r.fornecedor = pick(suppliers);
    r.days = static_cast<int>(rng() % 180);
  }
  return rows;
}

const char* const kHeaders[15] = {
    "SKU",          "Nome da Peça", "Categoria",   "Subcategoria",
    "Tipo de Peça", "Origem",       "Marca",       "Coleção",
    "Cor",          "Tamanho",      "Quantidade",  "Preço Custo",
    "Preço Venda",  "Fornecedor",   "Data Entrega"};

std::string column_ref(int col, int row) {
  std::string s(1, static_cast<char>('A' + col));
  return s + std::to_string(row);
}

std::string inline_cell(int col, int row, const std::string& text) {
  return "<c r=\"" + column_ref(col, row) + "\" t=\"inlineStr\"><is><t>" +
         text + "</t></is></c>";
}

std::string number_cell(int col, int row, const std::string& value,
                        int style = 0) {
  return "<c r=\"" + column_ref(col, row) + "\"" +
         (style ? " s=\"" + std::to_string(style) + "\"" : std::string()) +
         " t=\"n\"><v>" + value + "</v></c>";
}

std::string sheet_xml(const std::vector<Row>& rows) {
  std::string x =
      "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas."
      "openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\">" +
      inline_cell(0, 1, "Carteira de Compras — Verão 2026") +
      "</row><row r=\"3\">";
  for (int c = 0; c < 15; ++c) x += inline_cell(c, 3, kHeaders[c]);
  x += "</row>";
  char num[32];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const int n = static_cast<int>(i) + 4;
    x += "<row r=\"" + std::to_string(n) + "\">";
    for (int c = 0; c < 10; ++c) x += inline_cell(c, n, r.text[c]);
    x += number_cell(10, n, std::to_string(r.quantidade));
    std::snprintf(num, sizeof num, "%.2f", r.custo);
    x += number_cell(11, n, num);
    std::snprintf(num, sizeof num, "%.2f", r.venda);
    x += number_cell(12, n, num);
    x += inline_cell(13, n, r.fornecedor);
    x += number_cell(14, n, std::to_string(46027 + r.days), 1);  // 2026-01-05
    x += "</row>";
  }
  return x + "</sheetData></worksheet>";
}

// A zip (deflated entries, no data descriptors) of name -> content.
class ZipWriter {
 public:
  void add(const std::string& name, const std::string& data) {
    std::string deflated(compressBound(static_cast<uLong>(data.size())) + 64,
                         '\0');
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(deflated.data());
    z.avail_out = static_cast<uInt>(deflated.size());
    deflate(&z, Z_FINISH);
    deflated.resize(z.total_out);
    deflateEnd(&z);
    const auto crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(data.data()),
              static_cast<uInt>(data.size())));
    const auto offset = static_cast<std::uint32_t>(out_.size());
    header(0x04034b50, crc, deflated.size(), data.size(), name, false, 0);
    out_ += deflated;
    central_.push_back({name, crc, deflated.size(), data.size(), offset});
  }

  std::string finish() {
    const auto start = static_cast<std::uint32_t>(out_.size());
    for (const Entry& e : central_) {
      header(0x02014b50, e.crc, e.compressed, e.size, e.name, true, e.offset);
    }
    const auto size = static_cast<std::uint32_t>(out_.size()) - start;
    put32(0x06054b50);
    put16(0);
    put16(0);
    put16(static_cast<std::uint16_t>(central_.size()));
    put16(static_cast<std::uint16_t>(central_.size()));
    put32(size);
    put32(start);
    put16(0);
    return out_;
  }

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc;
    std::size_t compressed, size;
    std::uint32_t offset;
  };
  void put16(std::uint32_t v) {
    out_ += static_cast<char>(v & 0xFF);
    out_ += static_cast<char>((v >> 8) & 0xFF);
  }
  void put32(std::uint32_t v) {
    put16(v & 0xFFFF);
    put16(v >> 16);
  }
  void header(std::uint32_t signature, std::uint32_t crc,
              std::size_t compressed, std::size_t size, const std::string& name,
              bool central, std::uint32_t offset) {
    put32(signature);
    if (central) put16(20);  // made by
    put16(20);               // needed to extract
    put16(0);                // flags
    put16(8);                // deflate
    put16(0);                // time
    put16(0x21);             // date: 1980-01-01
    put32(crc);
    put32(static_cast<std::uint32_t>(compressed));
    put32(static_cast<std::uint32_t>(size));
    put16(static_cast<std::uint16_t>(name.size()));
    put16(0);  // extra
    if (central) {
      put16(0);  // comment
      put16(0);  // disk
      put16(0);  // internal attributes
      put32(0);  // external attributes
      put32(offset);
    }
    out_ += name;
  }
  std::string out_;
  std::vector<Entry> central_;
};

std::string make_xlsx(const std::vector<Row>& rows) {
  const std::string rel =
      "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  ZipWriter zip;
  zip.add("_rels/.rels",
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
          "2006/relationships\"><Relationship Id=\"rId1\" Type=\"" +
              rel +
              "/officeDocument\" Target=\"xl/workbook.xml\"/>"
              "</Relationships>");
  zip.add("xl/workbook.xml",
          "<workbook xmlns=\"http://schemas.openxmlformats.org/"
          "spreadsheetml/2006/main\" xmlns:r=\"" +
              rel +
              "\"><sheets><sheet name=\"Carteira\" sheetId=\"1\" "
              "r:id=\"rId1\"/></sheets></workbook>");
  zip.add("xl/_rels/workbook.xml.rels",
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
          "2006/relationships\"><Relationship Id=\"rId1\" Type=\"" +
              rel +
              "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
              "<Relationship Id=\"rId2\" Type=\"" +
              rel + "/styles\" Target=\"styles.xml\"/></Relationships>");
  zip.add("xl/styles.xml",
          "<styleSheet xmlns=\"http://schemas.openxmlformats.org/"
          "spreadsheetml/2006/main\"><cellXfs count=\"2\"><xf numFmtId=\"0\"/>"
          "<xf numFmtId=\"14\"/></cellXfs></styleSheet>");
  zip.add("xl/worksheets/sheet1.xml", sheet_xml(rows));
  return zip.finish();
}

std::string make_csv(const std::vector<Row>& rows) {
  std::string csv = "Carteira de Compras — Verão 2026;;;;;;;;;;;;;;\n";
  for (int c = 0; c < 15; ++c) {
    csv += kHeaders[c];
    csv += c < 14 ? ';' : '\n';
  }
  char line[64];
  for (const Row& r : rows) {
    for (const std::string& t : r.text) csv += t + ";";
    csv += std::to_string(r.quantidade) + ";";
    std::snprintf(line, sizeof line, "%.2f;%.2f;", r.custo, r.venda);
    std::string numbers = line;
    for (char& ch : numbers) {
      if (ch == '.') ch = ',';  // pt-BR decimals
    }
    csv += numbers + r.fornecedor + ";";
    const int day = 5 + r.days;  // dd/mm/2026 within the first months
    const int month = 1 + (day - 1) / 28;
    std::snprintf(line, sizeof line, "%02d/%02d/2026\n", (day - 1) % 28 + 1,
                  month);
    csv += line;
  }
  return csv;
}

const std::vector<Row>& rows() {
  static const std::vector<Row> kRowsData = make_rows(kRows);
  return kRowsData;
}

void read(benchmark::State& state, const std::string& file, const char* name) {
  CarteiraOptions options;
  options.limits.max_file_bytes = 1ull << 30;
  const auto bytes = std::as_bytes(std::span(file.data(), file.size()));
  std::size_t count = 0;
  for (auto _ : state) {
    Result<Carteira> c = imagebank::read_carteira(bytes, name, options);
    if (!c.ok()) {
      state.SkipWithError(c.status().to_string().c_str());
      return;
    }
    count = c->rows.size();
    benchmark::DoNotOptimize(c->rows.data());
  }
  if (count != static_cast<std::size_t>(kRows)) {
    state.SkipWithError("wrong row count");
    return;
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(file.size()));
  state.counters["file_MB"] = static_cast<double>(file.size()) / 1e6;
}

void BM_ReadXlsx100k(benchmark::State& state) {
  static const std::string kFile = make_xlsx(rows());
  read(state, kFile, "carteira.xlsx");
}
BENCHMARK(BM_ReadXlsx100k)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadCsv100k(benchmark::State& state) {
  static const std::string kFile = make_csv(rows());
  read(state, kFile, "carteira.csv");
}
BENCHMARK(BM_ReadCsv100k)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
