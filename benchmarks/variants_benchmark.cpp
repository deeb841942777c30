// variants module: make_variants throughput (all six presets) and Accept
// negotiation per request.
//
//   IMAGEBANK_CORPUS=$(../shared/corpus/fetch-photos)
//   build/release-bench/benchmarks/variants_benchmark
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "imagebank/variants/negotiate.hpp"
#include "imagebank/variants/variants.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<std::vector<char>> corpus_jpegs() {
  std::vector<std::vector<char>> out;
  const char* dir = std::getenv("IMAGEBANK_CORPUS");
  if (!dir) return out;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".jpg") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
  }
  return out;
}

// Source images per second over the corpus JPEGs; arg 0: JPEG+WebP,
// arg 1: JPEG+WebP+AVIF (default settings).
void BM_MakeVariantsCorpus(benchmark::State& state) {
  static const auto photos = corpus_jpegs();
  if (photos.empty()) {
    state.SkipWithError("set IMAGEBANK_CORPUS");
    return;
  }
  imagebank::VariantOptions options;
  options.formats = {imagebank::Format::kJpeg, imagebank::Format::kWebp};
  if (state.range(0) == 1) options.formats.push_back(imagebank::Format::kAvif);
  for (auto _ : state) {
    for (const auto& p : photos) {
      auto v = imagebank::make_variants(std::as_bytes(std::span(p)), options);
      if (!v.ok()) {
        state.SkipWithError(v.status().to_string().c_str());
        return;
      }
      benchmark::DoNotOptimize(v);
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(photos.size()));
}
BENCHMARK(BM_MakeVariantsCorpus)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

void BM_Negotiate(benchmark::State& state) {
  const imagebank::Format available[] = {imagebank::Format::kAvif,
                                         imagebank::Format::kWebp,
                                         imagebank::Format::kJpeg};
  const char* chrome =
      "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
  for (auto _ : state) {
    benchmark::DoNotOptimize(imagebank::negotiate(chrome, available));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Negotiate);

}  // namespace

BENCHMARK_MAIN();
