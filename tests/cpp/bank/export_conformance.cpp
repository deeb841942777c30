// Catalog exports on every catalog adapter: the paged reads an export makes
// (images_of_products, latest_ai_analyses, photo_views) and export_catalog
// itself in its three formats. Part of the conformance suites, so SQLite
// and PostgreSQL both run it.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog_store_conformance.hpp"
#include "catalog/job_queue_conformance.hpp"
#include "imagebank/bank/export.hpp"
#include "imagebank/serve/signed_url.hpp"

namespace imagebank::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// RFC 4180, strictly: what a spreadsheet reads back.
Rows parse_csv(std::string_view text, char delimiter = ',') {
  Rows rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      cell += c;
    }
  }
  EXPECT_TRUE(cell.empty() && row.empty()) << "the CSV ends mid-row";
  return rows;
}

// The rows as maps from header name to cell, keyed by SKU.
std::map<std::string, std::map<std::string, std::string>> by_sku(
    const Rows& rows) {
  std::map<std::string, std::map<std::string, std::string>> out;
  if (rows.empty()) return out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    EXPECT_EQ(rows[r].size(), rows[0].size()) << "row " << r;
    std::map<std::string, std::string> m;
    for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) {
      m[rows[0][c]] = rows[r][c];
    }
    out[m["sku"]] = m;
  }
  return out;
}

