#include "imagebank/hash/hash_index.hpp"

#include <gtest/gtest.h>

#include <map>

#include "hash/hash_index_kernels.hpp"
#include "hash/hash_index_plan.hpp"
#include "hash/hash_index_segment.hpp"
#include "support/hash_index_testdata.hpp"

namespace imagebank {
namespace {

namespace td = hash_index::testdata;
using Matches = std::vector<HashIndex::Match>;

HashIndex make(int bits = 64) {
  auto r = HashIndex::create({.bits = bits});
  EXPECT_TRUE(r.ok()) << r.status();
  return std::move(r).value();
}

TEST(HashIndexApi, EmptyIndexAnswersNothing) {
  HashIndex index = make();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.bits(), 64);
  EXPECT_TRUE(index.query(std::uint64_t{0}, 10)->empty());
  EXPECT_TRUE(index.knn(std::uint64_t{0}, 5)->empty());
}

TEST(HashIndexApi, AddQueryRemove) {
  HashIndex index = make();
  ASSERT_TRUE(index.add(7, std::uint64_t{0b1011}).ok());
  ASSERT_TRUE(index.add(3, std::uint64_t{0b0011}).ok());
  ASSERT_TRUE(index.add(9, ~std::uint64_t{0}).ok());
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(*index.query(std::uint64_t{0b0011}, 1), (Matches{{3, 0}, {7, 1}}));
  EXPECT_EQ(*index.query(std::uint64_t{0b0011}, 0), (Matches{{3, 0}}));
  ASSERT_TRUE(index.remove(3).ok());
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(*index.query(std::uint64_t{0b0011}, 1), (Matches{{7, 1}}));
  const Status again = index.remove(3);
  EXPECT_EQ(again.code(), ErrorCode::kNotFound);
  EXPECT_NE(again.message().find("3"), std::string::npos);
}

TEST(HashIndexApi, AddingAnExistingIdReplacesItsHash) {
  HashIndex index = make();
  ASSERT_TRUE(index.add(1, std::uint64_t{0}).ok());
  ASSERT_TRUE(index.add(1, std::uint64_t{0xff}).ok());  // in the tail
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.query(std::uint64_t{0}, 5)->empty());
  EXPECT_EQ(*index.query(std::uint64_t{0xff}, 0), (Matches{{1, 0}}));

  // Replacing ids that already sit in segments (a batch too big for the
  // tail), then single replacements of segment rows.
  const std::size_t n = 20000;
  std::vector<std::uint64_t> ids(n), hashes = td::random_hashes(n, 1, 5);
  for (std::size_t i = 0; i < n; ++i) ids[i] = 1000 + i;
  ASSERT_TRUE(index.add_many(ids, hashes).ok());
  EXPECT_GE(index.stats().segments, 1u);
  const std::vector<std::uint64_t> moved = td::random_hashes(n, 1, 6);
  ASSERT_TRUE(index.add_many(ids, moved).ok());
  ASSERT_TRUE(index.add(1000, std::uint64_t{0x1234}).ok());
  EXPECT_EQ(index.size(), n + 1);
  for (std::size_t i = 1; i < n; i += 997) {
    EXPECT_EQ(*index.query(moved[i], 0), (Matches{{ids[i], 0}})) << i;
    const auto old = *index.query(hashes[i], 0);
    EXPECT_TRUE(old.empty() || old[0].id != ids[i]) << i;
  }
  EXPECT_EQ(*index.query(std::uint64_t{0x1234}, 0), (Matches{{1000, 0}}));
}

TEST(HashIndexApi, BatchRepeatingAnIdKeepsTheLastHash) {
  HashIndex index = make();
  const std::vector<std::uint64_t> ids{5, 6, 5};
  const std::vector<std::uint64_t> hashes{1, 2, 3};
  ASSERT_TRUE(index.add_many(ids, hashes).ok());
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(*index.query(std::uint64_t{3}, 0), (Matches{{5, 0}}));
  EXPECT_EQ(*index.query(std::uint64_t{1}, 0), Matches{});
  // The same through the segment path (radix sort of unsorted ids).
  std::vector<std::uint64_t> big_ids, big_hashes;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    big_ids.push_back((i * 7919) % 10000 + (std::uint64_t{1} << 40));
    big_hashes.push_back(i);
  }
  big_ids.push_back(big_ids.front());
  big_hashes.push_back(0xABCDEF);
  ASSERT_TRUE(index.add_many(big_ids, big_hashes).ok());
  EXPECT_EQ(index.size(), 10002u);
  EXPECT_EQ(*index.query(std::uint64_t{0xABCDEF}, 0),
            (Matches{{big_ids.front(), 0}}));
}

