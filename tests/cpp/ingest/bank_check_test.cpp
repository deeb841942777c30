// Bank::check, the integrity check, on a real bank (SQLite file + local
// disk) after a real ingest: clean as ingested, then each kind of damage
// found by name, orphans deleted only past their grace, a failed job's
// original kept, pages of the store's listing crossed.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <set>

#include "imagebank/bank/check.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

class BankCheckTest : public IngestTest {
 protected:
  // Three photos ingested: 3 originals, 3 x 2 variants.
  RowId ingest_three() {
    carteira("ABC1;Vestido\nABC2;Blusa\n");
    std::vector<std::filesystem::path> paths;
    for (int n = 1; n <= 3; ++n) {
      const auto p = photos_ / ("ABC" + std::to_string(n) + "_FRENTE.jpg");
      write_bytes(p, synthetic_photo(40 + n));
      paths.push_back(p);
    }
    auto batch = bank_->ingest(paths, options());
    EXPECT_TRUE(batch.ok()) << batch.status();
    return batch.ok() ? batch->id : 0;
  }
  CheckReport check(CheckOptions o = {}) {
    auto r = bank_->check(o);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : CheckReport{};
  }
  std::vector<ImageBlobs> images() {
    auto page = bank_->catalog().image_blobs("", 100);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : std::vector<ImageBlobs>{};
  }
  std::set<std::string> kinds_of(const CheckReport& r, const std::string& key) {
    std::set<std::string> out;
    for (const CheckProblem& p : r.problems) {
      if (p.key == key) out.insert(p.kind);
    }
    return out;
  }
  static std::vector<std::byte> bytes(std::size_t n, char c) {
    return std::vector<std::byte>(n, static_cast<std::byte>(c));
  }
};

TEST_F(BankCheckTest, AFreshIngestIsClean) {
  ingest_three();
  const CheckReport r = check();
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.images, 3u);
  EXPECT_EQ(r.variants, 6u);
  EXPECT_EQ(r.objects, 9u);
  EXPECT_EQ(r.missing + r.size_mismatches + r.orphans + r.unreadable, 0u);
  ASSERT_TRUE(r.database.has_value());
  EXPECT_TRUE(r.database->empty());
  EXPECT_TRUE(r.problems.empty());
  CheckOptions verify;
  verify.verify_content = true;
  verify.thorough_database = true;
  EXPECT_TRUE(check(verify).clean());
}

TEST_F(BankCheckTest, NamesEachKindOfDamage) {
  ingest_three();
  const std::vector<ImageBlobs> rows = images();
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_EQ(rows[0].variants.size(), 2u);
  BlobStore& store = bank_->blobs();
  // A variant gone, another of another size, an original with other bytes
  // of the same size (only reading it can tell).
  const std::string gone = rows[0].variants[0].key;
  const std::string resized = rows[1].variants[1].key;
  const std::string altered = rows[2].original.key;
  ASSERT_TRUE(store.remove(gone).ok());
  ASSERT_TRUE(store.put(resized, bytes(17, 'x')).ok());
  ASSERT_TRUE(store.put(altered, bytes(rows[2].original.bytes, 'y')).ok());
  // A variant of a stored image that no row names, an original of content
  // no row or job names, and an object of no known shape.
  const std::string stale = "variants/" + rows[1].sha256 + "/old.jpg";
  const std::string stray =
      "originals/ab/cd/abcd" + std::string(60, '0') + ".jpg";
  const std::string odd = "originals/notes.txt";
  for (const std::string& key : {stale, stray, odd}) {
    ASSERT_TRUE(store.put(key, bytes(10, 'z')).ok());
  }

  CheckReport r = check();  // default grace: the new objects are recent
  EXPECT_FALSE(r.clean());
  EXPECT_EQ(r.missing, 1u);
  EXPECT_EQ(r.size_mismatches, 1u);
  EXPECT_EQ(r.content_mismatches, 0u);
  EXPECT_EQ(r.orphans, 0u);
  EXPECT_EQ(r.recent_unreferenced, 3u);
  EXPECT_EQ(kinds_of(r, gone), std::set<std::string>{"missing"});
  EXPECT_EQ(kinds_of(r, resized), std::set<std::string>{"size_mismatch"});

  CheckOptions o;
  o.grace = std::chrono::seconds(0);
  o.verify_content = true;
  r = check(o);
  EXPECT_EQ(r.content_mismatches, 1u);
  EXPECT_EQ(kinds_of(r, altered), std::set<std::string>{"content_mismatch"});
  EXPECT_EQ(r.orphans, 3u);
  EXPECT_EQ(r.orphan_bytes, 30u);
  EXPECT_EQ(r.recent_unreferenced, 0u);
  for (const std::string& key : {stale, stray, odd}) {
    EXPECT_EQ(kinds_of(r, key), std::set<std::string>{"orphan"}) << key;
    EXPECT_TRUE(store.head(key).ok()) << key << " deleted unasked";
  }
  // The problems come in key order.
  for (std::size_t i = 1; i < r.problems.size(); ++i) {
    EXPECT_LE(r.problems[i - 1].key, r.problems[i].key);
  }
  // At most max_named are named; all are counted.
  o.max_named = 2;
  r = check(o);
  EXPECT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.orphans, 3u);

  o.max_named = 1000;
  o.delete_orphans = true;
  r = check(o);
  EXPECT_EQ(r.orphans_deleted, 3u);
  for (const std::string& key : {stale, stray, odd}) {
    EXPECT_EQ(store.head(key).status().code(), ErrorCode::kNotFound) << key;
  }
  // What the rows name is never deleted, damaged or not.
  EXPECT_TRUE(store.head(resized).ok());
  EXPECT_TRUE(store.head(altered).ok());
  r = check(o);
  EXPECT_EQ(r.orphans, 0u);
  EXPECT_EQ(r.missing, 1u);
}

