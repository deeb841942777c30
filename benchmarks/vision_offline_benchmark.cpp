// The offline vision analyzer: time per photo after decode (from a prepared
// VisionImage: upright RGB, long side <= 1024), one thread; and its colour
// primitives.
//
//   build/ci/benchmarks/vision_offline_benchmark [--benchmark_filter=...]
// IMAGEBANK_CORPUS (a folder of real photos, see ../shared/corpus) runs
// BM_OfflineAnalyzer on them; BM_OfflineAnalyzer_Synthetic needs nothing.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <vector>

#include "imagebank/adapters/vision.hpp"
#include "imagebank/image/colour.hpp"
#include "imagebank/image/source.hpp"
#include "imagebank/ingest/analysis.hpp"

namespace {

namespace fs = std::filesystem;
using imagebank::PreparedVisionImage;

std::vector<PreparedVisionImage> corpus_photos() {
  std::vector<PreparedVisionImage> out;
  const char* dir = std::getenv("IMAGEBANK_CORPUS");
  if (!dir || !fs::is_directory(dir)) return out;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto ext = e.path().extension();
    if (ext == ".jpg" || ext == ".png" || ext == ".webp") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto source = imagebank::Source::file(f);
    if (!source.ok()) continue;
    auto prepared =
        imagebank::prepare_vision_image(**source, std::string(64, '0'));
    if (prepared.ok()) out.push_back(std::move(prepared).value());
  }
  return out;
}

// A product shot: off-white studio background, a textured garment.
PreparedVisionImage synthetic_photo() {
  PreparedVisionImage p;
  p.name = "synthetic";
  p.width = 768;
  p.height = 1024;
  p.rgb.resize(std::size_t(p.width) * p.height * 3);
  std::mt19937 random(1);
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      std::uint8_t* q = &p.rgb[(std::size_t(y) * p.width + x) * 3];
      const bool garment = x > 180 && x < 590 && y > 120 && y < 900;
      const int noise = static_cast<int>(random() % 7) - 3;
      const int base[3] = {garment ? 30 : 248, garment ? 42 : 247,
                           garment ? 70 : 245};
      for (int c = 0; c < 3; ++c) {
        q[c] = static_cast<std::uint8_t>(std::clamp(base[c] + noise, 0, 255));
      }
    }
  }
  return p;
}

void run(benchmark::State& state,
         const std::vector<PreparedVisionImage>& photos) {
  if (photos.empty()) {
    state.SkipWithError("no photos (set IMAGEBANK_CORPUS for the corpus)");
    return;
  }
  auto analyzer = imagebank::open_vision_analyzer("offline://");
  if (!analyzer.ok()) {
    state.SkipWithError(analyzer.status().to_string().c_str());
    return;
  }
  const imagebank::VisionRequest request;
  for (auto _ : state) {
    for (const auto& photo : photos) {
      auto result = (*analyzer)->analyze(photo.view(), request);
      if (!result.ok()) {
        state.SkipWithError(result.status().to_string().c_str());
        return;
      }
      benchmark::DoNotOptimize(result);
    }
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(photos.size()));
}

void BM_OfflineAnalyzer(benchmark::State& state) {
  static const std::vector<PreparedVisionImage> photos = corpus_photos();
  run(state, photos);
}
BENCHMARK(BM_OfflineAnalyzer)->Unit(benchmark::kMillisecond);

void BM_OfflineAnalyzer_Synthetic(benchmark::State& state) {
  static const std::vector<PreparedVisionImage> photos = {synthetic_photo()};
  run(state, photos);
}
BENCHMARK(BM_OfflineAnalyzer_Synthetic)->Unit(benchmark::kMillisecond);

void BM_Ciede2000(benchmark::State& state) {
  const imagebank::Lab x{50, 2.5, 0}, y{61, -5, 29};
  for (auto _ : state) {
    benchmark::DoNotOptimize(imagebank::ciede2000(x, y));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ciede2000);

void BM_SrgbToLab(benchmark::State& state) {
  std::vector<std::uint8_t> rgb(256 * 341 * 3);
  std::mt19937 random(2);
  for (auto& v : rgb) v = static_cast<std::uint8_t>(random());
  for (auto _ : state) {
    benchmark::DoNotOptimize(imagebank::srgb_to_lab(rgb));
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(rgb.size() / 3));
}
BENCHMARK(BM_SrgbToLab);

}  // namespace

BENCHMARK_MAIN();