bool has_column(const Rows& rows, const std::string& name) {
  return !rows.empty() &&
         std::find(rows[0].begin(), rows[0].end(), name) != rows[0].end();
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Two brands: Marca A / Verão holds ABC1 (two front photos, a back, a
// rejected detail; its back photo analysed), ABC2 (one side photo waiting
// for AI) and =HACK (no photo, hostile text); Marca B / Inverno holds XYZ9
// (one photo without a view).
struct Catalog {
  RowId verao = 0, inverno = 0;
  RowId abc1 = 0, abc2 = 0, hack = 0, xyz9 = 0;
  RowId front1 = 0, front2 = 0, back = 0, detail = 0, side = 0, loose = 0;
};

Catalog make_catalog(CatalogStore& store) {
  Catalog c;
  auto a = store.upsert_brand("Marca A");
  auto b = store.upsert_brand("Marca B");
  EXPECT_TRUE(a.ok() && b.ok());
  auto verao = store.upsert_collection(a->id, "Verão", "2027");
  auto inverno = store.upsert_collection(b->id, "Inverno", "2027");
  EXPECT_TRUE(verao.ok() && inverno.ok());
  c.verao = verao->id;
  c.inverno = inverno->id;
  auto import = [&](RowId collection, std::vector<ProductUpsert> products) {
    CarteiraImportRequest r;
    r.collection_id = collection;
    r.file = "carteira.xlsx";
    r.products = std::move(products);
    auto done = store.import_products(r);
    EXPECT_TRUE(done.ok()) << done.status();
  };
  ProductUpsert abc1;
  abc1.sku = "ABC1";
  abc1.fields.nome_peca = "Vestido \"Midi\", linho";
  abc1.fields.cor = "azul";
  abc1.fields.preco_venda = "189.9";
  abc1.fields.quantidade = "12";
  ProductUpsert abc2;
  abc2.sku = "ABC2";
  abc2.fields.nome_peca = "Saia";
  ProductUpsert hack;
  hack.sku = "=HACK";
  hack.fields.nome_peca = "=cmd|' /C calc'!A0";
  hack.fields.fornecedor = "@SUM(1+1)";
  hack.fields.preco_custo = "-5";
  import(c.verao, {abc1, abc2, hack});
  ProductUpsert xyz9;
  xyz9.sku = "XYZ9";
  xyz9.fields.nome_peca = "Bolsa";
  import(c.inverno, {xyz9});
  c.abc1 = store.find_product(c.verao, "ABC1")->id;
  c.abc2 = store.find_product(c.verao, "ABC2")->id;
  c.hack = store.find_product(c.verao, "=HACK")->id;
  c.xyz9 = store.find_product(c.inverno, "XYZ9")->id;
  int n = 100;
  auto photo = [&](RowId product, RowId collection, const std::string& view,
                   int sequence, ImageStatus status) {
    ImageRecord r = image(++n);
    r.view = view;
    r.sequence = sequence;
    r.collection_id = collection;
    auto in = store.insert_image(r);
    EXPECT_TRUE(in.ok()) << in.status();
    EXPECT_TRUE(store.link_image(in->image.id, product, "test", "").ok());
    if (status != ImageStatus::kPending) {
      EXPECT_TRUE(store.set_image_status(in->image.id, status).ok());
    }
    return in->image.id;
  };
  // Inserted out of cover order: the export puts them in it.
  c.back = photo(c.abc1, c.verao, "back", 1, ImageStatus::kPending);
  c.front2 = photo(c.abc1, c.verao, "front", 2, ImageStatus::kPending);
  c.front1 = photo(c.abc1, c.verao, "front", 1, ImageStatus::kApproved);
  c.detail = photo(c.abc1, c.verao, "detail", 1, ImageStatus::kRejected);
  c.side = photo(c.abc2, c.verao, "side", 0, ImageStatus::kPendingAiAnalysis);
  c.loose = photo(c.xyz9, c.inverno, "", 0, ImageStatus::kPending);
  return c;
}

AiAnalysis analysis(RowId image_id, std::string garment) {
  AiAnalysis ai;
  ai.image_id = image_id;
  ai.description = "Vestido midi de linho";
  ai.tags = {"vestido", "linho"};
  ai.color = "azul-marinho";
  ai.colors = {{"azul-marinho", "#1f2a44", 0.7}, {"branco", "#ffffff", 0.2}};
  ai.material = "linho";
  ai.style = "casual";
  ai.garment_type = std::move(garment);
  ai.confidence = 0.875;
  ai.provider = "offline";
  ai.model = "m1";
  ai.sha256 = image(1).sha256;
  ai.schema_version = 1;
  return ai;
}

// Analyses of ABC1: a failed attempt on the front photo, an old and a new
// answer on the back photo (plus one about an item of it).
void analyse(CatalogStore& store, const Catalog& c) {
  AiAnalysis failed = analysis(c.front1, "");
  failed.description.clear();
  failed.tags.clear();
  failed.colors.clear();
  failed.color.clear();
  failed.material.clear();
  failed.style.clear();
  failed.confidence = 0;
  failed.error = unavailable_error("service down");
  ASSERT_TRUE(store.add_ai_analysis(failed).ok());
  ASSERT_TRUE(store.add_ai_analysis(analysis(c.back, "saia")).ok());
  ASSERT_TRUE(store.add_ai_analysis(analysis(c.back, "vestido")).ok());
  AiAnalysis item = analysis(c.back, "cinto");
  item.item_position = 1;
  ASSERT_TRUE(store.add_ai_analysis(item).ok());
}

struct Exported {
  ExportReport report;
  std::string bytes;
};

Exported run(CatalogStore& store, const ExportOptions& options) {
  Exported out;
  auto report = export_catalog(store, options, [&](std::string_view chunk) {
    out.bytes.append(chunk);
    return Status();
  });
  EXPECT_TRUE(report.ok()) << report.status();
  if (report.ok()) out.report = *report;
  return out;
}

// "/images/7?size=original&exp=..." of a URL with an origin in front.
std::string target_of(const std::string& url, std::string_view base) {
  EXPECT_TRUE(url.starts_with(base)) << url;
  return url.substr(base.size());
}

}  // namespace

TEST_P(CatalogStoreConformance, ExportReadsImagesAnalysesAndViewsByPage) {
  CatalogStore& store = *store_;
  const Catalog c = make_catalog(store);
  const RowId ids[] = {c.abc1, c.xyz9, 999999};
  auto images = store.images_of_products(ids);
  ASSERT_TRUE(images.ok()) << images.status();
  std::vector<RowId> got;
  for (const ImageRecord& i : *images) got.push_back(i.id);
  // By product, then view ("back" < "detail" < "front"), sequence, id;
  // rejected ones included.
  EXPECT_EQ(
      got, (std::vector<RowId>{c.back, c.detail, c.front1, c.front2, c.loose}));
  EXPECT_EQ((*images)[1].status, ImageStatus::kRejected);
  EXPECT_EQ(store.images_of_products({}).status().code(),
            ErrorCode::kInvalidArgument);
  std::vector<RowId> too_many(10001, 1);
  EXPECT_EQ(store.images_of_products(too_many).status().code(),
            ErrorCode::kInvalidArgument);

  auto views = store.photo_views(std::nullopt, std::nullopt);
  ASSERT_TRUE(views.ok()) << views.status();
  // The rejected detail photo shows no view.
  EXPECT_EQ(views->views,
            (std::vector<std::string>{"", "back", "front", "side"}));
  EXPECT_FALSE(views->analysed);

  analyse(store, c);
  const RowId photos[] = {c.front1, c.back, c.side};
  auto latest = store.latest_ai_analyses(photos);
  ASSERT_TRUE(latest.ok()) << latest.status();
  // The failed attempt and the item's analysis are not answers about the
  // photo; of the two answers the newer wins.
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].image_id, c.back);
  EXPECT_EQ((*latest)[0].garment_type, "vestido");
  EXPECT_FALSE((*latest)[0].item_position.has_value());
  EXPECT_EQ(store.latest_ai_analyses({}).status().code(),
            ErrorCode::kInvalidArgument);

  auto all = store.photo_views(std::nullopt, std::nullopt);
  auto verao = store.photo_views(c.verao, std::nullopt);
  auto brand_b = store.brands();
  ASSERT_TRUE(all.ok() && verao.ok() && brand_b.ok());
  EXPECT_TRUE(all->analysed);
  EXPECT_EQ(verao->views, (std::vector<std::string>{"back", "front", "side"}));
  RowId b = 0;
  for (const Brand& x : *brand_b) {
    if (x.name == "Marca B") b = x.id;
  }
  auto only_b = store.photo_views(std::nullopt, b);
  ASSERT_TRUE(only_b.ok());
  EXPECT_EQ(only_b->views, (std::vector<std::string>{""}));
  EXPECT_FALSE(only_b->analysed);
  auto none = store.photo_views(c.verao, b);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->views.empty());
}

