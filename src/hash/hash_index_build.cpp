// Building a segment: the plan, the bit choice, rows in table 0's key order
// and the other tables, by radix passes over large arrays (see
// hash_index_segment.hpp for the layout).
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <numeric>
#include <utility>

#include "hash/hash_index_kernels.hpp"
#include "hash/hash_index_segment.hpp"

namespace imagebank::hash_index {
namespace {

// Queries read the big arrays at random; with 4 KiB pages nearly every read
// of a 10M-hash index also misses the TLB (twice the cost under a
// hypervisor's nested paging). Arrays of 2 MiB and more are therefore
// 2 MiB-aligned and marked for transparent huge pages (Linux's default THP
// mode, "madvise", gives them only to regions that ask).
constexpr std::size_t kHugePage = std::size_t{1} << 21;

template <typename T>
struct HugeAllocator {
  using value_type = T;
  HugeAllocator() = default;
  template <typename U>
  HugeAllocator(const HugeAllocator<U>&) noexcept {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = (bytes + kHugePage - 1) & ~(kHugePage - 1);
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (p == nullptr) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure is fine
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugePage) {
      ::operator delete(p);
    } else {
      std::free(p);
    }
  }
  friend bool operator==(const HugeAllocator&, const HugeAllocator&) {
    return true;
  }
};
template <typename T>
using HugeVector = std::vector<T, HugeAllocator<T>>;

struct Owned {
  HugeVector<std::uint64_t> ids, hashes;
  HugeVector<std::uint32_t> by_id;
  std::vector<HugeVector<std::uint32_t>> offsets, rows;
};

// Sorts (key << 32 | row) pairs by key: LSD radix, 11-bit digits, stable
// (rows stay ascending within a key). Sequential passes with 2048 output
// streams: at 10M hashes several times faster than counting-sort scatter
// into a 2^21-entry directory, which misses the cache on every row.
void sort_by_key(std::vector<std::uint64_t>& pairs, int key_bits,
                 std::vector<std::uint64_t>& tmp) {
  constexpr int kDigit = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigit;
  tmp.resize(pairs.size());
  std::vector<std::size_t> count(kBuckets);
  for (int shift = 32; shift < 32 + key_bits; shift += kDigit) {
    std::fill(count.begin(), count.end(), 0);
    for (const std::uint64_t p : pairs) ++count[(p >> shift) & (kBuckets - 1)];
    std::size_t sum = 0;
    for (auto& c : count) sum += std::exchange(c, sum);
    for (const std::uint64_t p : pairs) {
      tmp[count[(p >> shift) & (kBuckets - 1)]++] = p;
    }
    pairs.swap(tmp);
  }
}

// Sorts the rows by their table-0 keys (pairs[i] = key << 32 | i, for input
// i in id order): fills owned's ids, hashes and by_id, and leaves pairs
// sorted by key. LSD radix over records carrying id and hash.
template <int W>
void order_rows(std::vector<std::uint64_t>& pairs,
                const std::vector<std::uint64_t>& ids,
                const std::vector<std::uint64_t>& hashes, int key_bits,
                Owned& owned) {
  struct Rec {
    std::uint64_t key_index;
    std::uint64_t id;
    std::uint64_t hash[W];
  };
  const std::size_t n = pairs.size();
  std::vector<Rec> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i].key_index = pairs[i];
    a[i].id = ids[i];
    for (int w = 0; w < W; ++w) a[i].hash[w] = hashes[i * W + w];
  }
  constexpr int kDigit = 11;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigit;
  std::vector<std::size_t> count(kBuckets);
  for (int shift = 32; shift < 32 + key_bits; shift += kDigit) {
    std::fill(count.begin(), count.end(), 0);
    for (const Rec& r : a) ++count[(r.key_index >> shift) & (kBuckets - 1)];
    std::size_t sum = 0;
    for (auto& c : count) sum += std::exchange(c, sum);
    for (const Rec& r : a)
      b[count[(r.key_index >> shift) & (kBuckets - 1)]++] = r;
    a.swap(b);
  }
  b = {};
  owned.ids.resize(n);
  owned.hashes.resize(n * W);
  for (std::size_t row = 0; row < n; ++row) {
    const Rec& r = a[row];
    pairs[row] = r.key_index;
    owned.by_id[static_cast<std::uint32_t>(r.key_index)] =
        static_cast<std::uint32_t>(row);
    owned.ids[row] = r.id;
    for (int w = 0; w < W; ++w) owned.hashes[row * W + w] = r.hash[w];
  }
}

