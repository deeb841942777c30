// The catalog store at scale, on SQLite and on a real PostgreSQL server
// (started in a temp directory by scripts/pg-test-server.sh):
//   BM_InsertImages: N image rows (default 1,000,000) with 100k products in
//     10 collections, in batched transactions of 10,000 (insert_images).
//   BM_MissingPhotos / BM_Coverage / BM_ImageCounts: the reports over that
//     catalog (every page of products without photos; coverage of every
//     collection with 3 views; counts by brand, collection and status).
// Targets (issue 6): insert ≤ 60 s SQLite / ≤ 90 s PostgreSQL; each report
// ≤ 1 s on both. IMAGEBANK_BENCH_CATALOG_IMAGES and ..._PRODUCTS shrink the
// catalog (the smoke run in scripts/test.sh does).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "imagebank/adapters/sql_catalog_store.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;

using testing::env_count;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
  if (::pclose(pipe) != 0) return "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// One catalog per backend, built by BM_InsertImages and read by the reports.
struct Catalog {
  std::unique_ptr<CatalogStore> store;
  std::vector<RowId> collections;
  std::vector<RowId> products;  // index = product number
  bool filled = false;
};

struct Backends {
  fs::path dir;
  bool pg_started = false;
  int databases = 0;
  std::map<std::string, Catalog> catalogs;

  Backends() {
    dir = fs::temp_directory_path() /
          ("imagebank-catalog-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~Backends() {
    catalogs.clear();
    if (pg_started)
      run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " stop " +
          (dir / "pg").string());
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // The backend's catalog; `fresh` replaces it with one on a new, empty
  // database (each timed insert starts from nothing).
  Catalog* get(const std::string& backend, bool fresh, std::string* error) {
    auto it = catalogs.find(backend);
    if (it != catalogs.end() && !fresh) return &it->second;
    if (it != catalogs.end()) catalogs.erase(it);
    const std::string name = "bench" + std::to_string(++databases);
    Result<std::unique_ptr<CatalogDatabase>> store = internal_error("unopened");
    if (backend == "sqlite") {
      store = open_sqlite_catalog(dir / (name + ".db"));
    } else {
      if (!pg_started) {
        if (run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " start " +
                (dir / "pg").string())
                .empty()) {
          *error = "could not start PostgreSQL";
          return nullptr;
        }
        pg_started = true;
      }
      const std::string uri =
          run(std::string(IMAGEBANK_PG_SERVER_SCRIPT) + " createdb " +
              (dir / "pg").string() + " " + name);
      store = open_postgresql_catalog(uri);
    }
    if (!store.ok()) {
      *error = store.status().to_string();
      return nullptr;
    }
    Catalog& c = catalogs[backend];
    c.store = std::move(store).value();
    return &c;
  }
};

Backends& backends() {
  static Backends b;
  return b;
}

std::string sha(long n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064lx",
                static_cast<unsigned long>(n) * 2654435761ul);
  return buf;
}

