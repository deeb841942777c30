// image module: header probe throughput.
//
//   build/release-bench/benchmarks/image_benchmark [--benchmark_filter=...]
// IMAGEBANK_CORPUS (a folder of real photos, see ../shared/corpus) adds the
// corpus benchmarks; without it only tests/data is used.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/probe.hpp"
#include "imagebank/image/resize.hpp"
#include "support/test_support.hpp"

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

std::vector<char> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path big_photo() {
  const char* dir = std::getenv("IMAGEBANK_CORPUS");
  return dir ? fs::path(dir) / "Elephants_5640x3172.jpg" : fs::path();
}

// Decode of the largest corpus PNG (2 MB, whole-file CRC and inflate):
// counters are bytes of the file per second.
void BM_DecodePngCorpus(benchmark::State& state) {
  const char* dir = std::getenv("IMAGEBANK_CORPUS");
  const fs::path path = dir ? fs::path(dir) / "Gulp.png" : fs::path();
  if (path.empty() || !fs::exists(path)) {
    state.SkipWithError("set IMAGEBANK_CORPUS");
    return;
  }
  const std::vector<char> bytes = read_bytes(path);
  const auto span = std::as_bytes(std::span(bytes));
  for (auto _ : state) {
    auto image = imagebank::decode(span);
    if (!image.ok()) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(image);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes.size()) *
                          state.iterations());
}
BENCHMARK(BM_DecodePngCorpus)->Unit(benchmark::kMillisecond);

// Decode of the 18 MP JPEG at scale 1/arg (shrink-on-load); counters are
// megapixels of the source per second.
void BM_DecodeJpeg18MP(benchmark::State& state) {
  const fs::path path = big_photo();
  if (path.empty() || !fs::exists(path)) {
    state.SkipWithError("set IMAGEBANK_CORPUS");
    return;
  }
  const std::vector<char> bytes = read_bytes(path);
  const auto span = std::as_bytes(std::span(bytes));
  imagebank::DecodeOptions options;
  const int shrink = static_cast<int>(state.range(0));
  // A target that selects this shrink factor exactly.
  options.target_width = shrink == 1 ? 0 : 5640 / (2 * shrink);
  options.target_height = shrink == 1 ? 0 : 3172 / (2 * shrink);
  for (auto _ : state) {
    imagebank::DecodeReport report;
    auto image = imagebank::decode(span, options, &report);
    if (!image.ok() || report.shrink != shrink) {
      state.SkipWithError("decode failed or wrong shrink");
      return;
    }
    benchmark::DoNotOptimize(image);
  }
  state.counters["MP/s"] = benchmark::Counter(
      5640.0 * 3172 / 1e6 * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes.size()) *
                          state.iterations());
}
BENCHMARK(BM_DecodeJpeg18MP)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->Unit(benchmark::kMillisecond);

imagebank::Image synthetic(std::uint32_t w, std::uint32_t h, int c) {
  imagebank::Image img = *imagebank::Image::create(w, h, c);
  for (std::uint32_t y = 0; y < h; ++y) {
    for (std::uint32_t x = 0; x < w * c; ++x) {
      img.row(y)[x] =
          static_cast<std::uint8_t>((x * 7 + y * 13) ^ (x * y >> 6));
    }
  }
  return img;
}

