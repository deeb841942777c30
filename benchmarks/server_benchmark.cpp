// imagebank-server's upload hot paths: the multipart reader and the spooled
// body's write + SHA-256 (HashingFileBody), per byte. The whole upload path
// (tus and multipart against cp) is benchmarks/peers/upload_vs_cp.py.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <string>

#include "hashing_file_body.hpp"
#include "multipart.hpp"

namespace {

using namespace imagebank::server;

std::string random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// `parts` files of `part_bytes` random bytes (CRs and dashes included), as
// a browser or curl sends them.
void BM_ParseMultipart(benchmark::State& state) {
  const auto parts = static_cast<std::size_t>(state.range(0));
  const auto part_bytes = static_cast<std::size_t>(state.range(1));
  const std::string boundary = "------------------------d74496d66958873e";
  std::string body;
  for (std::size_t i = 0; i < parts; ++i) {
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"ABC" +
            std::to_string(i) +
            "_FRENTE.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
    body += random_bytes(part_bytes, static_cast<std::uint32_t>(i));
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  MultipartHandler handler;
  std::size_t seen = 0;
  handler.data = [&](std::span<const std::byte> d) {
    seen += d.size();
    return imagebank::Status{};
  };
  for (auto _ : state) {
    seen = 0;
    auto st = parse_multipart_bytes(body, boundary, handler);
    if (!st.ok()) state.SkipWithError(st.to_string().c_str());
    benchmark::DoNotOptimize(seen);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseMultipart)->Args({10, 1 << 20})->Args({200, 16 << 10});

// A 1.5 MB photo spooled in 64 KiB reads: write(2) into the page cache and
// SHA-256 on the way.
void BM_SpoolWithSha256(benchmark::State& state) {
  const std::string chunk = random_bytes(64 << 10, 7);
  constexpr std::size_t kChunks = 24;
  const auto dir = std::filesystem::temp_directory_path();
  std::size_t n = 0;
  for (auto _ : state) {
    const auto path = dir / ("imagebank-spool-bench-" + std::to_string(n++));
    HashingFileBody::value_type body;
    std::error_code ec;
    if (!body.open(path, ec)) {
      state.SkipWithError(ec.message().c_str());
      break;
    }
    for (std::size_t i = 0; i < kChunks; ++i) {
      body.write(chunk.data(), chunk.size(), ec);
    }
    body.close();
    benchmark::DoNotOptimize(body.finish_sha256());
    std::filesystem::remove(path, ec);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kChunks * chunk.size()));
}
BENCHMARK(BM_SpoolWithSha256);

}  // namespace

BENCHMARK_MAIN();
