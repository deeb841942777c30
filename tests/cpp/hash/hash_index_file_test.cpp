// HashIndex files: round trip, memory-mapped and read-only opening, and
// every kind of damage reported as corrupt_data naming the file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "hash/hash_index_kernels.hpp"
#include "imagebank/hash/hash_index.hpp"
#include "support/hash_index_testdata.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;
namespace td = hash_index::testdata;
using Matches = std::vector<HashIndex::Match>;

class HashIndexFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hash_index_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // An index of n clustered hashes with ids 10, 20, ...
  HashIndex build(std::size_t n, int bits = 64) {
    const int words = bits / 64;
    hashes_ = td::clustered_hashes(n, words, 100, bits == 64 ? 6 : 30, 4);
    ids_.resize(n);
    for (std::size_t i = 0; i < n; ++i) ids_[i] = 10 * (i + 1);
    auto index = HashIndex::create({.bits = bits}).value();
    EXPECT_TRUE(index.add_many(ids_, hashes_).ok());
    return index;
  }

  void expect_same_answers(const HashIndex& a, const HashIndex& b, int words) {
    const auto queries = td::queries_near(hashes_, words, 20, 3, 9);
    const int r = words == 1 ? 6 : 24;
    for (std::size_t i = 0; i < 20; ++i) {
      const Hash256 q = td::as_hash256(queries.data() + i * words, words);
      const Matches want = td::brute_force(ids_, hashes_, words, q, r);
      ASSERT_EQ(*a.query(q, r), want);
      ASSERT_EQ(*b.query(q, r), want);
      ASSERT_EQ(*b.knn(q, 5), *a.knn(q, 5));
    }
  }

  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void write(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  void expect_corrupt(const fs::path& p, const std::string& why) {
    const auto r = HashIndex::open(p);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.status().code(), ErrorCode::kCorruptData)
        << why << ": " << r.status();
    EXPECT_NE(r.status().message().find(p.string()), std::string::npos)
        << r.status();
  }
  // Rewrites the header checksum so damage to a field is found by the
  // field checks, not the checksum.
  static void reseal(std::string& bytes) {
    const std::uint64_t h = hash_index::xxh64(bytes.data(), 120);
    std::memcpy(bytes.data() + 120, &h, 8);
  }

  fs::path dir_;
  std::vector<std::uint64_t> ids_, hashes_;
};

TEST_F(HashIndexFile, RoundTripIsMappedAndAnswersTheSame) {
  for (const int bits : {64, 256}) {
    HashIndex index = build(30000, bits);
    const fs::path path = dir_ / ("index" + std::to_string(bits) + ".ibhi");
    ASSERT_TRUE(index.save(path).ok());
    auto opened = HashIndex::open(path);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(opened->size(), index.size());
    EXPECT_EQ(opened->bits(), bits);
    EXPECT_TRUE(opened->read_only());
    const HashIndex::Stats st = opened->stats();
    EXPECT_TRUE(st.mapped);
    EXPECT_EQ(st.substrings, index.stats().substrings);
    expect_same_answers(index, *opened, bits / 64);
  }
}

TEST_F(HashIndexFile, EmptyAndTinyIndexesRoundTrip) {
  const fs::path path = dir_ / "empty.ibhi";
  auto empty = HashIndex::create().value();
  ASSERT_TRUE(empty.save(path).ok());
  auto back = HashIndex::open(path, /*read_only=*/false);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->size(), 0u);
  ASSERT_TRUE(back->add(1, std::uint64_t{77}).ok());
  ASSERT_TRUE(back->save(path).ok());
  auto again = HashIndex::open(path);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again->query(std::uint64_t{77}, 0), (Matches{{1, 0}}));
}

TEST_F(HashIndexFile, ReadOnlyRefusesWritesWithConflict) {
  HashIndex index = build(5000);
  const fs::path path = dir_ / "ro.ibhi";
  ASSERT_TRUE(index.save(path).ok());
  auto ro = HashIndex::open(path, /*read_only=*/true).value();
  const Status add = ro.add(1, std::uint64_t{1});
  EXPECT_EQ(add.code(), ErrorCode::kConflict);
  EXPECT_NE(add.message().find("read-only"), std::string::npos) << add;
  EXPECT_NE(add.message().find(path.string()), std::string::npos) << add;
  const std::vector<std::uint64_t> ids{1}, words{1};
  EXPECT_EQ(ro.add_many(ids, words).code(), ErrorCode::kConflict);
  EXPECT_EQ(ro.remove(ids_[0]).code(), ErrorCode::kConflict);
  EXPECT_EQ(ro.size(), 5000u);
  // A second reader of the same file, at the same time.
  auto second = HashIndex::open(path, /*read_only=*/true).value();
  expect_same_answers(ro, second, 1);
}