// Resize 5640x3172 RGB to the arg width (aspect kept): output MP/s and input
// MP/s.
void BM_ResizeLanczos3(benchmark::State& state) {
  const imagebank::Image src = synthetic(5640, 3172, 3);
  const auto w = static_cast<std::uint32_t>(state.range(0));
  const std::uint32_t h = static_cast<std::uint32_t>(3172.0 * w / 5640 + 0.5);
  for (auto _ : state) {
    auto out = imagebank::resize(src, w, h);
    if (!out.ok()) {
      state.SkipWithError(out.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(out);
  }
  state.counters["in MP/s"] = benchmark::Counter(
      5640.0 * 3172 / 1e6 * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["out MP/s"] = benchmark::Counter(
      double(w) * h / 1e6 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ResizeLanczos3)
    ->Arg(2400)
    ->Arg(1200)
    ->Arg(300)
    ->Unit(benchmark::kMillisecond);

// Encode a 1200x1200 RGB image: MP/s per codec at the variant defaults.
void BM_Encode(benchmark::State& state) {
  const imagebank::Image src = synthetic(1200, 1200, 3);
  imagebank::EncodeOptions o;
  o.format = static_cast<imagebank::Format>(state.range(0));
  o.quality = o.format == imagebank::Format::kAvif ? 60 : 80;
  o.speed = 8;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto out = imagebank::encode(src, o);
    if (!out.ok()) {
      state.SkipWithError(out.status().to_string().c_str());
      return;
    }
    bytes = static_cast<std::int64_t>(out->size());
    benchmark::DoNotOptimize(out);
  }
  state.SetLabel(std::string(imagebank::format_name(o.format)));
  state.counters["MP/s"] = benchmark::Counter(1.44 * state.iterations(),
                                              benchmark::Counter::kIsRate);
  state.counters["out_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Encode)
    ->Arg(static_cast<int>(imagebank::Format::kJpeg))
    ->Arg(static_cast<int>(imagebank::Format::kWebp))
    ->Arg(static_cast<int>(imagebank::Format::kAvif))
    ->Arg(static_cast<int>(imagebank::Format::kPng))
    ->Unit(benchmark::kMillisecond);

// Bad input: the hostile files of the decode tests, each refused. Reports the
// time to refuse one and, as `peak_kb`, how much the process's peak resident
// memory grows while refusing it (measured in a forked child against an idle
// child, so nothing else this process has done counts).
struct BadInput {
  const char* name;
  imagebank::testing::Bytes (*make)();
};
const BadInput kBadInputs[] = {
    {"png_12000x12000_rgba",
     [] { return imagebank::testing::png_declaring(12000, 12000); }},
    {"webp_lossless_10kB_16383x16383",
     [] {
       return imagebank::testing::webp_lossless_declaring(16383, 16383,
                                                          10 * 1024);
     }},
    {"jpeg_header_20000x20000",
     [] { return imagebank::testing::jpeg_declaring(20000, 20000); }},
    {"jpeg_1900_legal_scans", imagebank::testing::jpeg_with_many_scans},
    {"jpeg_3000_repeated_scans",
     [] { return imagebank::testing::jpeg_with_repeated_scan(3000); }},
    {"avif_40000px",
     [] { return imagebank::testing::avif_declaring(40000, 40000); }},
    {"jpeg_truncated_half",
     [] {
       auto b = imagebank::testing::read_file(
           imagebank::testing::data_path("rgb.jpg"));
       b.resize(b.size() / 2);
       return b;
     }},
};

long child_peak_kb(const imagebank::testing::Bytes* bytes) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (bytes != nullptr) {
      auto r = imagebank::decode(std::span<const std::byte>(*bytes));
      _exit(r.ok() ? 1 : 0);
    }
    _exit(0);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid) return -1;
  return usage.ru_maxrss;
}

void BM_BadInput(benchmark::State& state) {
  const BadInput& input = kBadInputs[state.range(0)];
  state.SetLabel(input.name);
  const imagebank::testing::Bytes bytes = input.make();
  for (auto _ : state) {
    auto r = imagebank::decode(std::span<const std::byte>(bytes));
    if (r.ok()) {
      state.SkipWithError("a hostile file decoded");
      return;
    }
    benchmark::DoNotOptimize(r);
  }
  const long idle = child_peak_kb(nullptr);
  const long busy = child_peak_kb(&bytes);
  state.counters["peak_kb"] = static_cast<double>(busy - idle);
  state.counters["input_kb"] = static_cast<double>(bytes.size()) / 1024.0;
}
BENCHMARK(BM_BadInput)->DenseRange(0, std::size(kBadInputs) - 1);

}  // namespace

BENCHMARK_MAIN();
