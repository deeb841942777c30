// HashIndex benchmarks: build time, memory per hash, single-query latency
// (p50/p99 over many queries, one core), the substring-count sweep that
// checks the cost model's choice, the cost model's constants, and readers
// under a writer.
//
// Size: IMAGEBANK_HASH_INDEX_N hashes (default 100000 so the CI smoke run is
// quick; the README figures use 10000000). Data as in the tests
// (tests/cpp/support/hash_index_testdata.hpp): "random" uniform 64-bit hashes,
// and "clustered" ones, 4096 structured seeds with 0-8 bits flipped.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "hash/hash_index_kernels.hpp"
#include "hash/hash_index_plan.hpp"
#include "hash/hash_index_segment.hpp"
#include "imagebank/hash/hash_index.hpp"
#include "support/hash_index_testdata.hpp"

namespace {

namespace td = imagebank::hash_index::testdata;
using imagebank::Hash256;
using imagebank::HashIndex;

std::size_t index_size() {
  const char* env = std::getenv("IMAGEBANK_HASH_INDEX_N");
  if (env == nullptr || *env == '\0') return 100000;
  return static_cast<std::size_t>(std::strtoull(env, nullptr, 10));
}

constexpr std::size_t kSeeds = 4096;
constexpr int kMaxFlips = 8;

struct DataSet {
  std::vector<std::uint64_t> ids, hashes, queries, known;
};

// kind 0: random, 1: clustered. `queries`, the uploads of a catalog: half
// are stored hashes with 0-4 bits flipped (re-uploads, near-duplicates to
// find), half new pictures (random data: uniform; clustered: new products,
// i.e. new structured seeds with 0-8 flips). `known` (clustered only), the
// worst case: the same re-uploads plus new photos of known products (the
// index's own seeds with 0-8 flips), so every query lands in a cluster of
// about n/4096 similar hashes.
const DataSet& data(int kind) {
  static std::mutex mu;
  static std::map<int, std::unique_ptr<DataSet>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[kind];
  if (!slot) {
    slot = std::make_unique<DataSet>();
    const std::size_t n = index_size();
    slot->hashes = kind == 0 ? td::random_hashes(n, 1, 1)
                             : td::clustered_hashes(n, 1, kSeeds, kMaxFlips, 1);
    slot->ids.resize(n);
    for (std::size_t i = 0; i < n; ++i) slot->ids[i] = i;
    slot->queries = td::queries_near(slot->hashes, 1, 1000, 4, 2);
    const auto fresh =
        kind == 0 ? td::random_hashes(1000, 1, 3)
                  : td::queries_near(td::structured_seeds(kSeeds, 1, 77), 1,
                                     1000, kMaxFlips, 3);
    slot->known = slot->queries;
    slot->queries.insert(slot->queries.end(), fresh.begin(), fresh.end());
    const auto known = td::queries_near(td::structured_seeds(kSeeds, 1, 1), 1,
                                        1000, kMaxFlips, 3);
    slot->known.insert(slot->known.end(), known.begin(), known.end());
  }
  return *slot;
}

// Built once per (kind, substrings) and shared by the benchmarks.
const HashIndex& index(int kind, int substrings = 0) {
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::unique_ptr<HashIndex>> cache;
  const DataSet& d = data(kind);
  std::lock_guard lock(mu);
  auto& slot = cache[{kind, substrings}];
  if (!slot) {
    auto made = HashIndex::create({.substrings = substrings});
    slot = std::make_unique<HashIndex>(std::move(made).value());
    if (!slot->add_many(d.ids, d.hashes).ok()) std::abort();
  }
  return *slot;
}

const char* kind_name(int kind) { return kind == 0 ? "random" : "clustered"; }

// This thread's CPU time: on a shared machine a query's wall time includes
// whatever preempted it, its CPU time does not.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void set_percentiles(benchmark::State& state, std::vector<double>& ns,
                     const char* prefix = "") {
  if (ns.empty()) return;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double p) {
    return ns[std::min(ns.size() - 1, static_cast<std::size_t>(p * ns.size()))];
  };
  const std::string pre(prefix);
  state.counters[pre + "p50_us"] = at(0.50) / 1000;
  state.counters[pre + "p99_us"] = at(0.99) / 1000;
  if (pre.empty()) state.counters["max_us"] = ns.back() / 1000;
}