// 100k products in 10 collections; images go to 70% of the products, 1-3
// views each, the rest unlinked (as photos without SKU are).
Status fill(Catalog& c, long images, long products, double* insert_seconds) {
  auto brand = c.store->upsert_brand("Bench");
  if (!brand.ok()) return brand.status();
  const long per_collection = std::max(1L, products / 10);
  for (long k = 0; k < 10; ++k) {
    auto col =
        c.store->upsert_collection(brand->id, "C" + std::to_string(k), "");
    if (!col.ok()) return col.status();
    c.collections.push_back(col->id);
    CarteiraImportRequest request;
    request.collection_id = col->id;
    request.file = "bench.xlsx";
    for (long i = 0; i < per_collection; ++i) {
      ProductUpsert p;
      p.sku = "SKU" + std::to_string(k * per_collection + i);
      p.fields.nome_peca = "Peça";
      request.products.push_back(std::move(p));
    }
    auto imported = c.store->import_products(request);
    if (!imported.ok()) return imported.status();
    // Before any image, every product is "without photos": its pages list
    // the ids in creation order.
    RowId after = 0;
    do {
      auto page = c.store->products_without_photos(col->id, after, 10'000);
      if (!page.ok()) return page.status();
      for (const Product& p : page->items) c.products.push_back(p.id);
      after = page->next_after;
    } while (after != 0);
  }
  static const char* kViews[] = {"front", "back", "detail"};
  const auto start = std::chrono::steady_clock::now();
  constexpr long kBatch = 10'000;
  std::vector<ImageRecord> batch;
  batch.reserve(kBatch);
  for (long n = 0; n < images; ++n) {
    ImageRecord r;
    r.sha256 = sha(n);
    r.phash = static_cast<std::uint64_t>(n) * 0x9E3779B97F4A7C15ull;
    r.dhash = r.phash ^ 0xFFFF;
    r.pdq_quality = 100;
    r.width = 2000;
    r.height = 3000;
    r.format = "jpeg";
    r.bytes = 400'000;
    const long product = (n / 3) % static_cast<long>(c.products.size());
    r.view = kViews[n % 3];
    if (product % 10 < 7) {
      r.product_id = c.products[product];
      r.collection_id = c.collections[product / per_collection];
      r.sku_base = "SKU" + std::to_string(product);
    }
    r.original_name = r.sku_base + "_" + r.view + ".jpg";
    r.blob_key = "originals/" + r.sha256.substr(0, 2) + "/" +
                 r.sha256.substr(2, 2) + "/" + r.sha256 + ".jpg";
    batch.push_back(std::move(r));
    if (static_cast<long>(batch.size()) == kBatch || n + 1 == images) {
      auto rows = c.store->insert_images(batch);
      if (!rows.ok()) return rows.status();
      batch.clear();
    }
  }
  *insert_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  c.filled = true;
  return {};
}

Catalog* filled_catalog(benchmark::State& state, const std::string& backend,
                        double* insert_seconds) {
  std::string error;
  Catalog* c = backends().get(backend, insert_seconds != nullptr, &error);
  if (c == nullptr) {
    state.SkipWithError(error.c_str());
    return nullptr;
  }
  if (!c->filled) {
    double seconds = 0;
    Status s =
        fill(*c, env_count("IMAGEBANK_BENCH_CATALOG_IMAGES", 1'000'000),
             env_count("IMAGEBANK_BENCH_CATALOG_PRODUCTS", 100'000), &seconds);
    if (!s.ok()) {
      state.SkipWithError(s.to_string().c_str());
      return nullptr;
    }
    if (insert_seconds != nullptr) *insert_seconds = seconds;
  }
  return c;
}

void BM_InsertImages(benchmark::State& state, const std::string& backend) {
  for (auto _ : state) {
    double seconds = 0;
    if (filled_catalog(state, backend, &seconds) == nullptr) return;
    state.SetIterationTime(seconds);
  }
  state.SetItemsProcessed(
      env_count("IMAGEBANK_BENCH_CATALOG_IMAGES", 1'000'000));
}

void BM_MissingPhotos(benchmark::State& state, const std::string& backend) {
  Catalog* c = filled_catalog(state, backend, nullptr);
  if (c == nullptr) return;
  std::int64_t found = 0;
  for (auto _ : state) {
    found = 0;
    RowId after = 0;
    do {
      auto page =
          c->store->products_without_photos(std::nullopt, after, 10'000);
      if (!page.ok()) {
        state.SkipWithError(page.status().to_string().c_str());
        return;
      }
      found += static_cast<std::int64_t>(page->items.size());
      after = page->next_after;
    } while (after != 0);
  }
  state.counters["products_without_photos"] = static_cast<double>(found);
}

void BM_Coverage(benchmark::State& state, const std::string& backend) {
  Catalog* c = filled_catalog(state, backend, nullptr);
  if (c == nullptr) return;
  const std::vector<std::string> views = {"front", "back", "detail"};
  for (auto _ : state) {
    auto coverage = c->store->coverage(std::nullopt, views);
    if (!coverage.ok()) {
      state.SkipWithError(coverage.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(coverage->size());
  }
}

void BM_ImageCounts(benchmark::State& state, const std::string& backend) {
  Catalog* c = filled_catalog(state, backend, nullptr);
  if (c == nullptr) return;
  for (auto _ : state) {
    auto counts = c->store->image_counts();
    if (!counts.ok()) {
      state.SkipWithError(counts.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(counts->size());
  }
}

BENCHMARK_CAPTURE(BM_InsertImages, sqlite, std::string("sqlite"))
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_MissingPhotos, sqlite, std::string("sqlite"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Coverage, sqlite, std::string("sqlite"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImageCounts, sqlite, std::string("sqlite"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_InsertImages, postgres, std::string("postgres"))
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_MissingPhotos, postgres, std::string("postgres"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Coverage, postgres, std::string("postgres"))
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImageCounts, postgres, std::string("postgres"))
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imagebank

BENCHMARK_MAIN();