TEST_F(BankCheckTest, AFailedJobsOriginalIsKeptForItsRetry) {
  carteira("ABC1;Vestido\n");
  const auto p = photos_ / "ABC1_FRENTE.jpg";
  write_bytes(p, synthetic_photo(77));
  flaky_->failures_left = -1;  // every variant write fails
  IngestOptions o = options();
  o.max_attempts = 1;
  auto batch = bank_->ingest(std::vector<std::filesystem::path>{p}, o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(jobs(batch->id, JobState::kFailed).size(), 1u);
  CheckOptions none;
  none.grace = std::chrono::seconds(0);
  none.delete_orphans = true;
  CheckReport r = check(none);
  EXPECT_EQ(r.images, 0u);
  EXPECT_EQ(r.held_by_jobs, 1u);
  EXPECT_EQ(r.orphans, 0u);
  EXPECT_TRUE(r.clean());
  // The retry finds its original and completes.
  flaky_->failures_left = 0;
  auto retried = bank_->retry_failed(batch->id);
  ASSERT_TRUE(retried.ok()) << retried.status();
  auto resumed = bank_->resume(batch->id, o);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(jobs(batch->id, JobState::kDone).size(), 1u);
  r = check(none);
  EXPECT_EQ(r.images, 1u);
  EXPECT_EQ(r.held_by_jobs, 0u);
  EXPECT_TRUE(r.clean());
}

TEST_F(BankCheckTest, KeysOfAnotherLayoutAreCheckedNotOrphaned) {
  ingest_three();
  // An image row of an older key layout, its objects under odd names that
  // sort anywhere in the listing.
  ImageRecord old;
  old.sha256 = std::string(64, 'f');
  old.width = 10;
  old.height = 10;
  old.format = "jpeg";
  old.bytes = 5;
  old.original_name = "LEGACY_01.jpg";
  old.view = "01";
  old.blob_key = "originals/0-legacy/photo.jpg";
  auto inserted = bank_->catalog().insert_image(old);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  const RowId id = inserted->image.id;
  std::vector<VariantRecord> v = {
      {id, "thumbnail", "jpeg", 10, 10, 3, "variants/0-legacy/thumb.jpg"},
      {id, "small", "jpeg", 10, 10, 4, "variants/zz-legacy/small.jpg"}};
  ASSERT_TRUE(bank_->catalog().put_variants(id, v).ok());
  BlobStore& store = bank_->blobs();
  ASSERT_TRUE(store.put(old.blob_key, bytes(5, 'o')).ok());
  ASSERT_TRUE(store.put(v[0].blob_key, bytes(3, 't')).ok());
  ASSERT_TRUE(store.put(v[1].blob_key, bytes(9, 's')).ok());  // not 4
  CheckOptions o;
  o.grace = std::chrono::seconds(0);
  o.delete_orphans = true;
  const CheckReport r = check(o);
  EXPECT_EQ(r.images, 4u);
  EXPECT_EQ(r.orphans, 0u);
  EXPECT_EQ(r.missing, 0u);
  EXPECT_EQ(r.size_mismatches, 1u);
  EXPECT_EQ(kinds_of(r, v[1].blob_key), std::set<std::string>{"size_mismatch"});
  for (const std::string& key : {old.blob_key, v[0].blob_key, v[1].blob_key}) {
    EXPECT_TRUE(store.head(key).ok()) << key << " was deleted";
  }
  // Gone, it is missing like any other.
  ASSERT_TRUE(store.remove(v[0].blob_key).ok());
  EXPECT_EQ(kinds_of(check(o), v[0].blob_key),
            std::set<std::string>{"missing"});
}

TEST_F(BankCheckTest, CrossesPagesOfTheListing) {
  ingest_three();
  // 2,500 unreferenced variants around the stored ones: three pages of the
  // store's listing interleaved with the rows.
  for (int n = 0; n < 2500; ++n) {
    char sha[65];
    std::snprintf(sha, sizeof sha, "%064x", n * 977 + 5);
    ASSERT_TRUE(
        bank_->blobs()
            .put("variants/" + std::string(sha) + "/x.jpg", bytes(1, 'v'))
            .ok());
  }
  CheckOptions o;
  o.grace = std::chrono::seconds(0);
  o.max_named = 0;
  int calls = 0;
  o.progress = [&](const CheckReport&) { ++calls; };
  const CheckReport r = check(o);
  EXPECT_EQ(r.orphans, 2500u);
  EXPECT_EQ(r.images, 3u);
  EXPECT_EQ(r.objects, 9u + 2500u);
  EXPECT_EQ(r.missing, 0u);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(calls, 1);
}

TEST_F(BankCheckTest, StopsAndRefusesBadOptions) {
  ingest_three();
  std::atomic<bool> stop{true};
  CheckOptions o;
  o.stop = &stop;
  EXPECT_EQ(bank_->check(o).status().code(), ErrorCode::kUnavailable);
  CheckOptions bad;
  bad.grace = std::chrono::seconds(-1);
  EXPECT_EQ(bank_->check(bad).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagebank::testing
