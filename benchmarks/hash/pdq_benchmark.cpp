// PDQ benchmarks (registered into hash_benchmark).
//
// The "MP/s" counter is megapixels of the hashed image per second.
// IMAGEBANK_CORPUS set: the 18 MP photo is the corpus's 5640x3172 JPEG
// (decoded once, outside the timing) and the file benchmark runs; otherwise
// a synthetic picture of the same size is hashed.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "imagebank/hash/pdq.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/resize.hpp"

namespace {

namespace fs = std::filesystem;
using imagebank::Image;

fs::path big_photo_path() {
  const char* dir = std::getenv("IMAGEBANK_CORPUS");
  if (dir == nullptr) return {};
  const fs::path p = fs::path(dir) / "Elephants_5640x3172.jpg";
  return fs::exists(p) ? p : fs::path();
}

Image synthetic(std::uint32_t w, std::uint32_t h) {
  Image image = Image::create(w, h, 3).value();
  for (std::uint32_t y = 0; y < h; ++y) {
    std::uint8_t* row = image.row(y);
    for (std::uint32_t x = 0; x < w; ++x) {
      for (int c = 0; c < 3; ++c) {
        const double v = 128 + 90 * std::sin(x * 0.003 * (c + 1) + y * 0.005) +
                         static_cast<double>((x * 7 + y * 13 + c) % 29);
        row[std::size_t{x} * 3 + c] =
            static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
      }
    }
  }
  return image;
}

const Image& image_18mp() {
  static const Image image = [] {
    const fs::path p = big_photo_path();
    if (!p.empty()) {
      if (auto decoded = imagebank::decode(p); decoded.ok()) {
        return std::move(decoded).value();
      }
    }
    return synthetic(5640, 3172);
  }();
  return image;
}

const Image& image_1mp() {
  static const Image image =
      imagebank::resize(image_18mp(), 1333, 750).value();  // 1.0 MP
  return image;
}

void set_rate(benchmark::State& state, const Image& image) {
  const double mp = static_cast<double>(image.width()) * image.height() / 1e6;
  state.counters["MP/s"] =
      benchmark::Counter(mp * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(image.width()) + "x" +
                 std::to_string(image.height()) +
                 (big_photo_path().empty() ? " synthetic" : " corpus"));
}

void hash_image(benchmark::State& state, const Image& image) {
  for (auto _ : state) {
    auto h = imagebank::pdq(image);
    if (!h.ok()) {
      state.SkipWithError(h.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(h);
  }
  set_rate(state, image);
}

void BM_PdqImage18MP(benchmark::State& state) {
  hash_image(state, image_18mp());
}
BENCHMARK(BM_PdqImage18MP)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PdqImage1MP(benchmark::State& state) { hash_image(state, image_1mp()); }
BENCHMARK(BM_PdqImage1MP)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PdqDihedral18MP(benchmark::State& state) {
  const Image& image = image_18mp();
  for (auto _ : state) {
    auto h = imagebank::pdq_dihedral(image);
    benchmark::DoNotOptimize(h);
  }
  set_rate(state, image);
}
BENCHMARK(BM_PdqDihedral18MP)->Unit(benchmark::kMillisecond)->UseRealTime();

// The worst case: an image without structure takes the path that repeats
// the reference's roundings (one colour, 18 MP).
void BM_PdqFlat18MP(benchmark::State& state) {
  static const Image flat = [] {
    Image image = Image::create(5640, 3172, 3).value();
    for (std::size_t i = 0; i < image.size_bytes(); i += 3) {
      image.data()[i] = 200;
      image.data()[i + 1] = 30;
      image.data()[i + 2] = 40;
    }
    return image;
  }();
  hash_image(state, flat);
}
BENCHMARK(BM_PdqFlat18MP)->Unit(benchmark::kMillisecond)->UseRealTime();

// pdq(Source): decode (shrink-on-load, orientation, sRGB) and hash.
void BM_PdqFile18MP(benchmark::State& state) {
  const fs::path p = big_photo_path();
  if (p.empty()) {
    state.SkipWithError("set IMAGEBANK_CORPUS");
    return;
  }
  auto source = imagebank::Source::file(p);
  if (!source.ok()) {
    state.SkipWithError(source.status().to_string().c_str());
    return;
  }
  for (auto _ : state) {
    auto h = imagebank::pdq(**source);
    benchmark::DoNotOptimize(h);
  }
  set_rate(state, image_18mp());
}
BENCHMARK(BM_PdqFile18MP)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
