// export_scale: builds a synthetic catalog for measuring exports at scale
// (issue 19 §2: memory must not grow with the catalog), then the CLI is
// timed on it:
//
//   export_scale sqlite:///tmp/c200k.db 200000
//   imagebank export --format xlsx --db sqlite:///tmp/c200k.db
//     --storage memory: -o /tmp/c.xlsx      (under /usr/bin/time -v)
//
// Each product gets a Carteira row, photos of front, back and (two in three)
// detail, one in four photos approved, and one photo in sixty an AI
// analysis. Products and photos go in through the bulk paths
// (import_products, insert_images) in batches of 10,000.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "imagebank/bank/bank.hpp"

using namespace imagebank;

namespace {

std::string sha(std::int64_t n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064llx", static_cast<long long>(n));
  return buf;
}

int fail(const char* what, const Status& s) {
  std::fprintf(stderr, "export_scale: %s: %s\n", what, s.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: export_scale DB_URI PRODUCTS\n");
    return 2;
  }
  const std::int64_t total = std::atoll(argv[2]);
  auto db = open_catalog_store(argv[1]);
  if (!db.ok()) return fail("open", db.status());
  CatalogDatabase& store = **db;
  auto brand = store.upsert_brand("Aurora Moda");
  if (!brand.ok()) return fail("brand", brand.status());
  auto collection = store.upsert_collection(brand->id, "Verão 2027", "2027-V");
  if (!collection.ok()) return fail("collection", collection.status());
  constexpr std::int64_t kBatch = 10000;
  std::int64_t image_n = 0, analysed = 0;
  for (std::int64_t first = 0; first < total; first += kBatch) {
    const std::int64_t n = std::min(kBatch, total - first);
    CarteiraImportRequest request;
    request.collection_id = collection->id;
    request.file = "sintetica.xlsx";
    for (std::int64_t i = first; i < first + n; ++i) {
      ProductUpsert p;
      p.sku = "SKU" + std::to_string(100000 + i);
      p.fields.nome_peca = "Vestido midi " + std::to_string(i);
      p.fields.categoria = "Vestidos";
      p.fields.cor = i % 2 ? "azul" : "preto";
      p.fields.tamanho = "M";
      p.fields.quantidade = std::to_string(i % 50);
      p.fields.preco_venda = std::to_string(100 + i % 300) + ".9";
      p.fields.fornecedor = "Confecções Sul";
      request.products.push_back(std::move(p));
    }
    auto imported = store.import_products(request);
    if (!imported.ok()) return fail("import", imported.status());
    std::vector<ImageRecord> images;
    for (std::int64_t i = first; i < first + n; ++i) {
      auto product = store.find_product(collection->id,
                                        "SKU" + std::to_string(100000 + i));
      if (!product.ok()) return fail("find", product.status());
      const char* views[] = {"front", "back", "detail"};
      for (int v = 0; v < (i % 3 == 0 ? 2 : 3); ++v) {
        ImageRecord r;
        r.sha256 = sha(++image_n);
        r.phash = static_cast<std::uint64_t>(image_n) * 0x9E3779B97F4A7C15ull;
        r.width = 1200;
        r.height = 1800;
        r.format = "jpeg";
        r.bytes = 250000;
        r.original_name = product->sku + "_" + views[v] + ".jpg";
        r.sku_base = product->sku;
        r.view = views[v];
        r.sequence = 1;
        r.product_id = product->id;
        r.collection_id = collection->id;
        r.blob_key =
            "originals/" + r.sha256.substr(0, 2) + "/" + r.sha256 + ".jpg";
        r.status =
            image_n % 4 == 0 ? ImageStatus::kApproved : ImageStatus::kPending;
        images.push_back(std::move(r));
      }
    }
    auto inserted = store.insert_images(images);
    if (!inserted.ok()) return fail("images", inserted.status());
    for (std::size_t k = 0; k < inserted->size(); k += 20 * 3) {
      AiAnalysis ai;
      ai.image_id = (*inserted)[k].image.id;
      ai.description = "Vestido midi de linho azul";
      ai.tags = {"vestido", "linho"};
      ai.color = "azul";
      ai.colors = {{"azul", "#1f4e99", 0.7}};
      ai.garment_type = "vestido";
      ai.material = "linho";
      ai.confidence = 0.8;
      ai.provider = "offline";
      ai.model = "synthetic";
      ai.sha256 = (*inserted)[k].image.sha256;
      ai.schema_version = 1;
      auto added = store.add_ai_analysis(ai);
      if (!added.ok()) return fail("analysis", added.status());
      ++analysed;
    }
    std::fprintf(stderr, "export_scale: %lld products\n",
                 static_cast<long long>(first + n));
  }
  std::printf("{\"products\": %lld, \"images\": %lld, \"analysed\": %lld}\n",
              static_cast<long long>(total), static_cast<long long>(image_n),
              static_cast<long long>(analysed));
  return 0;
}