// Time to index n hashes from arrays (add_many: sort by id, plan, choose
// bits, build the tables), and the memory that results.
void BM_HashIndexBuild(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const DataSet& d = data(kind);
  HashIndex::Stats st;
  for (auto _ : state) {
    auto idx = HashIndex::create().value();
    if (!idx.add_many(d.ids, d.hashes).ok()) std::abort();
    st = idx.stats();
    benchmark::DoNotOptimize(st);
  }
  state.SetLabel(kind_name(kind));
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(d.ids.size()));
  state.counters["n"] = static_cast<double>(st.size);
  state.counters["bytes_per_hash"] =
      static_cast<double>(st.memory_bytes) / static_cast<double>(st.size);
  state.counters["substrings"] = st.substrings;
  state.counters["substring_bits"] = st.substring_bits;
}
BENCHMARK(BM_HashIndexBuild)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// One query at a time, each timed: p50/p99 per single query.
// Counters: p50_us/p99_us of wall time per query, cpu_p50_us/cpu_p99_us of
// the thread's CPU time per query (the clock read adds about 0.2 us), mean
// results, candidates compared and bucket probes per query, and the share
// of segment searches that fell back to a linear scan.
void query_latency(benchmark::State& state, const HashIndex& idx,
                   const std::vector<std::uint64_t>& queries, int radius) {
  std::vector<HashIndex::Match> out;
  std::vector<double> ns, cpu;
  ns.reserve(1 << 16);
  cpu.reserve(1 << 16);
  std::size_t q = 0, results = 0, done = 0;
  const std::size_t nq = queries.size();
  auto& trace = imagebank::hash_index::query_trace();
  trace = {};
  for (auto _ : state) {
    const double c0 = thread_cpu_ns();
    const auto t0 = std::chrono::steady_clock::now();
    if (!idx.query(Hash256{queries[q], 0, 0, 0}, radius, out).ok()) {
      std::abort();
    }
    const auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(thread_cpu_ns() - c0);
    ns.push_back(static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    results += out.size();
    ++done;
    q = q + 1 == nq ? 0 : q + 1;
  }
  set_percentiles(state, ns);
  set_percentiles(state, cpu, "cpu_");
  const double per = static_cast<double>(std::max<std::size_t>(done, 1));
  state.counters["results"] = static_cast<double>(results) / per;
  state.counters["candidates"] = static_cast<double>(trace.candidates) / per;
  state.counters["probes"] = static_cast<double>(trace.probes) / per;
  state.counters["scanned"] =
      static_cast<double>(trace.segments_scanned) /
      static_cast<double>(std::max<std::size_t>(
          trace.segments_scanned + trace.segments_searched, 1));
}

void BM_HashIndexQuery(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const int radius = static_cast<int>(state.range(1));
  const HashIndex& idx = index(kind);
  query_latency(state, idx, data(kind).queries, radius);
  state.SetLabel(std::string(kind_name(kind)) +
                 " m=" + std::to_string(idx.stats().substrings));
}
BENCHMARK(BM_HashIndexQuery)
    ->ArgsProduct({{0, 1}, {0, 2, 5, 8, 10}})
    ->Unit(benchmark::kMicrosecond);

// Clustered data, every query inside a cluster (see DataSet::known).
void BM_HashIndexQueryKnownProducts(benchmark::State& state) {
  const int radius = static_cast<int>(state.range(0));
  query_latency(state, index(1), data(1).known, radius);
  state.SetLabel("clustered, known products");
}
BENCHMARK(BM_HashIndexQueryKnownProducts)
    ->Arg(2)
    ->Arg(5)
    ->Unit(benchmark::kMicrosecond);

// The cost model's choice against every substring count: forced m, same data
// and queries. The automatic plan (m=0) should match the fastest row.
void BM_HashIndexSubstrings(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const int m = static_cast<int>(state.range(1));
  const HashIndex& idx = index(kind, m);
  query_latency(state, idx, data(kind).queries, 5);
  const auto st = idx.stats();
  state.SetLabel(std::string(kind_name(kind)) +
                 " m=" + std::to_string(st.substrings) +
                 " s=" + std::to_string(st.substring_bits));
  state.counters["bytes_per_hash"] =
      static_cast<double>(st.memory_bytes) / static_cast<double>(st.size);
}
BENCHMARK(BM_HashIndexSubstrings)
    ->ArgsProduct({{0, 1}, {0, 2, 3, 4, 5}})
    ->Unit(benchmark::kMicrosecond);

void BM_HashIndexKnn(benchmark::State& state) {
  const int kind = static_cast<int>(state.range(0));
  const HashIndex& idx = index(kind);
  const DataSet& d = data(kind);
  std::size_t q = 0;
  std::vector<double> ns;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = idx.knn(Hash256{d.queries[q], 0, 0, 0},
                     static_cast<std::size_t>(state.range(1)));
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(r);
    ns.push_back(static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    q = (q + 1) % d.queries.size();
  }
  set_percentiles(state, ns);
  state.SetLabel(kind_name(kind));
}
BENCHMARK(BM_HashIndexKnn)
    ->ArgsProduct({{0, 1}, {1, 10}})
    ->Unit(benchmark::kMicrosecond);

// Cost-model constants. scan: ns per hash of the linear scan kernel.
void BM_HashIndexCostScan(benchmark::State& state) {
  const DataSet& d = data(0);
  std::vector<std::uint32_t> rows;
  for (auto _ : state) {
    rows.clear();
    imagebank::hash_index::scan_within(d.hashes.data(), 1, 0, d.hashes.size(),
                                       &d.queries[0], 5, rows);
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetLabel(imagebank::hash_index::scan_kernel_name());
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(d.hashes.size()));
  state.counters["ns_per_hash"] = benchmark::Counter(
      static_cast<double>(state.iterations()) *
          static_cast<double>(d.hashes.size()) * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_HashIndexCostScan)->Unit(benchmark::kMicrosecond);

void BM_HashIndexCostScan256(benchmark::State& state) {
  const std::size_t n = std::max<std::size_t>(index_size() / 4, 1);
  const auto hashes = td::random_hashes(n, 4, 5);
  std::vector<std::uint32_t> rows;
  for (auto _ : state) {
    rows.clear();
    imagebank::hash_index::scan_within(hashes.data(), 4, 0, n, hashes.data(),
                                       32, rows);
    benchmark::DoNotOptimize(rows.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["ns_per_hash"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(n) * 1e-9,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_HashIndexCostScan256)->Unit(benchmark::kMicrosecond);

// Queries while another thread writes (adds, replacements, removals, with
// the tail flushes and merges they cause): the readers' latency, and the
// writes per second the writer gets through. Thread 0 of each run writes
// when range(0) is 1.
void BM_HashIndexConcurrent(benchmark::State& state) {
  static std::unique_ptr<HashIndex> shared;
  static std::atomic<bool> stop{false};
  static std::atomic<long> writes{0};
  static std::thread writer;
  const bool with_writer = state.range(0) == 1;
  const DataSet& d = data(1);
  if (state.thread_index() == 0) {
    if (!shared) {  // built once; the writers' changes accumulate
      shared = std::make_unique<HashIndex>(HashIndex::create().value());
      if (!shared->add_many(d.ids, d.hashes).ok()) std::abort();
    }
    stop = false;
    writes = 0;
    if (with_writer) {
      writer = std::thread([&d] {
        td::SplitMix rng(9);
        const std::uint64_t n = d.ids.size();
        while (!stop.load(std::memory_order_relaxed)) {
          const std::uint64_t id = rng.below(2 * n);
          if (rng.chance(300)) {
            shared->remove(id).ignore();
          } else {
            shared->add(id, d.hashes[rng.below(n)] ^ (rng() & rng() & rng()))
                .ignore();
          }
          ++writes;
        }
      });
    }
  }
  std::vector<HashIndex::Match> out;
  std::vector<double> ns;
  std::size_t q = static_cast<std::size_t>(state.thread_index()) * 7;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!shared->query(Hash256{d.queries[q], 0, 0, 0}, 5, out).ok()) {
      std::abort();
    }
    const auto t1 = std::chrono::steady_clock::now();
    ns.push_back(static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    q = (q + 1) % d.queries.size();
  }
  set_percentiles(state, ns);
  if (state.thread_index() == 0) {
    if (with_writer) {
      stop = true;
      writer.join();
      state.counters["writes"] = static_cast<double>(writes.load());
    }
    state.SetLabel(with_writer ? "readers + 1 writer" : "readers only");
  }
}
BENCHMARK(BM_HashIndexConcurrent)
    ->Arg(0)
    ->Arg(1)
    ->Threads(1)
    ->Threads(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// The fixed cost of a query: argument checks, the shared lock (two atomic
// operations when uncontended), an empty answer. What the reader-writer
// lock costs a reader, next to the microseconds of a real query.
void BM_HashIndexQueryOverhead(benchmark::State& state) {
  const auto idx = HashIndex::create().value();
  std::vector<HashIndex::Match> out;
  for (auto _ : state) {
    if (!idx.query(Hash256{42, 0, 0, 0}, 5, out).ok()) std::abort();
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_HashIndexQueryOverhead);

// Single adds on top of the built index: amortized cost including tail
// flushes and segment merges.
void BM_HashIndexAdd(benchmark::State& state) {
  const DataSet& d = data(1);
  static std::unique_ptr<HashIndex> idx;  // built once, grows run to run
  static std::uint64_t id = 0;
  static std::size_t i = 0;
  if (!idx) {
    idx = std::make_unique<HashIndex>(HashIndex::create().value());
    if (!idx->add_many(d.ids, d.hashes).ok()) std::abort();
    id = d.ids.size();
  }
  for (auto _ : state) {
    if (!idx->add(id++, d.hashes[i] ^ 0x5).ok()) std::abort();
    i = i + 1 == d.hashes.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["segments"] = static_cast<double>(idx->stats().segments);
}
BENCHMARK(BM_HashIndexAdd)->Unit(benchmark::kMicrosecond);

}  // namespace