TEST_F(HashIndexFile, WritableOpenChangesMemoryNotTheFile) {
  HashIndex index = build(20000);
  const fs::path path = dir_ / "rw.ibhi";
  ASSERT_TRUE(index.save(path).ok());
  const std::string before = read(path);
  auto rw = HashIndex::open(path, /*read_only=*/false).value();
  EXPECT_FALSE(rw.read_only());
  ASSERT_TRUE(rw.remove(ids_[0]).ok());
  ASSERT_TRUE(rw.add(ids_[1], std::uint64_t{0xDEADBEEF}).ok());
  ASSERT_TRUE(rw.add(5, std::uint64_t{0xFEEDFACE}).ok());
  EXPECT_EQ(rw.size(), 20000u);  // one removed, one replaced, one new
  EXPECT_EQ(read(path), before);
  // Saving over the mapped file replaces it; the open mapping is unaffected.
  ASSERT_TRUE(rw.save(path).ok());
  EXPECT_EQ(*rw.query(std::uint64_t{0xFEEDFACE}, 0), (Matches{{5, 0}}));
  auto back = HashIndex::open(path).value();
  EXPECT_EQ(back.size(), 20000u);
  EXPECT_EQ(*back.query(std::uint64_t{0xDEADBEEF}, 0), (Matches{{ids_[1], 0}}));
  EXPECT_EQ(*back.query(hashes_[0], 0), *rw.query(hashes_[0], 0));
  // No temporary files are left behind.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(HashIndexFile, MissingFileIsNotFoundAndUnwritableDirIsIoError) {
  const auto r = HashIndex::open(dir_ / "missing.ibhi");
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("missing.ibhi"), std::string::npos);
  auto index = HashIndex::create().value();
  const Status s = index.save(dir_ / "no" / "such" / "dir" / "x.ibhi");
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("x.ibhi"), std::string::npos);
}

TEST_F(HashIndexFile, TruncatedFilesAreCorruptData) {
  HashIndex index = build(3000);
  const fs::path path = dir_ / "t.ibhi";
  ASSERT_TRUE(index.save(path).ok());
  const std::string whole = read(path);
  for (const std::size_t keep :
       {std::size_t{0}, std::size_t{7}, std::size_t{127}, std::size_t{128},
        std::size_t{1000}, whole.size() / 2, whole.size() - 1}) {
    write(path, whole.substr(0, keep));
    expect_corrupt(path, "truncated to " + std::to_string(keep));
  }
  write(path, whole + "x");
  expect_corrupt(path, "one byte appended");
}

TEST_F(HashIndexFile, DamagedFilesAreCorruptData) {
  HashIndex index = build(3000);
  const fs::path path = dir_ / "d.ibhi";
  ASSERT_TRUE(index.save(path).ok());
  const std::string whole = read(path);

  std::string bad = whole;
  bad[0] = 'X';
  write(path, bad);
  expect_corrupt(path, "magic");

  // A flipped bit anywhere in the payload: the checksum.
  for (const std::size_t at :
       {std::size_t{130}, whole.size() / 3, whole.size() - 10}) {
    bad = whole;
    bad[at] ^= 0x10;
    write(path, bad);
    expect_corrupt(path, "bit flip at " + std::to_string(at));
  }
  // A flipped header field with its checksum left stale.
  bad = whole;
  bad[40] ^= 1;  // count
  write(path, bad);
  expect_corrupt(path, "header checksum");

  // Header fields out of range, checksum resealed: the field checks.
  std::uint32_t bits = 128;
  bad = whole;
  std::memcpy(bad.data() + 16, &bits, 4);
  reseal(bad);
  write(path, bad);
  expect_corrupt(path, "bits 128");
  std::uint64_t count = std::uint64_t{1} << 60;
  bad = whole;
  std::memcpy(bad.data() + 40, &count, 8);
  reseal(bad);
  write(path, bad);
  expect_corrupt(path, "huge count");
  std::uint32_t tables = 40;
  bad = whole;
  std::memcpy(bad.data() + 20, &tables, 4);
  reseal(bad);
  write(path, bad);
  expect_corrupt(path, "40 tables");

  // A newer version is unsupported_format, not corrupt.
  std::uint32_t version = 2;
  bad = whole;
  std::memcpy(bad.data() + 12, &version, 4);
  reseal(bad);
  write(path, bad);
  EXPECT_EQ(HashIndex::open(path).status().code(),
            ErrorCode::kUnsupportedFormat);
  // So is the other byte order.
  std::uint32_t swapped = 0x04030201;
  bad = whole;
  std::memcpy(bad.data() + 8, &swapped, 4);
  write(path, bad);
  EXPECT_EQ(HashIndex::open(path).status().code(),
            ErrorCode::kUnsupportedFormat);
}