TEST_P(CatalogStoreConformance, ExportCsvHasOneRowPerProductWithItsFacts) {
  CatalogStore& store = *store_;
  const Catalog c = make_catalog(store);
  analyse(store, c);
  ExportOptions o;
  Exported e = run(store, o);
  const Rows rows = parse_csv(e.bytes);
  ASSERT_EQ(rows.size(), 5u) << e.bytes;  // the header and 4 products
  EXPECT_EQ(e.report.products, 4);
  EXPECT_EQ(e.report.images, 6);
  EXPECT_EQ(e.report.analysed, 1);
  EXPECT_EQ(e.report.bytes, static_cast<std::int64_t>(e.bytes.size()));
  EXPECT_EQ(e.report.columns, rows[0]);
  // Required views first, then the others by name, photos without a view
  // last; the AI's columns after the rest.
  const std::vector<std::string> head(rows[0].begin(), rows[0].begin() + 4);
  EXPECT_EQ(head, (std::vector<std::string>{"sku", "sku_base", "marca_catalogo",
                                            "colecao_catalogo"}));
  auto at = [&](const std::string& name) {
    return std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin();
  };
  EXPECT_LT(at("fotos_frente"), at("fotos_costas"));
  EXPECT_LT(at("fotos_costas"), at("fotos_detalhe"));
  EXPECT_LT(at("fotos_detalhe"), at("fotos_lateral"));
  EXPECT_LT(at("fotos_lateral"), at("fotos_sem_vista"));
  EXPECT_LT(at("urls"), at("ia_tipo_peca"));

  auto m = by_sku(rows);
  ASSERT_EQ(m.size(), 4u);
  const auto& abc1 = m.at("ABC1");
  EXPECT_EQ(abc1.at("marca_catalogo"), "Marca A");
  EXPECT_EQ(abc1.at("colecao_catalogo"), "Verão");
  EXPECT_EQ(abc1.at("nome_peca"), "Vestido \"Midi\", linho");
  EXPECT_EQ(abc1.at("preco_venda"), "189.9");
  EXPECT_EQ(abc1.at("fotos"), "3");
  EXPECT_EQ(abc1.at("fotos_frente"), "2");
  EXPECT_EQ(abc1.at("fotos_costas"), "1");
  EXPECT_EQ(abc1.at("fotos_detalhe"), "0");  // the detail was rejected
  EXPECT_EQ(abc1.at("cobertura"), "incompleta");
  EXPECT_EQ(abc1.at("vistas_faltando"), "detalhe");
  EXPECT_EQ(abc1.at("imagens"), "4");
  EXPECT_EQ(abc1.at("imagens_pendentes"), "2");
  EXPECT_EQ(abc1.at("imagens_aprovadas"), "1");
  EXPECT_EQ(abc1.at("imagens_rejeitadas"), "1");
  EXPECT_EQ(abc1.at("imagens_aguardando_ia"), "0");
  // Cover order: front by sequence, then back; the rejected photo has no
  // URL.
  const std::string first =
      "/images/" + std::to_string(c.front1) + "?size=original";
  EXPECT_EQ(abc1.at("url_capa"), first);
  EXPECT_EQ(abc1.at("urls"), first + " /images/" + std::to_string(c.front2) +
                                 "?size=original /images/" +
                                 std::to_string(c.back) + "?size=original");
  // The newest answer about the first analysed photo (the back one).
  EXPECT_EQ(abc1.at("ia_tipo_peca"), "vestido");
  EXPECT_EQ(abc1.at("ia_cores"), "azul-marinho, branco");
  EXPECT_EQ(abc1.at("ia_tags"), "vestido, linho");
  EXPECT_EQ(abc1.at("ia_confianca"), "0.875");
  EXPECT_EQ(abc1.at("ia_imagem"), std::to_string(c.back));
  // The Carteira's colour is untouched next to the AI's.
  EXPECT_EQ(abc1.at("cor"), "azul");
  EXPECT_EQ(abc1.at("ia_cor"), "azul-marinho");

  const auto& abc2 = m.at("ABC2");
  EXPECT_EQ(abc2.at("fotos_lateral"), "1");
  EXPECT_EQ(abc2.at("imagens_aguardando_ia"), "1");
  EXPECT_EQ(abc2.at("vistas_faltando"), "frente, costas, detalhe");
  EXPECT_EQ(abc2.at("ia_tipo_peca"), "");
  EXPECT_EQ(abc2.at("ia_confianca"), "");

  // Formula injection: text cells starting with = + - @ are neutralised.
  const auto& hack = m.at("'=HACK");
  EXPECT_EQ(hack.at("nome_peca"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(hack.at("fornecedor"), "'@SUM(1+1)");
  // A number stays a number.
  EXPECT_EQ(hack.at("preco_custo"), "-5");
  EXPECT_EQ(hack.at("cobertura"), "sem foto");
  EXPECT_EQ(hack.at("url_capa"), "");
  EXPECT_EQ(m.at("XYZ9").at("fotos_sem_vista"), "1");
  EXPECT_EQ(m.at("XYZ9").at("marca_catalogo"), "Marca B");
}

TEST_P(CatalogStoreConformance, ExportFiltersAndLeavesOutAiWhenNoneAnalysed) {
  CatalogStore& store = *store_;
  const Catalog c = make_catalog(store);
  ExportOptions o;
  Rows rows = parse_csv(run(store, o).bytes);
  EXPECT_EQ(rows.size(), 5u);
  EXPECT_FALSE(has_column(rows, "ia_tipo_peca"));  // nothing analysed yet
  analyse(store, c);

  o.collection = "Verão";
  rows = parse_csv(run(store, o).bytes);
  EXPECT_EQ(rows.size(), 4u);
  EXPECT_TRUE(has_column(rows, "ia_tipo_peca"));
  EXPECT_FALSE(has_column(rows, "fotos_sem_vista"));  // XYZ9 is not in it

  o.collection.reset();
  o.brand = "Marca B";
  rows = parse_csv(run(store, o).bytes);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(by_sku(rows).count("XYZ9"), 1u);
  // Marca B's photos were never analysed: no ia_ columns.
  EXPECT_FALSE(has_column(rows, "ia_tipo_peca"));

  o.collection = "Verão";  // not Marca B's
  auto sink = [](std::string_view) { return Status(); };
  EXPECT_EQ(export_catalog(store, o, sink).status().code(),
            ErrorCode::kNotFound);
  o.brand = "Marca C";
  o.collection.reset();
  auto missing = export_catalog(store, o, sink);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("Marca C"), std::string::npos);

  // Pages of one product read the same rows as one page.
  ExportOptions whole, paged;
  paged.page_size = 1;
  EXPECT_EQ(run(store, whole).bytes, run(store, paged).bytes);

  // Only the columns asked, in their order.
  ExportOptions some;
  some.columns = {"fotos", "sku"};
  some.csv_delimiter = ';';
  some.csv_bom = true;
  const std::string bytes = run(store, some).bytes;
  ASSERT_TRUE(
      bytes.starts_with("\xEF\xBB\xBF"
                        "fotos;sku\r\n"))
      << bytes;
  EXPECT_NE(bytes.find("\r\n3;ABC1\r\n"), std::string::npos) << bytes;
}

TEST_P(CatalogStoreConformance, ExportSignsUrlsTheServerVerifies) {
  CatalogStore& store = *store_;
  const Catalog c = make_catalog(store);
  ExportOptions o;
  o.url_base = "https://img.example.com/";
  o.url_size = "grid";
  o.signing_keys = {{"k1", std::string(32, 's')}};
  o.url_expires_unix_s = now_s() + 3600;
  const auto m = by_sku(parse_csv(run(store, o).bytes));
  const std::string url = m.at("ABC1").at("url_capa");
  const std::string target = target_of(url, "https://img.example.com");
  EXPECT_TRUE(target.starts_with("/images/" + std::to_string(c.front1) +
                                 "?size=grid&exp="))
      << target;
  auto signer = UrlSigner::create(o.signing_keys);
  ASSERT_TRUE(signer.ok());
  EXPECT_TRUE(signer->verify(target, now_s()).ok()) << target;
  EXPECT_EQ(signer->verify(target, o.url_expires_unix_s + 1).code(),
            ErrorCode::kPermissionDenied);
  std::string other = target;
  other.replace(other.find("size=grid"), 9, "size=zoom");
  EXPECT_EQ(signer->verify(other, now_s()).code(),
            ErrorCode::kPermissionDenied);
  // Another key does not verify them.
  auto stranger = UrlSigner::create({{"k1", std::string(32, 't')}});
  ASSERT_TRUE(stranger.ok());
  EXPECT_FALSE(stranger->verify(target, now_s()).ok());
}

TEST_P(CatalogStoreConformance, ExportJsonlNestsViewsImagesAndAi) {
  CatalogStore& store = *store_;
  const Catalog c = make_catalog(store);
  analyse(store, c);
  ExportOptions o;
  o.format = ExportFormat::kJsonl;
  const std::string text = run(store, o).bytes;
  std::istringstream lines(text);
  std::map<std::string, boost::json::object> objects;
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
    objects[std::string(v.at("sku").as_string())] = v.as_object();
  }
  ASSERT_EQ(objects.size(), 4u);
  const boost::json::object& abc1 = objects.at("ABC1");
  EXPECT_EQ(abc1.at("carteira").at("nome_peca"), "Vestido \"Midi\", linho");
  EXPECT_EQ(abc1.at("fotos_por_vista").at("frente"), 2);
  EXPECT_EQ(abc1.at("imagens_por_status").at("rejeitada"), 1);
  const boost::json::array& images = abc1.at("imagens").as_array();
  ASSERT_EQ(images.size(), 4u);
  // Cover order, the rejected photo last; views and statuses in pt-BR.
  EXPECT_EQ(images[0].at("id"), c.front1);
  EXPECT_EQ(images[0].at("vista"), "frente");
  EXPECT_EQ(images[0].at("status"), "aprovada");
  EXPECT_EQ(images[2].at("vista"), "costas");
  EXPECT_EQ(images[3].at("id"), c.detail);
  EXPECT_EQ(images[3].at("status"), "rejeitada");
  EXPECT_EQ(abc1.at("url_capa"), images[0].at("url"));
  EXPECT_EQ(abc1.at("vistas_faltando").as_array().size(), 1u);
  EXPECT_EQ(abc1.at("ia").at("tipo_peca"), "vestido");
  EXPECT_EQ(abc1.at("ia").at("cores").as_array().size(), 2u);
  // The AI is there only for the analysed product; text is JSON text (no
  // apostrophes: nothing in JSON runs).
  EXPECT_FALSE(objects.at("ABC2").contains("ia"));
  EXPECT_EQ(objects.at("=HACK").at("carteira").at("nome_peca"),
            "=cmd|' /C calc'!A0");
  EXPECT_TRUE(objects.at("=HACK").at("url_capa").is_null());
}

