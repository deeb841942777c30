// The integrity check (check_bank) over a synthetic bank: N images (default
// 5,000; IMAGEBANK_BENCH_CHECK_IMAGES) on a SQLite file, each with 6
// variant rows, and an in-memory store holding exactly those objects, so
// the figure is the check's own cost (catalog pages, the merge) without a
// disk's or S3's listing. items/s = images checked per second; at 1M images
// the check takes 1M / that, plus the store's listing of ~7M keys.
//   BM_Check/0: sizes only; BM_Check/1: also 1% of the objects orphaned.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "imagebank/adapters/sql_catalog_store.hpp"
#include "imagebank/bank/check.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;

using testing::env_count;

std::string sha(long n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064lx", n * 2654435761L);
  return buf;
}

struct SyntheticBank {
  fs::path dir;
  std::unique_ptr<CatalogStore> catalog;
  std::unique_ptr<BlobStore> blobs = make_memory_blob_store();
  long images = 0;
  std::string error;

  SyntheticBank() {
    dir = fs::temp_directory_path() /
          ("imagebank-check-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto db = open_sqlite_catalog(dir / "bank.db");
    if (!db.ok()) {
      error = db.status().to_string();
      return;
    }
    catalog = std::move(*db);
    images = env_count("IMAGEBANK_BENCH_CHECK_IMAGES", 5000);
    const std::vector<std::byte> small(64, std::byte{1});
    static const char* presets[] = {"thumbnail", "small", "grid"};
    static const char* formats[] = {"avif", "jpeg"};
    for (long first = 0; first < images && error.empty(); first += 1000) {
      std::vector<ImageRecord> batch;
      for (long n = first; n < std::min(images, first + 1000); ++n) {
        ImageRecord r;
        r.sha256 = sha(n + 1);
        r.width = 1200;
        r.height = 1800;
        r.format = "jpeg";
        r.bytes = small.size();
        r.original_name = "SKU" + std::to_string(n) + "_FRENTE.jpg";
        r.view = "frente";
        r.blob_key = *original_blob_key(r.sha256, "jpg");
        batch.push_back(std::move(r));
      }
      auto stored = catalog->insert_images(batch);
      if (!stored.ok()) {
        error = stored.status().to_string();
        return;
      }
      for (const ImageInsert& in : *stored) {
        const ImageRecord& r = in.image;
        (void)blobs->put(r.blob_key, small);
        std::vector<VariantRecord> variants;
        for (const char* p : presets) {
          for (const char* f : formats) {
            const std::string key =
                "variants/" + r.sha256 + "/" + p + ".000000000000." + f;
            variants.push_back({r.id, p, f, 100, 150, small.size(), key});
            (void)blobs->put(key, small);
          }
        }
        if (Status s = catalog->put_variants(r.id, variants); !s.ok()) {
          error = s.to_string();
          return;
        }
      }
    }
  }
  ~SyntheticBank() {
    catalog.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

SyntheticBank& bank() {
  static SyntheticBank b;
  return b;
}

void BM_Check(benchmark::State& state) {
  SyntheticBank& b = bank();
  if (!b.error.empty()) {
    state.SkipWithError(b.error.c_str());
    return;
  }
  if (state.range(0) == 1) {
    // Orphans: 1% more objects under variants/ with no row.
    const std::vector<std::byte> one(1, std::byte{2});
    for (long n = 0; n < b.images / 100 * 7; ++n) {
      (void)b.blobs->put("variants/" + sha(b.images + n + 1) + "/x.jpg", one);
    }
  }
  CheckOptions options;
  options.grace = std::chrono::seconds(0);
  options.database = false;
  for (auto _ : state) {
    auto report = check_bank(*b.catalog, *b.blobs, options);
    if (!report.ok()) {
      state.SkipWithError(report.status().to_string().c_str());
      return;
    }
    if (static_cast<long>(report->images) != b.images) {
      state.SkipWithError("the check saw another number of images");
      return;
    }
    benchmark::DoNotOptimize(report->orphans);
  }
  state.SetItemsProcessed(state.iterations() * b.images);
}
BENCHMARK(BM_Check)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The engine's own check (SQLite quick_check + foreign_key_check) on the
// same catalog.
void BM_CheckDatabase(benchmark::State& state) {
  SyntheticBank& b = bank();
  if (!b.error.empty()) {
    state.SkipWithError(b.error.c_str());
    return;
  }
  for (auto _ : state) {
    auto found = b.catalog->check_database(state.range(0) == 1);
    if (!found.ok() || !found->has_value() || !(*found)->empty()) {
      state.SkipWithError("the database check failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * b.images);
}
BENCHMARK(BM_CheckDatabase)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imagebank

BENCHMARK_MAIN();
