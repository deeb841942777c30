// The BlobStore conformance suite (see blob_store_conformance.hpp).
#include "catalog/blob_store_conformance.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace imagebank::testing {
namespace {

using Bytes = std::vector<std::byte>;

Bytes bytes_of(std::string_view s) {
  Bytes out(s.size());
  std::transform(s.begin(), s.end(), out.begin(),
                 [](char c) { return static_cast<std::byte>(c); });
  return out;
}

// Deterministic noise: distinct seeds give distinct contents.
Bytes pattern(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<std::byte>(rng() & 0xff);
  return out;
}

Bytes slice(const Bytes& b, std::size_t offset, std::size_t length) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(offset),
               b.begin() + static_cast<std::ptrdiff_t>(offset + length));
}

std::vector<std::string> keys_of(const BlobListPage& page) {
  std::vector<std::string> keys;
  for (const auto& blob : page.blobs) keys.push_back(blob.key);
  return keys;
}

// A local file for put_file, removed when the test ends.
class LocalFile {
 public:
  explicit LocalFile(const Bytes& content) {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("blob_conformance_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    std::ofstream out(path_, std::ios::binary);
    out.write(reinterpret_cast<const char*>(content.data()),
              static_cast<std::streamsize>(content.size()));
  }
  ~LocalFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Every key the ordering tests use: traps for byte order ('-' < '.' < '/'
// < '0' < 'A' < '_' < 'a'), no key is another's directory.
const std::vector<std::string>& order_keys() {
  static const std::vector<std::string> keys = {
      "x/a-b", "x/a.b", "x/a/b", "x/a/c", "x/A",    "x/B/x", "x/a_b",
      "x/a0",  "x/ab",  "x/Z",   "x/z",   "x/a-/q", "y"};
  return keys;
}

std::vector<std::string> sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

std::string blob_store_factory_name(
    const ::testing::TestParamInfo<BlobStoreFactory>& info) {
  return info.param.name;
}

void BlobStoreConformance::SetUp() {
  store_ = GetParam().make();
  ASSERT_NE(store_, nullptr) << "the factory returned no store";
}

void BlobStoreConformance::TearDown() { store_.reset(); }

// --- put / get ---------------------------------------------------------------

TEST_P(BlobStoreConformance, PutThenGetReturnsTheBytes) {
  const Bytes data = bytes_of("hello, image bank");
  ASSERT_TRUE(store().put("a/b/c.txt", data).ok());
  auto got = store().get_bytes("a/b/c.txt");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, data);
}

TEST_P(BlobStoreConformance, EmptyObjectIsAnObject) {
  ASSERT_TRUE(store().put("empty", {}).ok());
  auto got = store().get_bytes("empty");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->empty());
  auto info = store().head("empty");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->size, 0u);
  auto page = store().list("");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->blobs.size(), 1u);
  EXPECT_EQ(page->blobs[0].key, "empty");
  EXPECT_EQ(page->blobs[0].size, 0u);
}

TEST_P(BlobStoreConformance, MultiMegabyteObjectStreamsInOrder) {
  const Bytes data = pattern((5u << 20) + 123, 7);
  ASSERT_TRUE(store().put("big/object.bin", data).ok());
  Bytes received;
  int calls = 0;
  const Status status =
      store().get("big/object.bin", [&](std::span<const std::byte> chunk) {
        ++calls;
        received.insert(received.end(), chunk.begin(), chunk.end());
        return ok_status();
      });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_GE(calls, 1);
  EXPECT_TRUE(received == data) << "received " << received.size() << " bytes";
}

TEST_P(BlobStoreConformance, EveryByteValueSurvives) {
  Bytes data;
  for (int round = 0; round < 4; ++round) {
    for (int v = 0; v < 256; ++v) data.push_back(static_cast<std::byte>(v));
  }
  data.push_back(std::byte{0});
  ASSERT_TRUE(store().put("binary", data).ok());
  auto got = store().get_bytes("binary");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, data);
}

TEST_P(BlobStoreConformance, PutReplacesAnExistingObject) {
  ASSERT_TRUE(store().put("k", pattern(100000, 1)).ok());
  const Bytes shorter = pattern(1000, 2);
  ASSERT_TRUE(store().put("k", shorter).ok());
  auto got = store().get_bytes("k");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, shorter);
  auto info = store().head("k");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->size, shorter.size());
  auto page = store().list("");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(keys_of(*page), std::vector<std::string>{"k"});
}