TEST(HashIndexApi, KnnBreaksTiesById) {
  HashIndex index = make();
  // Four hashes at distance 1 from 0, two at distance 2, one exact.
  ASSERT_TRUE(index.add(40, std::uint64_t{1}).ok());
  ASSERT_TRUE(index.add(10, std::uint64_t{2}).ok());
  ASSERT_TRUE(index.add(30, std::uint64_t{4}).ok());
  ASSERT_TRUE(index.add(20, std::uint64_t{8}).ok());
  ASSERT_TRUE(index.add(5, std::uint64_t{3}).ok());
  ASSERT_TRUE(index.add(6, std::uint64_t{5}).ok());
  ASSERT_TRUE(index.add(99, std::uint64_t{0}).ok());
  EXPECT_EQ(*index.knn(std::uint64_t{0}, 3),
            (Matches{{99, 0}, {10, 1}, {20, 1}}));
  EXPECT_EQ(*index.knn(std::uint64_t{0}, 5),
            (Matches{{99, 0}, {10, 1}, {20, 1}, {30, 1}, {40, 1}}));
  EXPECT_EQ(index.knn(std::uint64_t{0}, 100)->size(), 7u);
  EXPECT_TRUE(index.knn(std::uint64_t{0}, 0)->empty());
}

TEST(HashIndexApi, KnnMatchesBruteForceAtScale) {
  for (const bool clustered : {false, true}) {
    const std::size_t n = 50000;
    const auto hashes = clustered ? td::clustered_hashes(n, 1, 500, 8, 3)
                                  : td::random_hashes(n, 1, 3);
    std::vector<std::uint64_t> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = n - i;  // unsorted
    HashIndex index = make();
    ASSERT_TRUE(index.add_many(ids, hashes).ok());
    const auto queries = td::queries_near(hashes, 1, 20, 6, 4);
    for (std::size_t i = 0; i < 20; ++i) {
      const Hash256 q{queries[i], 0, 0, 0};
      const auto all = td::brute_force(ids, hashes, 1, q, 64);
      for (const std::size_t k :
           {std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
        const Matches want(all.begin(), all.begin() + static_cast<long>(k));
        ASSERT_EQ(*index.knn(q, k), want)
            << "clustered=" << clustered << " query " << i << " k=" << k;
      }
    }
  }
}

TEST(HashIndexApi, BadArgumentsAreInvalidArgument) {
  EXPECT_EQ(HashIndex::create({.bits = 128}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(HashIndex::create({.substrings = -1}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(HashIndex::create({.substrings = 17}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(HashIndex::create({.expected_radius = 11}).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(HashIndex::create({.bits = 256, .expected_radius = 32}).ok());

  HashIndex index = make();
  ASSERT_TRUE(index.add(1, std::uint64_t{1}).ok());
  for (const int radius : {-1, 11}) {
    const auto r = index.query(std::uint64_t{1}, radius);
    ASSERT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << radius;
    EXPECT_NE(r.status().message().find("radius"), std::string::npos);
  }
  EXPECT_TRUE(index.query(std::uint64_t{1}, 10).ok());
  // A 256-bit hash given to a 64-bit index.
  EXPECT_EQ(index.add(2, Hash256{1, 1, 0, 0}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(index.query(Hash256{1, 0, 0, 1}, 3).status().code(),
            ErrorCode::kInvalidArgument);
  const std::vector<std::uint64_t> ids{1, 2};
  const std::vector<std::uint64_t> one_word{1};
  EXPECT_EQ(index.add_many(ids, one_word).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index.size(), 1u);  // nothing added

  HashIndex wide = make(256);
  EXPECT_EQ(wide.add(1, std::uint64_t{1}).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(wide.query(std::uint64_t{1}, 3).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(wide.query(Hash256{}, 33).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(wide.query(Hash256{}, 32).ok());
  const std::vector<std::uint64_t> four_words{1, 2, 3, 4};
  EXPECT_EQ(wide.add_many(ids, four_words).code(), ErrorCode::kInvalidArgument);
}

TEST(HashIndexApi, MovedIndexKeepsItsContents) {
  HashIndex a = make();
  ASSERT_TRUE(a.add(1, std::uint64_t{42}).ok());
  HashIndex b = std::move(a);
  EXPECT_EQ(*b.query(std::uint64_t{42}, 0), (Matches{{1, 0}}));
  HashIndex c = make(256);
  c = std::move(b);
  EXPECT_EQ(c.bits(), 64);
  EXPECT_EQ(c.size(), 1u);
}

TEST(HashIndexApi, ManySingleAddsAndRemovesKeepSegmentsFewAndExact) {
  HashIndex index = make();
  const std::size_t n = 60000;
  const auto hashes = td::clustered_hashes(n, 1, 300, 8, 9);
  std::map<std::uint64_t, std::uint64_t> truth;
  td::SplitMix rng(1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t id = rng.below(40000);  // about a third replace
    ASSERT_TRUE(index.add(id, hashes[i]).ok());
    truth[id] = hashes[i];
    if (i % 5 == 0) {
      const std::uint64_t gone = rng.below(40000);
      const bool had = truth.erase(gone) == 1;
      EXPECT_EQ(index.remove(gone).ok(), had);
    }
  }
  ASSERT_EQ(index.size(), truth.size());
  const HashIndex::Stats st = index.stats();
  // Geometric sizes: about log4(n / 4096) segments, not n / 4096.
  EXPECT_LE(st.segments, 6u);
  EXPECT_LE(st.dead, st.size);
  std::vector<std::uint64_t> ids, flat;
  for (const auto& [id, h] : truth) {
    ids.push_back(id);
    flat.push_back(h);
  }
  const auto queries = td::queries_near(flat, 1, 30, 4, 2);
  for (std::size_t i = 0; i < 30; ++i) {
    const Hash256 q{queries[i], 0, 0, 0};
    for (const int r : {0, 3, 6, 10}) {
      ASSERT_EQ(*index.query(q, r), td::brute_force(ids, flat, 1, q, r))
          << "query " << i << " radius " << r;
    }
  }
}

TEST(HashIndexPlan, ChoosesFewerLongerTablesAsTheIndexGrows) {
  using hash_index::choose_plan;
  EXPECT_EQ(choose_plan(10, 64, 5, 0).tables, 0);  // scan
  const auto big = choose_plan(10'000'000, 64, 5, 0);
  EXPECT_EQ(big.tables, 3);
  EXPECT_LE(hash_index::plan_bytes(10'000'000, 64, big) / 1e7, 32.0);
  const auto mid = choose_plan(100'000, 64, 5, 0);
  EXPECT_GE(mid.tables, big.tables);
  EXPECT_LT(mid.table_bits, big.table_bits);
  EXPECT_LE(hash_index::plan_bytes(100'000, 64, mid) / 1e5, 32.0);
  // A larger radius wants shorter substrings or more tables.
  const auto wide = choose_plan(1'000'000, 256, 31, 0);
  EXPECT_GE(wide.tables, 8);
  EXPECT_EQ(choose_plan(1'000'000, 64, 5, 4).tables, 4);
}

TEST(HashIndexPlan, BitChoiceLeavesOutConstantBitsAndSplitsCopies) {
  // Bits 0-7 constant, bits 8-15 exact copies of bits 16-23, the rest random.
  const std::size_t n = 20000;
  std::vector<std::uint64_t> h = td::random_hashes(n, 1, 17);
  for (auto& x : h) {
    x &= ~std::uint64_t{0xFFFFFF};
    x |= 0xA5 | (((x >> 24) & 0xFF) << 8) | (((x >> 24) & 0xFF) << 16);
  }
  const hash_index::Plan plan{3, 18};  // 54 of 64 bits: 10 left out
  const auto tables = hash_index::choose_bits(h.data(), n, 1, plan);
  ASSERT_EQ(tables.size(), 3u);
  for (const auto& t : tables) {
    ASSERT_EQ(t.size(), 18u);
    for (const std::uint8_t b : t) EXPECT_GE(b, 8) << "a constant bit is used";
  }
  // No table holds both a bit and its copy.
  for (const auto& t : tables) {
    for (const std::uint8_t b : t) {
      if (b >= 8 && b < 16) {
        EXPECT_EQ(std::count(t.begin(), t.end(), b + 8), 0) << int{b};
      }
    }
  }
}

// Clustered data (many near-identical hashes) must not turn queries into
// scans or make them read a large part of the index: the tables answer, and
// the candidates stay within a small multiple of the cluster sizes.
TEST(HashIndexPlan, ClusteredQueriesUseTheTablesAndFewCandidates) {
  const std::size_t n = 200000, seeds = 2000;  // clusters of about 100
  const auto hashes = td::clustered_hashes(n, 1, seeds, 8, 12);
  std::vector<std::uint64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = i;
  HashIndex index = make();
  ASSERT_TRUE(index.add_many(ids, hashes).ok());
  ASSERT_GT(index.stats().substrings, 0);
  const auto queries = td::queries_near(hashes, 1, 200, 4, 13);
  auto& trace = hash_index::query_trace();
  trace = {};
  std::size_t results = 0;
  for (const std::uint64_t q : queries) results += index.query(q, 5)->size();
  EXPECT_EQ(trace.segments_scanned, 0u);
  EXPECT_EQ(trace.segments_searched, queries.size());
  const double per_query = static_cast<double>(trace.candidates) / 200.0;
  EXPECT_LT(per_query, 0.01 * n) << "candidates per query";
  EXPECT_GT(results, 200u);  // the queries do land in clusters

  // One product photographed 20,000 times (a tenth of the index, within 3
  // bits of each other): queries next to it return most of it, and those a
  // few bits further still do not scan the whole index.
  auto heavy = hashes;
  td::SplitMix rng(14);
  const std::uint64_t product = hashes[0];
  for (std::size_t i = 0; i < n; i += 10) {
    heavy[i] = product;
    td::flip_bits(&heavy[i], 1, static_cast<int>(rng.below(4)), rng);
  }
  HashIndex big = make();
  ASSERT_TRUE(big.add_many(ids, heavy).ok());
  trace = {};
  std::uint64_t near = product;
  td::flip_bits(&near, 1, 9, rng);  // 9 bits away: few matches at radius 5
  const auto got = *big.query(near, 5);
  EXPECT_EQ(got, td::brute_force(ids, heavy, 1, {near, 0, 0, 0}, 5));
  EXPECT_LT(trace.candidates, n / 4);
}

TEST(HashIndexKernels, Xxh64KnownValues) {
  // Reference values of the XXH64 specification's implementation.
  EXPECT_EQ(hash_index::xxh64("", 0), 0xEF46DB3751D8E999ull);
  EXPECT_EQ(hash_index::xxh64("a", 1), 0xD24EC4F1A98C6E5Bull);
  EXPECT_EQ(hash_index::xxh64("abc", 3), 0x44BC2CF5AD770999ull);
  // Streaming in odd pieces equals one shot.
  std::string data(1000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>(i * 31);
  hash_index::Xxh64 h;
  for (std::size_t at = 0; at < data.size(); at += 37) {
    h.update(data.data() + at, std::min<std::size_t>(37, data.size() - at));
  }
  EXPECT_EQ(h.digest(), hash_index::xxh64(data.data(), data.size()));
}

TEST(HashIndexKernels, ScanMatchesScalarAtEveryOffset) {
  const auto hashes = td::random_hashes(1000, 1, 8);
  for (int r : {0, 20, 30, 64}) {
    for (std::size_t begin : {0, 1, 3, 17}) {
      std::vector<std::uint32_t> rows;
      hash_index::scan_within(hashes.data(), 1, begin, 1000 - begin / 2,
                              &hashes[5], r, rows);
      std::vector<std::uint32_t> want;
      for (std::size_t i = begin; i < 1000 - begin / 2; ++i) {
        if (std::popcount(hashes[i] ^ hashes[5]) <= r) {
          want.push_back(static_cast<std::uint32_t>(i));
        }
      }
      EXPECT_EQ(rows, want) << r << " " << begin;
    }
  }
}

}  // namespace
}  // namespace imagebank