TEST_P(CatalogStoreConformance, ExportXlsxToAFileWholeOrNotAtAll) {
  CatalogStore& store = *store_;
  make_catalog(store);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("imagebank-export-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ExportOptions o;
  o.format = ExportFormat::kXlsx;
  o.temp_dir = dir;
  auto report = export_catalog(store, o, dir / "catalogo.xlsx");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->products, 4);
  std::ifstream in(dir / "catalogo.xlsx", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(static_cast<std::int64_t>(bytes.size()), report->bytes);
  EXPECT_TRUE(bytes.starts_with("PK\x03\x04"));  // a zip: the OOXML package
  // Nothing else is left behind: no .part, no libxlsxwriter files.
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    left.push_back(e.path().filename().string());
  }
  EXPECT_EQ(left, (std::vector<std::string>{"catalogo.xlsx"}));

  // A failing sink stops the export with its error; a failed export to a
  // file leaves no file.
  auto failing = export_catalog(
      store, o, [](std::string_view) { return io_error("disk full"); });
  EXPECT_EQ(failing.status().code(), ErrorCode::kIoError);
  o.brand = "nobody";
  EXPECT_FALSE(export_catalog(store, o, dir / "nada.xlsx").ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "nada.xlsx"));
  EXPECT_FALSE(std::filesystem::exists(dir / "nada.xlsx.part"));
  std::filesystem::remove_all(dir);
}