TEST_P(BlobStoreConformance, KeysFromTheBuildersWork) {
  const std::string sha(64, 'e');
  auto original = original_blob_key(sha, "jpg");
  const std::optional<std::string> variant = "variants/" + sha + "/w800.avif";
  ASSERT_TRUE(original.ok());
  ASSERT_TRUE(store().put(*original, bytes_of("original")).ok());
  ASSERT_TRUE(store().put(*variant, bytes_of("variant")).ok());
  EXPECT_EQ(*store().get_bytes(*original), bytes_of("original"));
  EXPECT_EQ(*store().get_bytes(*variant), bytes_of("variant"));
  auto page = store().list("originals/ee/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(keys_of(*page), std::vector<std::string>{*original});
}

TEST_P(BlobStoreConformance, LongKeyOfShortSegmentsWorks) {
  // 1024 bytes: 8 segments of 127 characters joined by '/', and "z".
  std::string key;
  for (int i = 0; i < 8; ++i)
    key += std::string(127, static_cast<char>('a' + i)) + "/";
  key += "z";
  ASSERT_EQ(key.size(), 1025u);
  key.erase(0, 1);  // now 1024
  ASSERT_TRUE(validate_blob_key(key).ok());
  ASSERT_TRUE(store().put(key, bytes_of("deep")).ok());
  EXPECT_EQ(*store().get_bytes(key), bytes_of("deep"));
  auto page = store().list("");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(keys_of(*page), std::vector<std::string>{key});
}

// --- ranges ------------------------------------------------------------------

TEST_P(BlobStoreConformance, RangeFromAnOffsetToTheEnd) {
  const Bytes data = pattern(10000, 3);
  ASSERT_TRUE(store().put("r", data).ok());
  auto got = store().get_bytes("r", ByteRange{1234, std::nullopt});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, slice(data, 1234, 10000 - 1234));
}

TEST_P(BlobStoreConformance, RangeWithOffsetAndLength) {
  const Bytes data = pattern(10000, 4);
  ASSERT_TRUE(store().put("r", data).ok());
  auto got = store().get_bytes("r", ByteRange{100, 250});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, slice(data, 100, 250));
  auto first = store().get_bytes("r", ByteRange{0, 1});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, slice(data, 0, 1));
  auto last = store().get_bytes("r", ByteRange{9999, 1});
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, slice(data, 9999, 1));
}

TEST_P(BlobStoreConformance, RangeAcrossALargeObject) {
  const Bytes data = pattern(3u << 20, 5);
  ASSERT_TRUE(store().put("r", data).ok());
  auto got = store().get_bytes("r", ByteRange{300001, 1500000});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == slice(data, 300001, 1500000));
}

TEST_P(BlobStoreConformance, RangeRunningPastTheEndIsClipped) {
  const Bytes data = pattern(1000, 6);
  ASSERT_TRUE(store().put("r", data).ok());
  auto got = store().get_bytes("r", ByteRange{900, 500});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, slice(data, 900, 100));
  auto huge = store().get_bytes(
      "r", ByteRange{10, std::numeric_limits<std::uint64_t>::max()});
  ASSERT_TRUE(huge.ok()) << huge.status();
  EXPECT_EQ(*huge, slice(data, 10, 990));
}

TEST_P(BlobStoreConformance, EmptyRanges) {
  const Bytes data = pattern(1000, 7);
  ASSERT_TRUE(store().put("r", data).ok());
  auto zero = store().get_bytes("r", ByteRange{10, 0});
  ASSERT_TRUE(zero.ok()) << zero.status();
  EXPECT_TRUE(zero->empty());
  // Starting exactly at the end is not past it.
  auto at_end = store().get_bytes("r", ByteRange{1000, std::nullopt});
  ASSERT_TRUE(at_end.ok()) << at_end.status();
  EXPECT_TRUE(at_end->empty());
  ASSERT_TRUE(store().put("e", {}).ok());
  auto of_empty = store().get_bytes("e", ByteRange{0, 5});
  ASSERT_TRUE(of_empty.ok()) << of_empty.status();
  EXPECT_TRUE(of_empty->empty());
}

TEST_P(BlobStoreConformance, RangeStartingPastTheEndIsInvalidArgument) {
  ASSERT_TRUE(store().put("r", pattern(1000, 8)).ok());
  ASSERT_TRUE(store().put("e", {}).ok());
  for (const ByteRange range :
       {ByteRange{1001, std::nullopt}, ByteRange{1001, 1},
        ByteRange{std::numeric_limits<std::uint64_t>::max(), 1}}) {
    int calls = 0;
    const Status status = store().get(
        "r",
        [&](std::span<const std::byte>) {
          ++calls;
          return ok_status();
        },
        range);
    EXPECT_EQ(status.code(), ErrorCode::kInvalidArgument)
        << status << " offset " << range.offset;
    EXPECT_EQ(calls, 0);
  }
  EXPECT_EQ(store().get_bytes("e", ByteRange{1, std::nullopt}).status().code(),
            ErrorCode::kInvalidArgument);
}

