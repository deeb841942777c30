// HashIndex under concurrent readers and a writer: readers never see a torn
// state, whatever the writer is doing (single adds, batches, removals, tail
// flushes and segment merges).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "imagebank/hash/hash_index.hpp"
#include "support/hash_index_testdata.hpp"

namespace imagebank {
namespace {

namespace td = hash_index::testdata;

// The writer keeps a group of 64 ids that is always complete: add_many moves
// the whole group between two hashes 2 bits apart, single adds move one id
// at a time. A query around both hashes must therefore see every id of the
// group exactly once at every moment, and the batch moves all at once.
constexpr std::uint64_t kHashA = 0;
constexpr std::uint64_t kHashB = 0b11;
constexpr std::size_t kGroup = 64;

TEST(HashIndexConcurrency, ReadersSeeWholeStatesWhileAWriterWorks) {
  auto index = HashIndex::create().value();
  std::vector<std::uint64_t> group_ids(kGroup), group_a(kGroup, kHashA),
      group_b(kGroup, kHashB);
  for (std::size_t i = 0; i < kGroup; ++i) group_ids[i] = 1'000'000 + i;
  ASSERT_TRUE(index.add_many(group_ids, group_a).ok());
  // Background data far from A and B (at least 12 bits set).
  td::SplitMix rng(3);
  auto far_hash = [&] {
    for (;;) {
      const std::uint64_t h = rng();
      if (std::popcount(h) >= 12) return h;
    }
  };

  std::atomic<bool> stop{false};
  std::atomic<long> reads{0}, torn{0};
  auto reader = [&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const auto got = index.query(kHashA, 2);
      if (!got.ok()) {
        ++torn;
        continue;
      }
      std::vector<int> seen(kGroup, 0);
      for (const auto& m : *got) {
        if (m.id >= 1'000'000 && m.id < 1'000'000 + kGroup) {
          ++seen[m.id - 1'000'000];
        }
      }
      for (const int s : seen) torn += s != 1;
      // Results come sorted by distance then id.
      for (std::size_t i = 1; i < got->size(); ++i) {
        const auto& p = (*got)[i - 1];
        const auto& q = (*got)[i];
        torn += p.distance > q.distance ||
                (p.distance == q.distance && p.id >= q.id);
      }
      ++reads;
    }
  };
  std::thread r1(reader), r2(reader);

  std::uint64_t next_id = 1;
  for (int round = 0; round < 40; ++round) {
    // Enough background adds to flush the tail and merge segments.
    for (int i = 0; i < 500; ++i)
      ASSERT_TRUE(index.add(next_id++, far_hash()).ok());
    std::vector<std::uint64_t> ids(1500), hashes(1500);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      ids[i] = next_id++;
      hashes[i] = far_hash();
    }
    ASSERT_TRUE(index.add_many(ids, hashes).ok());
    for (int i = 0; i < 100; ++i) {
      index.remove(1 + rng.below(next_id - 1)).ignore();  // may be gone
    }
    ASSERT_TRUE(
        index.add_many(group_ids, round % 2 == 0 ? group_b : group_a).ok());
    ASSERT_TRUE(
        index.add(group_ids[round % kGroup], round % 2 == 0 ? kHashA : kHashB)
            .ok());
  }
  // Let the readers run a little after the last write.
  const long before = reads.load();
  while (reads.load() < before + 20) std::this_thread::yield();
  stop = true;
  r1.join();
  r2.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GT(reads.load(), 40);
  EXPECT_GT(index.stats().segments, 0u);
}

// Batches are atomic: a reader sees all of a batch's replacements or none.
TEST(HashIndexConcurrency, ABatchIsSeenWholeOrNotAtAll) {
  auto index = HashIndex::create().value();
  std::vector<std::uint64_t> ids(kGroup), a(kGroup, kHashA), b(kGroup, kHashB);
  for (std::size_t i = 0; i < kGroup; ++i) ids[i] = 500 + i;
  // Big enough to hold segments, not only the tail.
  std::vector<std::uint64_t> bg_ids(20000), bg = td::random_hashes(20000, 1, 4);
  for (std::size_t i = 0; i < bg_ids.size(); ++i) bg_ids[i] = 100000 + i;
  for (auto& h : bg) h |= 0xFFF0000000000000ull;  // far from A and B
  ASSERT_TRUE(index.add_many(bg_ids, bg).ok());
  ASSERT_TRUE(index.add_many(ids, a).ok());

  std::atomic<bool> stop{false};
  std::atomic<long> mixed{0}, reads{0};
  std::thread reader([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const auto got = index.query(kHashA, 2).value();
      std::size_t zero = 0, two = 0;
      for (const auto& m : got) (m.distance == 0 ? zero : two) += 1;
      mixed += !((zero == kGroup && two == 0) || (zero == 0 && two == kGroup));
      ++reads;
    }
  });
  for (int round = 0; round < 200; ++round) {
    ASSERT_TRUE(index.add_many(ids, round % 2 == 0 ? b : a).ok());
    if (round % 50 == 49) {  // also through segments: a batch past the tail
      std::vector<std::uint64_t> more(5000),
          more_h(5000, 0xFFFF00000000FFFFull);
      for (std::size_t i = 0; i < more.size(); ++i)
        more[i] = 900000 + round * 10000 + i;
      ASSERT_TRUE(index.add_many(more, more_h).ok());
    }
  }
  const long before = reads.load();
  while (reads.load() < before + 10) std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_EQ(mixed.load(), 0);
}

}  // namespace
}  // namespace imagebank