TEST_F(HashIndexFile, CraftedStructureWithValidChecksumsIsCorruptData) {
  constexpr std::size_t kN = 40000;
  HashIndex index = build(kN);
  const fs::path path = dir_ / "c.ibhi";
  ASSERT_TRUE(index.save(path).ok());
  const std::string whole = read(path);
  std::uint32_t tables_n, table_bits;
  std::memcpy(&tables_n, whole.data() + 20, 4);
  std::memcpy(&table_bits, whole.data() + 24, 4);
  ASSERT_GT(tables_n, 0u) << kN << " hashes should get tables";
  // Layout as in hash_index_file.hpp.
  auto align = [](std::size_t x) { return (x + 63) / 64 * 64; };
  const std::size_t dir = ((std::size_t{1} << table_bits) + 1) * 4;
  const std::size_t ids_at = align(128 + tables_n * table_bits);
  const std::size_t hashes_at = align(ids_at + kN * 8);
  const std::size_t by_id_at = align(hashes_at + kN * 8);
  const std::size_t offsets0_at = align(by_id_at + kN * 4);
  const std::size_t offsets1_at = align(offsets0_at + dir);
  const std::size_t rows1_at = align(offsets1_at + dir);
  auto seal_all = [&](std::string& bytes) {
    const std::uint64_t payload =
        hash_index::xxh64(bytes.data() + 128, bytes.size() - 128);
    std::memcpy(bytes.data() + 56, &payload, 8);
    reseal(bytes);
  };
  struct Damage {
    const char* what;
    std::size_t at;
    std::uint32_t value;
  };
  ASSERT_GE(tables_n, 2u);
  for (const Damage& d :
       {Damage{"row out of range", rows1_at + 8, 4000000000u},
        Damage{"bucket offset past the end", offsets0_at + 4, 99999},
        Damage{"bucket offset past the end", offsets1_at + 8, 99999},
        Damage{"id order out of range", by_id_at + 4, 4000000000u},
        Damage{"id order repeats a row", by_id_at + 4, 0},
        Damage{"two rows with one id", ids_at + 8, 0},
        Damage{"key bit out of range", 128, 200},
        Damage{"key bit repeated", 129, 0}}) {
    std::string bad = whole;
    const std::string what = d.what;
    if (what == "key bit out of range" || what == "key bit repeated") {
      bad[d.at] =
          what == "key bit repeated" ? bad[128] : static_cast<char>(d.value);
    } else if (what == "id order repeats a row") {
      std::memcpy(bad.data() + by_id_at + 4, bad.data() + by_id_at, 4);
    } else if (what == "two rows with one id") {
      std::memcpy(bad.data() + ids_at + 8, bad.data() + ids_at, 8);
    } else {
      std::memcpy(bad.data() + d.at, &d.value, 4);
    }
    seal_all(bad);
    write(path, bad);
    expect_corrupt(path, d.what);
  }
  // Rows moved to another bucket with the checksums resealed: every array
  // is still in range, but queries would miss matches.
  {
    std::string bad = whole;
    std::uint32_t first, last;
    std::memcpy(&first, bad.data() + rows1_at, 4);
    std::memcpy(&last, bad.data() + rows1_at + (kN - 1) * 4, 4);
    std::memcpy(bad.data() + rows1_at, &last, 4);
    std::memcpy(bad.data() + rows1_at + (kN - 1) * 4, &first, 4);
    seal_all(bad);
    write(path, bad);
    expect_corrupt(path, "table 1 rows swapped across buckets");
  }
  {
    std::string bad = whole;
    const std::size_t keys = std::size_t{1} << table_bits;
    auto off = [&](std::size_t k) {
      std::uint32_t v;
      std::memcpy(&v, bad.data() + offsets0_at + k * 4, 4);
      return v;
    };
    std::size_t k = 1;
    while (k < keys && !(off(k - 1) < off(k) && off(k) < off(k + 1))) ++k;
    ASSERT_LT(k, keys);
    const std::uint32_t moved = off(k) + 1;  // one row to the bucket before
    std::memcpy(bad.data() + offsets0_at + k * 4, &moved, 4);
    seal_all(bad);
    write(path, bad);
    expect_corrupt(path, "table 0 bucket boundary moved");
  }
}

TEST_F(HashIndexFile, AFifoIsRefusedWithoutWaitingForAWriter) {
  const fs::path fifo = dir_ / "fifo.ibhi";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto r = HashIndex::open(fifo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError) << r.status();
  EXPECT_NE(r.status().message().find(fifo.string()), std::string::npos);
}

}  // namespace
}  // namespace imagebank
