// Hash module benchmarks: SHA-256 and Hamming here; the perceptual hashes,
// PDQ and HashIndex register theirs from benchmarks/hash/*.cpp.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "imagebank/hash/hamming.hpp"
#include "imagebank/hash/sha256.hpp"

namespace {

void BM_Sha256Memory(benchmark::State& state) {
  std::string data(static_cast<std::size_t>(state.range(0)), 'x');
  const auto bytes = std::as_bytes(std::span(data.data(), data.size()));
  for (auto _ : state) {
    benchmark::DoNotOptimize(imagebank::sha256(bytes));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256Memory)->Arg(64 << 10)->Arg(16 << 20);

void BM_Hamming64Scan(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> hashes(1 << 20);
  for (auto& h : hashes) h = rng();
  const std::uint64_t q = rng();
  for (auto _ : state) {
    int within = 0;
    for (std::uint64_t h : hashes) within += imagebank::hamming(h, q) <= 5;
    benchmark::DoNotOptimize(within);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(hashes.size()));
}
BENCHMARK(BM_Hamming64Scan);

}  // namespace

BENCHMARK_MAIN();
