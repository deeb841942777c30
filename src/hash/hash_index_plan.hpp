// Internal to HashIndex: how a segment is laid out (how many substrings, how
// long, which bits) and what a query is expected to cost, in nanoseconds on
// the cost model's constants.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace imagebank::hash_index {

// Measured on the project machine (AMD EPYC Zen 3, one core, release build)
// with benchmarks/hash/hash_index_benchmark.cpp: BM_HashIndexCostScan and
// BM_HashIndexCostScan256 for the scans, and BM_HashIndexQuery's per-query
// CPU time against its probe and candidate counts (at 100k and 10M hashes)
// for the random reads. A bucket lookup and a candidate check both cost one
// random read, whose price depends on whether the segment fits in cache.
// They decide between substring counts and between the tables and a scan;
// BM_HashIndexSubstrings checks the decision against the measured best.
struct CostModel {
  double table_ns;        // per table per query: key, bookkeeping
  double cached_read_ns;  // a random read in a segment that fits in cache
  double memory_read_ns;  // a random read in one that does not
  double cache_bytes;     // the boundary between the two
  double scan64_ns;       // one 64-bit hash in a linear scan
  double scan256_ns;      // one 256-bit hash in a linear scan
};
const CostModel& cost_model() noexcept;

// Memory budget in bytes per hash for the whole segment (ids, hashes,
// tables, directories): 32 for 64-bit hashes (the catalog-scale target,
// less a bit for the removal bitmap), 128 for 256-bit ones.
double memory_budget_per_hash(int bits) noexcept;

inline constexpr int kMaxTables = 16;
inline constexpr int kMaxTableBits = 24;  // a 64 MiB directory per table

struct Plan {
  int tables = 0;  // 0: no tables, queries scan the segment
  int table_bits = 0;
};

// Bytes a segment of n hashes with this plan occupies.
double plan_bytes(std::size_t n, int bits, const Plan& plan) noexcept;

// C(n, k) as a double (0 if k < 0 or k > n).
double binomial(int n, int k) noexcept;
// Buckets read by a table searched to radius rho (all keys within rho).
double probes_within(int table_bits, int rho) noexcept;

// The price of one bucket lookup or candidate check in a segment of this
// size and plan.
double read_ns(std::size_t n, int bits, const Plan& plan) noexcept;

// Expected cost of a range query of `radius` on uniform data, with the
// radius spread over the tables as evenly as the pigeonhole rule allows
// (tables 0..a get floor(r/m), the others one less, where a = r mod m).
double mih_cost_ns(std::size_t n, int bits, const Plan& plan,
                   int radius) noexcept;
double scan_cost_ns(std::size_t n, int bits) noexcept;

// The plan for a segment of n hashes: the (tables, table_bits) of least
// mih_cost_ns at expected_radius among those within the memory budget, or
// no tables when a scan is cheaper. forced_tables > 0 fixes the number of
// tables (the length still follows the budget and cost).
Plan choose_plan(std::size_t n, int bits, int expected_radius,
                 int forced_tables) noexcept;

// Which bits each table's key is made of: positions[t] lists table t's bits
// in ascending order (key bit k is hash bit positions[t][k]). Chosen from a
// sample of the data so that keys carry as much information as the bits
// allow: bits are taken by decreasing entropy (near-constant bits, such as
// those of white backgrounds in an aHash, are the ones left out when the
// tables do not use every bit) and each goes to the table whose bits it is
// least correlated with (mutual information), so that copies of one another
// do not shrink a table's key space. Deterministic for given data.
std::vector<std::vector<std::uint8_t>> choose_bits(const std::uint64_t* hashes,
                                                   std::size_t n, int words,
                                                   const Plan& plan);

}  // namespace imagebank::hash_index