// offsets[k] = first position of key k in pairs sorted by key.
void offsets_of(const std::vector<std::uint64_t>& sorted, int key_bits,
                HugeVector<std::uint32_t>& offsets) {
  offsets.assign((std::size_t{1} << key_bits) + 1, 0);
  for (const std::uint64_t p : sorted) ++offsets[(p >> 32) + 1];
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
}

}  // namespace

std::shared_ptr<const Segment> Segment::build(std::vector<std::uint64_t> ids,
                                              std::vector<std::uint64_t> hashes,
                                              int bits, int expected_radius,
                                              int forced_tables) {
  auto owned = std::make_shared<Owned>();
  const std::size_t n = ids.size();
  const int words = bits / 64;

  std::shared_ptr<Segment> seg(new Segment());
  seg->bits_ = bits;
  seg->v_.size = n;
  seg->v_.plan = choose_plan(n, bits, expected_radius, forced_tables);
  seg->v_.positions = choose_bits(hashes.data(), n, words, seg->v_.plan);
  seg->derive();
  const int m = seg->v_.plan.tables;
  const int s = seg->v_.plan.table_bits;
  owned->by_id.resize(n);

  if (m == 0) {  // rows in id order
    std::iota(owned->by_id.begin(), owned->by_id.end(), 0u);
    owned->ids.assign(ids.begin(), ids.end());
    owned->hashes.assign(hashes.begin(), hashes.end());
  } else {
    // Rows in table 0's key order. The ids and hashes travel with their
    // keys through the radix passes (sequential), rather than being
    // gathered afterwards (a cache miss per row).
    std::vector<std::uint64_t> pairs(n), tmp;
    seg->keys(0, hashes.data(), n, pairs.data());
    if (words == 1) {
      order_rows<1>(pairs, ids, hashes, s, *owned);
    } else {
      order_rows<4>(pairs, ids, hashes, s, *owned);
    }
    ids = {};
    hashes = {};
    owned->offsets.resize(static_cast<std::size_t>(m));
    owned->rows.resize(static_cast<std::size_t>(m));
    offsets_of(pairs, s, owned->offsets[0]);
    for (int t = 1; t < m; ++t) {
      seg->keys(t, owned->hashes.data(), n, pairs.data());
      sort_by_key(pairs, s, tmp);
      offsets_of(pairs, s, owned->offsets[t]);
      auto& rows = owned->rows[t];
      rows.resize(n);
      for (std::size_t j = 0; j < n; ++j) {
        rows[j] = static_cast<std::uint32_t>(pairs[j]);
      }
    }
  }
  seg->v_.ids = owned->ids.data();
  seg->v_.hashes = owned->hashes.data();
  seg->v_.by_id = owned->by_id.data();
  for (int t = 0; t < m; ++t) {
    seg->v_.offsets.push_back(owned->offsets[t].data());
    seg->v_.rows.push_back(t == 0 ? nullptr : owned->rows[t].data());
  }
  seg->storage_ = std::move(owned);
  return seg;
}

std::vector<std::uint32_t> sort_unique_by_id(const std::uint64_t* ids,
                                             std::size_t n) {
  std::vector<std::uint32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0u);
  bool sorted = true;
  for (std::size_t i = 1; i < n && sorted; ++i) sorted = ids[i - 1] < ids[i];
  if (sorted) return perm;

  // LSD radix sort of (id, position), 11-bit digits; stable, so among equal
  // ids the last given stays last. Digits equal across all ids are skipped
  // (small ids need two or three passes, not six).
  struct Item {
    std::uint64_t id;
    std::uint32_t at;
  };
  constexpr int kDigitBits = 11;
  constexpr int kPasses = (64 + kDigitBits - 1) / kDigitBits;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
  std::vector<Item> a(n), b(n);
  std::vector<std::size_t> count(kPasses * kBuckets, 0);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = {ids[i], static_cast<std::uint32_t>(i)};
    for (int p = 0; p < kPasses; ++p) {
      ++count[p * kBuckets + ((ids[i] >> (p * kDigitBits)) & (kBuckets - 1))];
    }
  }
  for (int p = 0; p < kPasses; ++p) {
    std::size_t* c = count.data() + p * kBuckets;
    if (std::count(c, c + kBuckets, n) == 1) continue;  // one digit value
    std::size_t sum = 0;
    for (std::size_t k = 0; k < kBuckets; ++k) sum += std::exchange(c[k], sum);
    for (const Item& item : a) {
      b[c[(item.id >> (p * kDigitBits)) & (kBuckets - 1)]++] = item;
    }
    a.swap(b);
  }
  std::size_t out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 1 < n && a[i + 1].id == a[i].id) continue;  // a later one wins
    perm[out++] = a[i].at;
  }
  perm.resize(out);
  return perm;
}

}  // namespace imagebank::hash_index
