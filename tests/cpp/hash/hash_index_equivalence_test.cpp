// HashIndex against brute force: the same ids and distances in the same
// order, for random and clustered data, 64 and 256 bits, every radius.
#include <gtest/gtest.h>

#include <string>

#include "imagebank/hash/hash_index.hpp"
#include "support/hash_index_testdata.hpp"

namespace imagebank {
namespace {

namespace td = hash_index::testdata;
using Matches = std::vector<HashIndex::Match>;

struct Case {
  int bits;
  std::size_t n;
  bool clustered;
  int substrings;  // 0: automatic
  std::string name() const {
    return std::to_string(bits) + "bit_n" + std::to_string(n) +
           (clustered ? "_clustered" : "_random") + "_m" +
           std::to_string(substrings);
  }
};

class HashIndexEquivalence : public ::testing::TestWithParam<Case> {};

Matches within(const Matches& all, int radius) {
  Matches out;
  for (const auto& m : all) {
    if (m.distance <= radius) out.push_back(m);
  }
  return out;
}

TEST_P(HashIndexEquivalence, RangeQueriesEqualBruteForce) {
  const Case c = GetParam();
  const int words = c.bits / 64;
  const int max_radius =
      c.bits == 64 ? HashIndex::kMaxRadius64 : HashIndex::kMaxRadius256;
  const auto hashes =
      c.clustered ? td::clustered_hashes(c.n, words,
                                         std::max<std::size_t>(c.n / 200, 1),
                                         c.bits == 64 ? 8 : 40, c.n + 1)
                  : td::random_hashes(c.n, words, c.n + 2);
  std::vector<std::uint64_t> ids(c.n);
  td::SplitMix rng(c.n);
  for (std::size_t i = 0; i < c.n; ++i) ids[i] = rng();  // arbitrary ids

  auto created =
      HashIndex::create({.bits = c.bits, .substrings = c.substrings});
  ASSERT_TRUE(created.ok()) << created.status();
  HashIndex index = std::move(created).value();
  ASSERT_TRUE(index.add_many(ids, hashes).ok());
  ASSERT_EQ(index.size(), c.n);

  // Queries near the data (where the answers are) and random ones.
  std::vector<std::uint64_t> queries =
      c.n > 0 ? td::queries_near(hashes, words, 25, c.bits == 64 ? 4 : 20, 7)
              : std::vector<std::uint64_t>{};
  const auto far = td::random_hashes(5, words, 11);
  queries.insert(queries.end(), far.begin(), far.end());
  std::size_t found = 0;
  for (std::size_t i = 0; i < queries.size() / words; ++i) {
    const Hash256 q = td::as_hash256(queries.data() + i * words, words);
    const Matches all = td::brute_force(ids, hashes, words, q, max_radius);
    for (int r = 0; r <= max_radius; ++r) {
      const auto got = index.query(q, r);
      ASSERT_TRUE(got.ok()) << got.status();
      ASSERT_EQ(*got, within(all, r))
          << c.name() << " query " << i << " radius " << r;
    }
    found += all.size();
  }
  if (c.n >= 1000) {
    EXPECT_GT(found, 0u) << "the test must find something";
  }
}

INSTANTIATE_TEST_SUITE_P(
    HashIndex, HashIndexEquivalence,
    ::testing::Values(Case{64, 0, false, 0}, Case{64, 1, false, 0},
                      Case{64, 100, true, 0}, Case{64, 5000, false, 0},
                      Case{64, 5000, true, 0}, Case{64, 100000, false, 0},
                      Case{64, 100000, true, 0}, Case{64, 100000, true, 1},
                      Case{64, 100000, true, 2}, Case{64, 100000, false, 5},
                      Case{64, 20000, true, 8}, Case{256, 0, false, 0},
                      Case{256, 1, false, 0}, Case{256, 3000, true, 0},
                      Case{256, 100000, false, 0}, Case{256, 100000, true, 0},
                      Case{256, 30000, true, 5}),
    [](const auto& info) { return info.param.name(); });

// A catalog where one product fills a tenth of the index with exact
// duplicates and its neighbours: the buckets around it are huge, and the
// query must still be exact (and, by the cost model, cheap: see
// BM_HashIndexQuery/clustered).
TEST(HashIndexEquivalenceHeavy, OneHugeClusterStaysExact) {
  const std::size_t n = 60000;
  auto hashes = td::random_hashes(n, 1, 21);
  td::SplitMix rng(5);
  const std::uint64_t product = 0x00FF00FF12345678ull;
  for (std::size_t i = 0; i < n / 10; ++i) {
    hashes[i * 7] = product;
    td::flip_bits(&hashes[i * 7], 1, static_cast<int>(rng.below(4)), rng);
  }
  std::vector<std::uint64_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) ids[i] = i;
  auto index = HashIndex::create().value();
  ASSERT_TRUE(index.add_many(ids, hashes).ok());
  for (int f = 0; f <= 8; ++f) {
    std::uint64_t q = product;
    td::flip_bits(&q, 1, f, rng);
    for (int r = 0; r <= 10; ++r) {
      ASSERT_EQ(*index.query(q, r),
                td::brute_force(ids, hashes, 1, {q, 0, 0, 0}, r))
          << f << " " << r;
    }
  }
}

}  // namespace
}  // namespace imagebank