// --- missing keys, head, remove ---------------------------------------------

TEST_P(BlobStoreConformance, MissingKeyIsNotFound) {
  ASSERT_TRUE(store().put("present/x", bytes_of("x")).ok());
  for (const char* key :
       {"absent", "present/y", "present/x/deeper", "nope/x"}) {
    int calls = 0;
    const Status status = store().get(key, [&](std::span<const std::byte>) {
      ++calls;
      return ok_status();
    });
    EXPECT_EQ(status.code(), ErrorCode::kNotFound) << key << ": " << status;
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(store().head(key).status().code(), ErrorCode::kNotFound) << key;
    EXPECT_EQ(store().get_bytes(key).status().code(), ErrorCode::kNotFound);
  }
  // A "directory" of other keys is not an object.
  EXPECT_EQ(store().head("present").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().get_bytes("present").status().code(), ErrorCode::kNotFound);
}

TEST_P(BlobStoreConformance, HeadReportsKeySizeAndTime) {
  const Bytes data = pattern(4321, 9);
  const auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(store().put("h/obj", data).ok());
  auto info = store().head("h/obj");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->key, "h/obj");
  EXPECT_EQ(info->size, data.size());
  if (info->modified_ms != 0) {  // 0: the store does not know
    const auto ms = [](auto t) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 t.time_since_epoch())
          .count();
    };
    // Generous: clocks of a remote store drift.
    const std::int64_t day = 24LL * 3600 * 1000;
    EXPECT_GT(info->modified_ms, ms(before) - day);
    EXPECT_LT(info->modified_ms, ms(std::chrono::system_clock::now()) + day);
  }
}

TEST_P(BlobStoreConformance, RemoveDeletesAndIsIdempotent) {
  ASSERT_TRUE(store().put("d/one", bytes_of("1")).ok());
  ASSERT_TRUE(store().put("d/two", bytes_of("2")).ok());
  ASSERT_TRUE(store().remove("d/one").ok());
  EXPECT_EQ(store().head("d/one").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store().get_bytes("d/one").status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store().remove("d/one").ok());
  EXPECT_TRUE(store().remove("never/was").ok());
  EXPECT_TRUE(store().remove("d").ok());  // a prefix, not an object
  EXPECT_EQ(*store().get_bytes("d/two"), bytes_of("2"));
  auto page = store().list("");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(keys_of(*page), std::vector<std::string>{"d/two"});
  // A removed key can be written again.
  ASSERT_TRUE(store().put("d/one", bytes_of("again")).ok());
  EXPECT_EQ(*store().get_bytes("d/one"), bytes_of("again"));
}

// --- list --------------------------------------------------------------------

TEST_P(BlobStoreConformance, ListOfAnEmptyStoreIsEmpty) {
  auto page = store().list("");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->blobs.empty());
  EXPECT_TRUE(page->next_start_after.empty());
}

TEST_P(BlobStoreConformance, ListIsInBytewiseKeyOrderWithSizes) {
  for (std::size_t i = 0; i < order_keys().size(); ++i) {
    ASSERT_TRUE(store().put(order_keys()[i], pattern(i + 1, 10)).ok())
        << order_keys()[i];
  }
  auto page = store().list("");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(keys_of(*page), sorted(order_keys()));
  EXPECT_TRUE(page->next_start_after.empty());
  for (const auto& blob : page->blobs) {
    const auto at =
        std::find(order_keys().begin(), order_keys().end(), blob.key);
    ASSERT_NE(at, order_keys().end());
    EXPECT_EQ(blob.size,
              static_cast<std::uint64_t>(at - order_keys().begin()) + 1)
        << blob.key;
  }
}

TEST_P(BlobStoreConformance, ListFiltersByPrefix) {
  for (const auto& key : order_keys()) ASSERT_TRUE(store().put(key, {}).ok());
  const auto with_prefix = [](std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& key : sorted(order_keys())) {
      if (key.starts_with(prefix)) out.push_back(key);
    }
    return out;
  };
  // Prefixes need not end at a '/'.
  for (const char* prefix : {"x/", "x/a", "x/a/", "x/a-", "x/B", "x/a/b", "y",
                             "x/a.b", "nope", "x/q"}) {
    auto page = store().list(prefix);
    ASSERT_TRUE(page.ok()) << prefix << ": " << page.status();
    EXPECT_EQ(keys_of(*page), with_prefix(prefix)) << "prefix " << prefix;
    EXPECT_TRUE(page->next_start_after.empty());
  }
}

