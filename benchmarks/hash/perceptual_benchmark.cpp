// Perceptual hash benchmarks (pHash + dHash + aHash from one decode), fast
// and imagehash-compatible, from encoded bytes in memory: the test images,
// and with IMAGEBANK_CORPUS set the corpus photos one by one (JPEG and PNG)
// plus the 18 MP JPEG alone. Also the parts: Pillow's resampler on a grey
// image already in memory, and the DCT + median of one pHash.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "hash/pillow_imagehash.hpp"
#include "hash/pillow_resample.hpp"
#include "imagebank/hash/perceptual.hpp"

namespace {

namespace fs = std::filesystem;
using imagebank::HashCompat;

std::vector<char> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Input {
  std::string name;
  std::vector<char> bytes;
};

std::vector<Input> load(const fs::path& dir,
                        const std::vector<std::string>& exts) {
  std::vector<Input> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if (std::find(exts.begin(), exts.end(), ext) != exts.end()) {
      out.push_back({e.path().filename().string(), read_bytes(e.path())});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Input& a, const Input& b) { return a.name < b.name; });
  return out;
}

const std::vector<Input>& test_images() {
  static const std::vector<Input> images =
      load(IMAGEBANK_TEST_DATA_DIR, {".jpg", ".png", ".webp", ".avif"});
  return images;
}

const std::vector<Input>& corpus() {
  static const std::vector<Input> images = [] {
    const char* dir = std::getenv("IMAGEBANK_CORPUS");
    return dir ? load(dir, {".jpg", ".png"}) : std::vector<Input>{};
  }();
  return images;
}

void hash_all(benchmark::State& state, const std::vector<Input>& inputs,
              HashCompat compat) {
  if (inputs.empty()) {
    state.SkipWithError("no images (set IMAGEBANK_CORPUS for the corpus)");
    return;
  }
  imagebank::PerceptualOptions options;
  options.compat = compat;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    for (const Input& in : inputs) {
      const auto span = std::as_bytes(std::span(in.bytes));
      auto h = imagebank::perceptual_hashes(
          *imagebank::Source::memory(span, in.name), options);
      if (!h.ok()) {
        state.SkipWithError(h.status().to_string().c_str());
        return;
      }
      benchmark::DoNotOptimize(h);
      bytes += static_cast<std::int64_t>(in.bytes.size());
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(inputs.size()));
  state.SetBytesProcessed(bytes);
}

void BM_PerceptualFast_TestData(benchmark::State& state) {
  hash_all(state, test_images(), HashCompat::kFast);
}
BENCHMARK(BM_PerceptualFast_TestData);

void BM_PerceptualImagehash_TestData(benchmark::State& state) {
  hash_all(state, test_images(), HashCompat::kImagehash);
}
BENCHMARK(BM_PerceptualImagehash_TestData);

// One corpus file per run (arg = index in name order), so per-file times
// show; a run past the end of the corpus is skipped.
void corpus_file(benchmark::State& state, HashCompat compat) {
  const auto& all = corpus();
  const auto i = static_cast<std::size_t>(state.range(0));
  if (i >= all.size()) {
    state.SkipWithError("no such corpus file (set IMAGEBANK_CORPUS)");
    return;
  }
  state.SetLabel(all[i].name);
  hash_all(state, {all[i]}, compat);
}

void BM_PerceptualFast_Corpus(benchmark::State& state) {
  corpus_file(state, HashCompat::kFast);
}
BENCHMARK(BM_PerceptualFast_Corpus)
    ->DenseRange(0, 29)
    ->Unit(benchmark::kMillisecond);

void BM_PerceptualImagehash_Corpus(benchmark::State& state) {
  corpus_file(state, HashCompat::kImagehash);
}
BENCHMARK(BM_PerceptualImagehash_Corpus)
    ->DenseRange(0, 29)
    ->Unit(benchmark::kMillisecond);

// Pillow's Lanczos from a grey image already in memory to the three hash
// sizes (the compat path minus the decode); arg = width, height = 5/8 of it.
void BM_PillowResampleToHashSizes(benchmark::State& state) {
  const auto w = static_cast<std::uint32_t>(state.range(0));
  const std::uint32_t h = w * 5 / 8;
  std::vector<std::uint8_t> grey(std::size_t{w} * h);
  std::mt19937 rng(1);
  for (auto& p : grey) p = static_cast<std::uint8_t>(rng());
  const imagebank::pillow::Size2 sizes[] = {{32, 32}, {9, 8}, {8, 8}};
  for (auto _ : state) {
    imagebank::pillow::Resampler r(w, h, sizes);
    r.add_rows(grey.data(), h, w);
    benchmark::DoNotOptimize(r.result(0).data());
    benchmark::DoNotOptimize(r.result(1).data());
    benchmark::DoNotOptimize(r.result(2).data());
  }
  state.SetItemsProcessed(state.iterations() * w * h);  // source pixels
}
BENCHMARK(BM_PillowResampleToHashSizes)->Arg(640)->Arg(2560)->Arg(5640);

// scipy's DCT (both axes) + numpy's median of one 32x32 pHash input.
void BM_ImagehashPhashBits(benchmark::State& state) {
  std::uint8_t pixels[32 * 32];
  std::mt19937 rng(2);
  for (auto& p : pixels) p = static_cast<std::uint8_t>(rng());
  for (auto _ : state) {
    benchmark::DoNotOptimize(imagebank::pillow::phash_bits(pixels));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ImagehashPhashBits);

}  // namespace
