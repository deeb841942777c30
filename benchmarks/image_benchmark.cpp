// image module: header probe throughput.
//
//   build/release/benchmarks/image_benchmark [--benchmark_filter=...]
// IMAGEBANK_CORPUS (a folder of real photos, see ../shared/corpus) adds the
// corpus benchmarks; without it only tests/data is used.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "imagebank/image/probe.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> images_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto ext = e.path().extension();
    if (ext == ".jpg" || ext == ".png" || ext == ".webp" || ext == ".avif") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<fs::path> test_data() { return images_in(IMAGEBANK_TEST_DATA_DIR); }

std::vector<fs::path> corpus() {
  const char* dir = std::getenv("IMAGEBANK_CORPUS");
  return dir ? images_in(dir) : std::vector<fs::path>{};
}

void probe_files(benchmark::State& state, const std::vector<fs::path>& files) {
  if (files.empty()) {
    state.SkipWithError("no images (set IMAGEBANK_CORPUS for the corpus)");
    return;
  }
  std::int64_t bytes = 0;
  for (auto _ : state) {
    for (const auto& f : files) {
      auto info = imagebank::probe(f);
      if (!info.ok()) {
        state.SkipWithError(info.status().to_string().c_str());
        return;
      }
      bytes += static_cast<std::int64_t>(info->bytes);
      benchmark::DoNotOptimize(info);
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(files.size()));
  // Bytes of the files probed (not read): the rate a folder scan achieves.
  state.SetBytesProcessed(bytes);
}

void BM_ProbeFile_TestData(benchmark::State& state) {
  probe_files(state, test_data());
}
BENCHMARK(BM_ProbeFile_TestData);

void BM_ProbeFile_Corpus(benchmark::State& state) {
  probe_files(state, corpus());
}
BENCHMARK(BM_ProbeFile_Corpus);

void BM_ProbeMemory_TestData(benchmark::State& state) {
  std::vector<std::vector<char>> buffers;
  for (const auto& f : test_data()) {
    std::ifstream in(f, std::ios::binary);
    buffers.emplace_back(std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>());
  }
  for (auto _ : state) {
    for (const auto& b : buffers) {
      auto info = imagebank::probe(std::as_bytes(std::span(b)));
      benchmark::DoNotOptimize(info);
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(buffers.size()));
}
BENCHMARK(BM_ProbeMemory_TestData);

}  // namespace

BENCHMARK_MAIN();