TEST_P(BlobStoreConformance, ListOfAPrefixNoKeyCanHaveIsEmpty) {
  ASSERT_TRUE(store().put("x/a", {}).ok());
  for (const char* prefix : {"../", "x//", "/x", "x/../x", "x/ a", "~"}) {
    auto page = store().list(prefix);
    ASSERT_TRUE(page.ok()) << prefix << ": " << page.status();
    EXPECT_TRUE(page->blobs.empty()) << prefix;
  }
}

TEST_P(BlobStoreConformance, ListPagesCoverEveryKeyOnce) {
  std::vector<std::string> keys;
  for (int i = 0; i < 23; ++i) {
    keys.push_back("p/" + std::to_string(i % 4) + "/k" + std::to_string(i));
  }
  for (const auto& key : keys) ASSERT_TRUE(store().put(key, {}).ok());
  std::vector<std::string> seen;
  std::string start_after;
  int pages = 0;
  for (;;) {
    auto page = store().list("p/", start_after, 5);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->blobs.size(), 5u);
    ++pages;
    ASSERT_LT(pages, 10) << "paging does not end";
    for (const auto& blob : page->blobs) seen.push_back(blob.key);
    if (page->next_start_after.empty()) break;
    ASSERT_EQ(page->blobs.size(), 5u) << "only the last page may be short";
    EXPECT_EQ(page->next_start_after, page->blobs.back().key);
    start_after = page->next_start_after;
  }
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen, sorted(keys));
}

TEST_P(BlobStoreConformance, ListPageOfExactlyTheRestIsTheLast) {
  for (const char* key : {"q/1", "q/2", "q/3"})
    ASSERT_TRUE(store().put(key, {}).ok());
  auto page = store().list("q/", "", 3);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->blobs.size(), 3u);
  EXPECT_TRUE(page->next_start_after.empty());
  auto first = store().list("q/", "", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(keys_of(*first), (std::vector<std::string>{"q/1", "q/2"}));
  EXPECT_EQ(first->next_start_after, "q/2");
}

TEST_P(BlobStoreConformance, ListStartsAfterAnyString) {
  for (const auto& key : order_keys()) ASSERT_TRUE(store().put(key, {}).ok());
  const auto all = sorted(order_keys());
  const auto after = [&](std::string_view start) {
    std::vector<std::string> out;
    for (const auto& key : all) {
      if (key > start) out.push_back(key);
    }
    return out;
  };
  // Existing keys, strings between keys, a "directory", before and after all.
  for (const char* start : {"x/a.b", "x/a.", "x/a", "x/a/", "x/a/b", "x/B", "",
                            "a", "x/", "x/zz", "z"}) {
    auto page = store().list("", start);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(keys_of(*page), after(start)) << "start_after " << start;
  }
  // With a prefix: start_after before the prefix lists the whole prefix.
  auto page = store().list("x/a/", "a");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(keys_of(*page), (std::vector<std::string>{"x/a/b", "x/a/c"}));
  page = store().list("x/a/", "x/a/b");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(keys_of(*page), std::vector<std::string>{"x/a/c"});
}

// --- invalid keys ------------------------------------------------------------

