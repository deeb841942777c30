#include "hash/hash_index_segment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "hash/hash_index_kernels.hpp"

namespace imagebank::hash_index {
namespace {

using Range = std::pair<std::uint32_t, std::uint32_t>;

// Per-thread work space of range(): bucket ranges found per table, and rows
// found by a scan. Kept between queries so a query allocates nothing once a
// thread has warmed up.
struct Scratch {
  std::vector<Range> pending[kMaxTables];
  std::vector<Range> accepted[kMaxTables];
  std::vector<std::uint32_t> rows;
  std::vector<std::uint32_t> keys;  // one shell's keys
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

thread_local QueryTrace t_trace;

// Calls fn(key ^ mask) for every s-bit mask of exactly rho ones (Gosper's
// hack: masks in increasing order).
template <typename Fn>
IMAGEBANK_ALWAYS_INLINE void for_each_at_distance(std::uint32_t key, int s,
                                                  int rho, Fn&& fn) {
  if (rho == 0) {
    fn(key);
    return;
  }
  const std::uint32_t limit = std::uint32_t{1} << s;
  std::uint32_t mask = (std::uint32_t{1} << rho) - 1;
  while (mask < limit) {
    fn(key ^ mask);
    const std::uint32_t t = mask | (mask - 1);
    const std::uint32_t not_t = ~t;
    mask = (t + 1) |
           (((not_t & (0u - not_t)) - 1) >> (std::countr_zero(mask) + 1));
  }
}

template <int W>
IMAGEBANK_ALWAYS_INLINE int masked_distance(
    const std::uint64_t* a, const std::uint64_t* b,
    const std::array<std::uint64_t, 4>& mask) noexcept {
  int d = 0;
  for (int w = 0; w < W; ++w) d += std::popcount((a[w] ^ b[w]) & mask[w]);
  return d;
}

}  // namespace

// The per-query search of one segment. Any radii r_t per table with
// sum(r_t + 1) >= radius + 1 find every hash within radius: if each table
// missed it, its substring distances would add up to at least radius + 1
// (r_t = -1 skips a table). The even split of the paper is one choice; here
// the radius is handed out one shell (all keys at exactly distance rho) at a
// time to the table whose next shell is cheapest, counting the real bucket
// sizes rather than the uniform-data average. A cluster of similar hashes
// that fills some buckets near the query thus makes the search spend its
// radius elsewhere, and when even the cheapest allocation costs more than
// reading the whole segment, the segment is scanned instead.
QueryTrace& query_trace() noexcept { return t_trace; }

template <int W>
IMAGEBANK_ALWAYS_INLINE void range_body(const Segment& seg,
                                        const std::uint64_t* q, int radius,
                                        const std::uint64_t* dead,
                                        std::vector<Match>& out) {
  const Segment::View& v = seg.view();
  const auto& masks = seg.masks();
  const int m = v.plan.tables;
  const int s = v.plan.table_bits;
  const double scan_ns = scan_cost_ns(v.size, seg.bits());
  if (m == 0 || seg.expected_cost_ns(radius) > scan_ns) {
    seg.scan(q, radius, dead, out);
    return;
  }
  Scratch& sc = scratch();
  std::uint32_t keys[kMaxTables];
  int reach[kMaxTables] = {};  // radius accepted so far (-1: table unused)
  double next[kMaxTables];     // cost of the table's next shell
  bool exact[kMaxTables];      // next[] counted from real buckets
  double pend[kMaxTables];     // cost of the pending (counted) shell
  const double bucket = static_cast<double>(v.size) / std::ldexp(1.0, s);
  const double read = read_ns(v.size, seg.bits(), v.plan);
  // A candidate of table 0 is read in sequence with its bucket (rows are in
  // its key order); those of other tables are random reads.
  const double scan_each = scan_cost_ns(1, seg.bits());
  auto candidate_ns = [&](int t) { return t == 0 ? scan_each : read; };
  for (int t = 0; t < m; ++t) {
    keys[t] = seg.key(t, q);
    reach[t] = -1;
    next[t] = read + bucket * candidate_ns(t);
    exact[t] = false;
    pend[t] = 0;
    sc.accepted[t].clear();
    sc.pending[t].clear();
  }
  int need = radius + 1;
  double committed = 0.0;
  while (need > 0) {
    int best = -1;
    for (int t = 0; t < m; ++t) {
      if (reach[t] < s && (best < 0 || next[t] < next[best])) best = t;
    }
    if (best < 0) {  // every bit of every table spent: nothing left to prune
      seg.scan(q, radius, dead, out);
      return;
    }
    if (!exact[best]) {
      std::vector<Range>& shell = sc.pending[best];
      shell.clear();
      const std::uint32_t* offsets = v.offsets[best];
      std::size_t candidates = 0;
      // Keys first, with their directory entries prefetched, then the
      // reads: the lookups of a shell overlap instead of queueing.
      std::vector<std::uint32_t>& shell_keys = sc.keys;
      shell_keys.clear();
      for_each_at_distance(keys[best], s, reach[best] + 1,
                           [&](std::uint32_t key) {
                             __builtin_prefetch(offsets + key);
                             shell_keys.push_back(key);
                           });
      for (const std::uint32_t key : shell_keys) {
        const std::uint32_t b = offsets[key];
        const std::uint32_t e = offsets[key + 1];
        if (b != e) {
          shell.emplace_back(b, e);
          candidates += e - b;
        }
      }
      t_trace.probes += shell_keys.size();
      // The lookups are spent; what the shell still costs is reading its
      // buckets and checking their candidates.
      pend[best] = static_cast<double>(shell.size()) * read +
                   static_cast<double>(candidates) * candidate_ns(best);
      next[best] = pend[best];
      exact[best] = true;
      continue;
    }
    committed += pend[best];
    if (committed > scan_ns) {
      seg.scan(q, radius, dead, out);
      return;
    }
    std::vector<Range>& acc = sc.accepted[best];
    acc.insert(acc.end(), sc.pending[best].begin(), sc.pending[best].end());
    ++reach[best];
    --need;
    exact[best] = false;
    next[best] = reach[best] < s ? binomial(s, reach[best] + 1) *
                                       (read + bucket * candidate_ns(best))
                                 : std::numeric_limits<double>::infinity();
  }

  ++t_trace.segments_searched;
  for (int t = 0; t < m; ++t) {
    for (const Range& range : sc.accepted[t]) {
      t_trace.candidates += range.second - range.first;
    }
  }
  // Each table reports the hashes no earlier table reaches, so every match
  // is reported once without a visited set.
  const std::uint64_t* hashes = v.hashes;
  // Every bucket starts at a random place: ask for all of their first
  // lines at once before reading any.
  for (int t = 0; t < m; ++t) {
    for (const Range& range : sc.accepted[t]) {
      if (t == 0) {
        __builtin_prefetch(hashes + std::size_t{range.first} * W);
      } else {
        __builtin_prefetch(v.rows[t] + range.first);
      }
    }
  }
  if (reach[0] >= 0) {  // table 0: its buckets are runs of rows
    std::vector<std::uint32_t>& hits = sc.rows;
    hits.clear();
    for (const Range& range : sc.accepted[0]) {
      if (range.second - range.first >= 16) {
        scan_within(hashes, W, range.first, range.second, q, radius, hits);
        continue;
      }
      for (std::uint32_t row = range.first; row < range.second; ++row) {
        if (distance<W>(hashes + std::size_t{row} * W, q) <= radius) {
          hits.push_back(row);
        }
      }
    }
    for (const std::uint32_t row : hits) {
      if (is_dead(dead, row)) continue;
      out.push_back(
          {v.ids[row], distance<W>(hashes + std::size_t{row} * W, q)});
    }
  }
  std::vector<std::uint32_t>& cands = sc.rows;
  for (int t = 1; t < m; ++t) {
    if (reach[t] < 0) continue;
    // The candidates' rows, prefetching each hash (a random read) as it is
    // listed, then the checks: the reads overlap instead of each waiting
    // for memory in turn.
    const std::uint32_t* rows = v.rows[t];
    cands.clear();
    for (const Range& range : sc.accepted[t]) {
      for (std::uint32_t j = range.first; j < range.second; ++j) {
        __builtin_prefetch(hashes + std::size_t{rows[j]} * W);
        cands.push_back(rows[j]);
      }
    }
    for (const std::uint32_t row : cands) {
      const std::uint64_t* h = hashes + std::size_t{row} * W;
      const int d = distance<W>(h, q);
      if (d > radius) continue;
      bool earlier = false;
      for (int u = 0; u < t && !earlier; ++u) {
        earlier =
            reach[u] >= 0 && masked_distance<W>(h, q, masks[u]) <= reach[u];
      }
      if (earlier || is_dead(dead, row)) continue;
      out.push_back({v.ids[row], d});
    }
  }
}

namespace {

void range_portable1(const Segment& seg, const std::uint64_t* q, int r,
                     const std::uint64_t* dead, std::vector<Match>& out) {
  range_body<1>(seg, q, r, dead, out);
}
void range_portable4(const Segment& seg, const std::uint64_t* q, int r,
                     const std::uint64_t* dead, std::vector<Match>& out) {
  range_body<4>(seg, q, r, dead, out);
}
#if IMAGEBANK_HASH_INDEX_X86
IMAGEBANK_TARGET_POPCNT void range_popcnt1(const Segment& seg,
                                           const std::uint64_t* q, int r,
                                           const std::uint64_t* dead,
                                           std::vector<Match>& out) {
  range_body<1>(seg, q, r, dead, out);
}
IMAGEBANK_TARGET_POPCNT void range_popcnt4(const Segment& seg,
                                           const std::uint64_t* q, int r,
                                           const std::uint64_t* dead,
                                           std::vector<Match>& out) {
  range_body<4>(seg, q, r, dead, out);
}
#endif

}  // namespace

void Segment::range(const std::uint64_t* query, int radius,
                    const std::uint64_t* dead, std::vector<Match>& out) const {
#if IMAGEBANK_HASH_INDEX_X86
  if (has_popcnt()) {
    if (words() == 1) {
      range_popcnt1(*this, query, radius, dead, out);
    } else {
      range_popcnt4(*this, query, radius, dead, out);
    }
    return;
  }
#endif
  if (words() == 1) {
    range_portable1(*this, query, radius, dead, out);
  } else {
    range_portable4(*this, query, radius, dead, out);
  }
}

void Segment::scan(const std::uint64_t* query, int radius,
                   const std::uint64_t* dead, std::vector<Match>& out) const {
  ++t_trace.segments_scanned;
  t_trace.candidates += v_.size;
  std::vector<std::uint32_t>& rows = scratch().rows;
  rows.clear();
  scan_within(v_.hashes, words(), 0, v_.size, query, radius, rows);
  for (const std::uint32_t row : rows) {
    if (is_dead(dead, row)) continue;
    const int d = words() == 1 ? distance<1>(hash(row), query)
                               : distance<4>(hash(row), query);
    out.push_back({v_.ids[row], d});
  }
}

void Segment::histogram(const std::uint64_t* query, const std::uint64_t* dead,
                        std::uint64_t* hist) const {
  distance_histogram(v_.hashes, words(), v_.size, query, hist);
  if (dead == nullptr) return;
  for (std::size_t w = 0; w < (v_.size + 63) / 64; ++w) {
    for (std::uint64_t bits = dead[w]; bits != 0; bits &= bits - 1) {
      const std::size_t row = w * 64 + std::countr_zero(bits);
      const int d = words() == 1 ? distance<1>(hash(row), query)
                                 : distance<4>(hash(row), query);
      --hist[d];
    }
  }
}

double Segment::expected_cost_ns(int radius) const noexcept {
  if (v_.plan.tables == 0) return scan_cost_ns(v_.size, bits_);
  return mih_cost_ns(v_.size, bits_, v_.plan, radius);
}

std::size_t Segment::find(std::uint64_t id) const noexcept {
  std::size_t lo = 0, hi = v_.size;  // lower bound over ranks
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (v_.ids[v_.by_id[mid]] < id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo == v_.size || v_.ids[v_.by_id[lo]] != id) return kNotFound;
  return v_.by_id[lo];
}

void Segment::keys(int table, const std::uint64_t* hashes, std::size_t n,
                   std::uint64_t* pairs) const {
  const std::size_t words = static_cast<std::size_t>(this->words());
  if (has_fast_pext()) {
    pext_keys(hashes, static_cast<int>(words), n, masks_[table].data(), pairs);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    pairs[i] = std::uint64_t{key(table, hashes + i * words)} << 32 | i;
  }
}

void Segment::derive() {
  const int m = v_.plan.tables;
  luts_.assign(static_cast<std::size_t>(m), {});
  masks_.assign(static_cast<std::size_t>(m), {});
  for (int t = 0; t < m; ++t) {
    const auto& pos = v_.positions[static_cast<std::size_t>(t)];
    KeyLut& k = luts_[static_cast<std::size_t>(t)];
    for (std::size_t bit = 0; bit < pos.size(); ++bit) {
      const int p = pos[bit];
      masks_[t][p / 64] |= std::uint64_t{1} << (p % 64);
      const auto byte = static_cast<std::uint8_t>(p / 8);
      int slot = 0;
      while (slot < k.count && k.bytes[slot] != byte) ++slot;
      if (slot == k.count) {
        k.bytes[k.count++] = byte;
        k.lut.resize(static_cast<std::size_t>(k.count) * 256, 0);
      }
      for (unsigned value = 0; value < 256; ++value) {
        if ((value >> (p % 8)) & 1u) {
          k.lut[slot * 256u + value] |= std::uint32_t{1} << bit;
        }
      }
    }
  }
}

std::size_t Segment::memory_bytes() const noexcept {
  // ids, hashes, by_id; per table a directory, and rows but for table 0.
  std::size_t b = v_.size * (8 * (1 + static_cast<std::size_t>(words())) + 4);
  if (v_.plan.tables > 0) {
    const std::size_t dir = (std::size_t{1} << v_.plan.table_bits) + 1;
    b += static_cast<std::size_t>(v_.plan.tables) * 4 * dir +
         static_cast<std::size_t>(v_.plan.tables - 1) * 4 * v_.size;
  }
  for (const KeyLut& k : luts_) b += k.lut.size() * 4;
  return b;
}

std::shared_ptr<const Segment> Segment::adopt(
    int bits, View view, std::shared_ptr<const void> storage, bool mapped) {
  std::shared_ptr<Segment> seg(new Segment());
  seg->bits_ = bits;
  seg->v_ = std::move(view);
  seg->storage_ = std::move(storage);
  seg->mapped_ = mapped;
  seg->derive();
  return seg;
}

}  // namespace imagebank::hash_index
