// The per-request work of serving: a plan for a stored variant (catalog
// lookups, negotiation, ETag, conditional check), the same answered 304, a
// signed URL checked, an API key checked (cached and uncached).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "imagebank/bank/bank.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/serve/api_keys.hpp"
#include "imagebank/serve/image_service.hpp"
#include "imagebank/serve/signed_url.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

constexpr std::string_view kChrome =
    "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";

struct Fixture {
  std::filesystem::path dir;
  std::shared_ptr<CatalogStore> catalog;
  std::shared_ptr<BlobStore> blobs;
  std::unique_ptr<ImageService> service;
  RowId image_id = 0;
  std::string etag;

  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("imagebank_serve_bench_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    catalog = std::shared_ptr<CatalogDatabase>(
        open_catalog_store("sqlite://" + (dir / "bank.db").string()).value());
    blobs = std::shared_ptr<BlobStore>(
        open_blob_store("file://" + (dir / "files").string()).value());
    const auto bytes = testing::read_file(testing::data_path("orient1.jpg"));
    ImageRecord r;
    r.sha256 = to_hex(sha256(bytes));
    r.format = "jpeg";
    r.bytes = bytes.size();
    r.blob_key = original_blob_key(r.sha256, "jpg").value();
    blobs->put(r.blob_key, bytes).ignore();
    image_id = catalog->insert_image(r).value().image.id;
    service = ImageService::create(catalog, blobs).value();
    ImageRequest req{std::to_string(image_id), "grid", "auto",
                     std::string(kChrome),     "",     ""};
    const ImagePlan made = service->plan(req);  // made on demand once
    for (const auto& [k, v] : made.headers) {
      if (k == "ETag") etag = v;
    }
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_PlanStoredVariant(benchmark::State& state) {
  Fixture& f = fixture();
  const ImageRequest req{std::to_string(f.image_id), "grid", "auto",
                         std::string(kChrome),       "",     ""};
  for (auto _ : state) {
    ImagePlan plan = f.service->plan(req);
    if (plan.status != 200) state.SkipWithError("not 200");
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlanStoredVariant)->UseRealTime();

void BM_PlanNotModified(benchmark::State& state) {
  Fixture& f = fixture();
  const ImageRequest req{std::to_string(f.image_id), "grid", "auto",
                         std::string(kChrome),       f.etag, ""};
  for (auto _ : state) {
    ImagePlan plan = f.service->plan(req);
    if (plan.status != 304) state.SkipWithError("not 304");
    benchmark::DoNotOptimize(plan);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlanNotModified)->UseRealTime();

void BM_VerifySignedUrl(benchmark::State& state) {
  const UrlSigner signer =
      UrlSigner::create({{"k1", std::string(32, 's')}}).value();
  const std::string url =
      signer.sign("/images/123456?size=grid&format=auto", 4102444800).value();
  for (auto _ : state) {
    Status st = signer.verify(url, 1767225600);
    if (!st.ok()) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifySignedUrl);

void BM_AuthenticateApiKey(benchmark::State& state) {
  Fixture& f = fixture();
  ApiKeys keys(f.catalog, ApiKeysOptions{state.range(0)});
  const std::string key =
      keys.create("bench", std::vector<ApiScope>{ApiScope::kRead}).value().key;
  for (auto _ : state) {
    auto who = keys.authorize(key, ApiScope::kRead);
    if (!who.ok()) state.SkipWithError("authorize failed");
    benchmark::DoNotOptimize(who);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) > 0 ? "cached" : "catalog each time");
}
BENCHMARK(BM_AuthenticateApiKey)->Arg(5000)->Arg(0)->UseRealTime();

}  // namespace
}  // namespace imagebank

BENCHMARK_MAIN();