TEST_P(BlobStoreConformance, InvalidKeysAreRejectedAndTouchNothing) {
  const Bytes data = bytes_of("x");
  const LocalFile source(data);
  const std::vector<std::string> bad = {
      "",          "/abs",
      "trailing/", "a//b",
      "./a",       "a/./b",
      "../a",      "a/..",
      "..",        ".",
      "sp ace",    "back\\slash",
      "ti~lde",    std::string("nul\0byte", 8),
      "a/b?c",     "per%20cent",
      "\xc3\xa9",  std::string(1025, 'k')};
  for (const auto& key : bad) {
    SCOPED_TRACE("key of " + std::to_string(key.size()) +
                 " bytes: " + key.substr(0, 20));
    EXPECT_EQ(store().put(key, data).code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(store().put_file(key, source.path()).code(),
              ErrorCode::kInvalidArgument);
    int calls = 0;
    EXPECT_EQ(store()
                  .get(key,
                       [&](std::span<const std::byte>) {
                         ++calls;
                         return ok_status();
                       })
                  .code(),
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(store().head(key).status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(store().remove(key).code(), ErrorCode::kInvalidArgument);
  }
  auto page = store().list("");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->blobs.empty()) << page->blobs.front().key;
}

// --- put_file
// ------------------------------------------------------------------

TEST_P(BlobStoreConformance, PutFileStoresTheFile) {
  const Bytes data = pattern((3u << 20) + 17, 11);
  const LocalFile source(data);
  ASSERT_TRUE(store().put_file("f/big", source.path()).ok());
  auto got = store().get_bytes("f/big");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == data);
  const LocalFile empty(Bytes{});
  ASSERT_TRUE(store().put_file("f/empty", empty.path()).ok());
  EXPECT_EQ(store().head("f/empty")->size, 0u);
  // Replacing with a smaller file leaves nothing of the old one.
  const LocalFile small(bytes_of("small"));
  ASSERT_TRUE(store().put_file("f/big", small.path()).ok());
  EXPECT_EQ(*store().get_bytes("f/big"), bytes_of("small"));
}

TEST_P(BlobStoreConformance, PutFileOfAMissingFileIsNotFound) {
  const auto missing = std::filesystem::path(::testing::TempDir()) /
                       "blob_conformance_no_such_file";
  const Status status = store().put_file("f/missing", missing);
  EXPECT_EQ(status.code(), ErrorCode::kNotFound) << status;
  EXPECT_NE(status.message().find("blob_conformance_no_such_file"),
            std::string::npos)
      << status;
  EXPECT_EQ(store().head("f/missing").status().code(), ErrorCode::kNotFound);
}

// --- sinks -------------------------------------------------------------------

TEST_P(BlobStoreConformance, SinkErrorStopsTheGetAndIsReturned) {
  ASSERT_TRUE(store().put("s/big", pattern(4u << 20, 12)).ok());
  int calls = 0;
  const Status status = store().get("s/big", [&](std::span<const std::byte>) {
    ++calls;
    return conflict_error("the sink is full");
  });
  EXPECT_EQ(status.code(), ErrorCode::kConflict) << status;
  EXPECT_NE(status.message().find("the sink is full"), std::string::npos)
      << status;
  EXPECT_EQ(calls, 1);
  // The store is still fine.
  auto info = store().head("s/big");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->size, 4u << 20);
}

// --- threads -----------------------------------------------------------------

TEST_P(BlobStoreConformance, ConcurrentPutsOfDifferentKeys) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 12;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = "c/" + std::to_string(i % 3) + "/t" +
                                std::to_string(t) + "-" + std::to_string(i);
        if (!store()
                 .put(key,
                      pattern(32768, static_cast<std::uint32_t>(t * 100 + i)))
                 .ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      const std::string key = "c/" + std::to_string(i % 3) + "/t" +
                              std::to_string(t) + "-" + std::to_string(i);
      auto got = store().get_bytes(key);
      ASSERT_TRUE(got.ok()) << key << ": " << got.status();
      EXPECT_TRUE(*got ==
                  pattern(32768, static_cast<std::uint32_t>(t * 100 + i)))
          << key;
    }
  }
  auto page = store().list("c/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->blobs.size(),
            static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_P(BlobStoreConformance, ConcurrentWritesOfOneKeyNeverTearReads) {
  // Two versions of different sizes and contents: a torn read would be a
  // mix, a prefix or a wrong length.
  const Bytes a = pattern(300000, 21);
  const Bytes b = pattern(200000, 22);
  ASSERT_TRUE(store().put("same", a).ok());
  std::atomic<bool> writing{true};
  std::atomic<int> write_failures{0}, torn{0}, read_failures{0}, reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 15; ++i) {
        if (!store().put("same", (i + w) % 2 ? a : b).ok()) ++write_failures;
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      // At least a few reads even when the writers finish first.
      for (int i = 0; writing.load() || i < 5; ++i) {
        auto got = store().get_bytes("same");
        ++reads;
        if (!got.ok()) {
          ++read_failures;
        } else if (*got != a && *got != b) {
          ++torn;
        }
        auto part = store().get_bytes("same", ByteRange{100000, 50000});
        if (!part.ok()) {
          ++read_failures;
        } else if (*part != slice(a, 100000, 50000) &&
                   *part != slice(b, 100000, 50000)) {
          ++torn;
        }
      }
    });
  }
  threads[0].join();
  threads[1].join();
  writing = false;
  threads[2].join();
  threads[3].join();
  EXPECT_EQ(write_failures.load(), 0);
  EXPECT_EQ(read_failures.load(), 0);
  EXPECT_EQ(torn.load(), 0) << "of " << reads.load() << " reads";
  auto info = store().head("same");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->size == a.size() || info->size == b.size());
}

TEST_P(BlobStoreConformance, UriNamesTheStore) {
  EXPECT_FALSE(store().uri().empty());
  EXPECT_NE(store().uri().find(':'), std::string::npos) << store().uri();
}

}  // namespace imagebank::testing
