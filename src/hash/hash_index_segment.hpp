// Internal to HashIndex: a segment, an immutable set of hashes with its
// multi-index tables, and the queries over one segment.
//
// Layout (every array is flat, so a segment can live in a mapped file):
//   ids[n]              row i's id
//   hashes[n * words]   row i's hash, word 0 first
//   by_id[n]            rows in ascending id order (ids are unique)
//   per table t:
//     offsets[2^s + 1]  rows of bucket k are rows[offsets[k], offsets[k+1])
//     rows[n]           row numbers grouped by key, ascending within a bucket
// Rows are stored in the order of table 0's key (then id), so table 0 needs
// no rows array (its bucket k is rows offsets[k]..offsets[k+1] themselves)
// and is verified by a sequential scan; and since similar hashes share keys,
// a cluster of near-duplicates sits in a few runs of rows, which keeps the
// other tables' candidate reads close together too.
// The key of table t is the hash's bits positions[t][0..s) packed in order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "hash_index_plan.hpp"
#include "imagebank/hash/hash_index.hpp"

namespace imagebank::hash_index {

using Match = HashIndex::Match;

class Segment {
 public:
  static constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);

  // Builds the tables over ids (ascending, unique) and their hashes, with
  // the plan chosen for their size unless `plan` is given.
  static std::shared_ptr<const Segment> build(std::vector<std::uint64_t> ids,
                                              std::vector<std::uint64_t> hashes,
                                              int bits, int expected_radius,
                                              int forced_tables);

  // A segment over arrays owned by `storage` (a mapped file). The arrays
  // must already be validated (see hash_index_file.cpp).
  struct View {
    std::size_t size = 0;
    const std::uint64_t* ids = nullptr;
    const std::uint64_t* hashes = nullptr;
    const std::uint32_t* by_id = nullptr;
    Plan plan;
    std::vector<std::vector<std::uint8_t>> positions;
    // rows[0] is null: table 0's rows are the identity.
    std::vector<const std::uint32_t*> offsets, rows;
  };
  static std::shared_ptr<const Segment> adopt(
      int bits, View view, std::shared_ptr<const void> storage, bool mapped);

  int bits() const noexcept { return bits_; }
  int words() const noexcept { return bits_ / 64; }
  std::size_t size() const noexcept { return v_.size; }
  const Plan& plan() const noexcept { return v_.plan; }
  const View& view() const noexcept { return v_; }
  bool mapped() const noexcept { return mapped_; }
  std::uint64_t id(std::size_t row) const noexcept { return v_.ids[row]; }
  // The row of the k-th smallest id.
  std::size_t row_by_rank(std::size_t k) const noexcept { return v_.by_id[k]; }
  const std::uint64_t* hash(std::size_t row) const noexcept {
    return v_.hashes + row * static_cast<std::size_t>(words());
  }
  // Bytes of the arrays (mapped or owned).
  std::size_t memory_bytes() const noexcept;

  // The row holding `id`, or kNotFound.
  std::size_t find(std::uint64_t id) const noexcept;

  // Appends every live row within `radius` of `query` to `out` (unordered).
  // `dead` is the segment's removal bitmap (bit per row) or null.
  void range(const std::uint64_t* query, int radius, const std::uint64_t* dead,
             std::vector<Match>& out) const;
  // Appends every live row within `radius` by a linear scan.
  void scan(const std::uint64_t* query, int radius, const std::uint64_t* dead,
            std::vector<Match>& out) const;
  // hist[d] += live rows at distance d.
  void histogram(const std::uint64_t* query, const std::uint64_t* dead,
                 std::uint64_t* hist) const;
  // Expected cost of range(radius) on this segment (ns, cost model).
  double expected_cost_ns(int radius) const noexcept;

  std::uint32_t key(int table, const std::uint64_t* hash) const noexcept {
    const KeyLut& k = luts_[static_cast<std::size_t>(table)];
    std::uint32_t key = 0;
    for (int i = 0; i < k.count; ++i) {
      const unsigned j = k.bytes[i];
      key |= k.lut[i * 256u + ((hash[j / 8] >> (8 * (j % 8))) & 0xffu)];
    }
    return key;
  }
  // pairs[i] = key(table, hash i) << 32 | i for n hashes.
  void keys(int table, const std::uint64_t* hashes, std::size_t n,
            std::uint64_t* pairs) const;
  const std::vector<std::array<std::uint64_t, 4>>& masks() const noexcept {
    return masks_;
  }

 private:
  // key(t, h) = OR over the hash bytes listed in `bytes` (those holding a
  // key bit) of lut[i][that byte].
  struct KeyLut {
    int count = 0;
    std::array<std::uint8_t, 32> bytes{};
    std::vector<std::uint32_t> lut;  // count * 256
  };

  Segment() = default;
  void derive();  // key lookup tables and masks from positions

  int bits_ = 64;
  View v_;
  bool mapped_ = false;
  std::shared_ptr<const void> storage_;
  std::vector<KeyLut> luts_;
  std::vector<std::array<std::uint64_t, 4>> masks_;  // table bits as a mask
};

// The positions of ids[0..n) in ascending id order; of equal ids only the
// last one given is kept (a batch that repeats an id keeps its last hash).
std::vector<std::uint32_t> sort_unique_by_id(const std::uint64_t* ids,
                                             std::size_t n);

// What the queries of the calling thread did, summed since the last reset:
// for tests (that the tables, not a scan, answered) and benchmarks.
struct QueryTrace {
  std::size_t segments_searched = 0;  // by the tables
  std::size_t segments_scanned = 0;   // linearly (cost model or fallback)
  std::size_t probes = 0;             // bucket lookups
  std::size_t candidates = 0;         // hashes compared
};
QueryTrace& query_trace() noexcept;

inline bool is_dead(const std::uint64_t* dead, std::size_t row) noexcept {
  return dead != nullptr && ((dead[row / 64] >> (row % 64)) & 1u) != 0;
}

}  // namespace imagebank::hash_index