TEST_P(CatalogStoreConformance, ExportRefusesBadOptionsByName) {
  CatalogStore& store = *store_;
  auto sink = [](std::string_view) { return Status(); };
  auto refused = [&](const ExportOptions& o, std::string_view names) {
    auto r = export_catalog(store, o, sink);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << names;
    EXPECT_NE(r.status().message().find(names), std::string::npos)
        << r.status();
  };
  ExportOptions o;
  o.csv_delimiter = '|';
  refused(o, "csv_delimiter");
  o = {};
  o.url_base = "javascript:alert(1)";
  refused(o, "url_base");
  o.url_base = "https://x.example/?a=1";
  refused(o, "url_base");
  o = {};
  o.url_size = "../../etc";
  refused(o, "url_size");
  o = {};
  o.signing_keys = {{"k1", std::string(32, 's')}};
  refused(o, "url_expires_unix_s");
  o.signing_keys = {{"k1", "short"}};
  o.url_expires_unix_s = now_s() + 60;
  auto weak = export_catalog(store, o, sink);
  EXPECT_EQ(weak.status().code(), ErrorCode::kInvalidArgument);
  o = {};
  o.columns = {"sku", "senha"};
  refused(o, "senha");
  o = {};
  o.page_size = 0;
  refused(o, "page_size");
  EXPECT_EQ(parse_export_format("pdf").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(*parse_export_format("xlsx"), ExportFormat::kXlsx);
}

}  // namespace imagebank::testing
