// The JobQueue/CatalogStore conformance suite, cross-SKU conflicts: recorded
// with the job that found them (complete_job, add_jobs), listed with their
// filters, and resolved by relinking, discarding or dismissing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "catalog/job_queue_conformance.hpp"

namespace imagebank::testing {
namespace {

struct Catalog {
  RowId collection = 0;
  RowId batch = 0;
  std::map<std::string, RowId> products;  // by SKU
};

// A collection with products ABC1 and ABC2 (and XYZ9), and a batch of `n`
// received files in it.
Catalog make_catalog(CatalogStore& catalog, JobQueue& queue, int n) {
  Catalog out;
  auto brand = catalog.upsert_brand("Marca C");
  EXPECT_TRUE(brand.ok()) << brand.status();
  auto collection = catalog.upsert_collection(brand->id, "Inverno", "");
  EXPECT_TRUE(collection.ok()) << collection.status();
  out.collection = collection->id;
  CarteiraImportRequest request;
  request.collection_id = out.collection;
  request.file = "carteira.csv";
  for (const char* sku : {"ABC1", "ABC2", "XYZ9"}) {
    ProductUpsert p;
    p.sku = sku;
    request.products.push_back(p);
  }
  request.rows = 3;
  EXPECT_TRUE(catalog.import_products(request).ok());
  for (const char* sku : {"ABC1", "ABC2", "XYZ9"}) {
    out.products[sku] = catalog.find_product(out.collection, sku)->id;
  }
  auto batch = queue.create_batch(out.collection, "/c");
  EXPECT_TRUE(batch.ok()) << batch.status();
  out.batch = batch->id;
  EXPECT_TRUE(queue.add_jobs(out.batch, files("/c", n)).ok());
  return out;
}

// Leases the next job and completes it with `done`; returns what it stored.
ImageInsert complete_next(JobQueue& queue, JobOutcome done) {
  auto leased = queue.lease_jobs(lease("w"));
  EXPECT_TRUE(leased.ok() && leased->size() == 1u);
  auto stored = queue.complete_job((*leased)[0].id, "w", done);
  EXPECT_TRUE(stored.ok()) << stored.status();
  return stored.ok() ? *stored : ImageInsert{};
}

JobOutcome photo(int n, const Catalog& c, const std::string& sku) {
  JobOutcome out = outcome(n);
  out.image.sku_base = sku;
  out.image.collection_id = c.collection;
  if (auto it = c.products.find(sku); it != c.products.end()) {
    out.image.product_id = it->second;
  }
  out.image.batch_id = c.batch;
  return out;
}

std::vector<SkuConflict> listed(CatalogStore& catalog, ConflictQuery q = {}) {
  auto page = catalog.list_conflicts(q);
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? page->items : std::vector<SkuConflict>{};
}

}  // namespace

TEST_P(JobQueueConformance, ANearConflictIsRecordedAndRelinked) {
  const Catalog c = make_catalog(*catalog_, *queue_, 2);
  const ImageInsert first = complete_next(*queue_, photo(1, c, "ABC1"));
  JobOutcome second = photo(2, c, "ABC2");
  second.near_duplicates = {{0, first.image.id, 3, "phash"}};
  second.conflicts = {{ConflictKind::kNear, first.image.id, "ABC2", 3}};
  const ImageInsert made = complete_next(*queue_, second);
  ASSERT_FALSE(made.duplicate);

  std::vector<SkuConflict> open = listed(*catalog_);
  ASSERT_EQ(open.size(), 1u);
  const SkuConflict& k = open[0];
  EXPECT_EQ(k.kind, ConflictKind::kNear);
  EXPECT_EQ(k.image_id, first.image.id);
  EXPECT_EQ(k.image_name, "ABC1_frente.jpg");
  EXPECT_EQ(k.image_sku, "ABC1");
  EXPECT_EQ(k.other_image_id, made.image.id);
  EXPECT_EQ(k.other_name, "00001.jpg");
  EXPECT_EQ(k.other_sku, "ABC2");
  EXPECT_EQ(k.batch_id, c.batch);
  EXPECT_EQ(k.collection_id, c.collection);
  EXPECT_TRUE(k.job_id.has_value());
  EXPECT_EQ(k.distance, 3);
  EXPECT_EQ(k.state, ConflictState::kOpen);
  EXPECT_GT(k.created_ms, 0);
  EXPECT_EQ(*catalog_->get_conflict(k.id), k);
  EXPECT_EQ(catalog_->get_conflict(k.id + 100).status().code(),
            ErrorCode::kNotFound);

  ConflictQuery other_batch;
  other_batch.batch_id = c.batch + 1;
  EXPECT_TRUE(listed(*catalog_, other_batch).empty());
  ConflictQuery in_collection;
  in_collection.collection_id = c.collection;
  EXPECT_EQ(listed(*catalog_, in_collection).size(), 1u);
  ConflictQuery bad;
  bad.limit = 0;
  EXPECT_EQ(catalog_->list_conflicts(bad).status().code(),
            ErrorCode::kInvalidArgument);

  // Relinking to a SKU the collection lacks changes nothing.
  ConflictResolution typo{ConflictState::kRelinked, "ABX1", {}, "ana"};
  EXPECT_EQ(catalog_->resolve_conflict(k.id, typo).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(catalog_->get_conflict(k.id)->state, ConflictState::kOpen);

  // The photo belongs to ABC1: the later one moves there.
  ConflictResolution r{ConflictState::kRelinked, "ABC1", {}, "ana"};
  auto done = catalog_->resolve_conflict(k.id, r);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->conflict.state, ConflictState::kRelinked);
  EXPECT_EQ(done->conflict.resolved_by, "ana");
  EXPECT_EQ(done->conflict.resolved_sku, "ABC1");
  EXPECT_GT(done->conflict.resolved_ms, 0);
  EXPECT_FALSE(done->discarded.has_value());
  auto moved = catalog_->get_image(made.image.id);
  EXPECT_EQ(moved->sku_base, "ABC1");
  EXPECT_EQ(moved->product_id, c.products.at("ABC1"));
  EXPECT_EQ(catalog_->get_image(first.image.id)->updated_ms,
            first.image.updated_ms)
      << "already under ABC1";
  auto history = catalog_->sku_history(SkuSubject::kImage, made.image.id);
  ASSERT_TRUE(history.ok() && !history->empty());
  EXPECT_EQ(history->back().old_sku, "ABC2");
  EXPECT_EQ(history->back().new_sku, "ABC1");
  EXPECT_EQ(history->back().actor, "ana");

  EXPECT_EQ(catalog_->resolve_conflict(k.id, r).status().code(),
            ErrorCode::kConflict)
      << "resolved once";
  EXPECT_TRUE(listed(*catalog_).empty());
  ConflictQuery all;
  all.open_only = false;
  EXPECT_EQ(listed(*catalog_, all).size(), 1u);
}

TEST_P(JobQueueConformance, AnExactConflictIsRecordedAndDiscarded) {
  const Catalog c = make_catalog(*catalog_, *queue_, 2);
  const ImageInsert first = complete_next(*queue_, photo(1, c, "ABC1"));
  // The same bytes again in this batch (processed) and at receive in
  // another (never processed): each an exact conflict of its own job.
  JobOutcome again = photo(1, c, "XYZ9");
  again.conflicts = {{ConflictKind::kExact, first.image.id, "XYZ9", 0}};
  const ImageInsert dup = complete_next(*queue_, again);
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.image.id, first.image.id);

  auto later = queue_->create_batch(c.collection, "/d");
  ASSERT_TRUE(later.ok());
  JobInsert received = file("/d/ABC2_costas.jpg");
  received.sha256 = sha(1);
  received.state = JobState::kDuplicate;
  received.image_id = first.image.id;
  received.conflicts = {{ConflictKind::kExact, first.image.id, "ABC2", 0}};
  ASSERT_TRUE(queue_->add_jobs(later->id, std::span(&received, 1)).ok());
  ASSERT_TRUE(queue_->add_jobs(later->id, std::span(&received, 1)).ok())
      << "a receive that resumes";

  std::vector<SkuConflict> open = listed(*catalog_);
  ASSERT_EQ(open.size(), 2u) << "one per job, none twice";
  EXPECT_EQ(open[0].kind, ConflictKind::kExact);
  EXPECT_EQ(open[0].other_sku, "XYZ9");
  EXPECT_FALSE(open[0].other_image_id.has_value()) << "not stored";
  EXPECT_EQ(open[0].batch_id, c.batch);
  EXPECT_EQ(open[1].other_name, "ABC2_costas.jpg");
  EXPECT_EQ(open[1].other_sku, "ABC2");
  EXPECT_EQ(open[1].batch_id, later->id);
  EXPECT_EQ(open[1].image_sku, "ABC1");
  ConflictQuery of_later;
  of_later.batch_id = later->id;
  EXPECT_EQ(listed(*catalog_, of_later).size(), 1u);

  ConflictResolution stray{ConflictState::kDiscarded, "", RowId{424242}, "bo"};
  EXPECT_EQ(catalog_->resolve_conflict(open[0].id, stray).status().code(),
            ErrorCode::kInvalidArgument)
      << "not one of its photos";

  // The photo filed as ABC1 is wrong: it goes, rows and all.
  ConflictResolution d{ConflictState::kDiscarded, "", {}, "bo"};
  auto done = catalog_->resolve_conflict(open[0].id, d);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->conflict.state, ConflictState::kDiscarded);
  ASSERT_TRUE(done->discarded.has_value());
  EXPECT_EQ(done->discarded->id, first.image.id);
  std::vector<std::string> keys = {first.image.blob_key, "v/g.avif",
                                   "v/t.webp"};
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(done->discarded_blob_keys, keys);
  EXPECT_EQ(catalog_->get_image(first.image.id).status().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(catalog_->variants(first.image.id)->empty());
  EXPECT_FALSE(done->conflict.image_id.has_value());
  EXPECT_EQ(done->conflict.image_name, "ABC1_frente.jpg") << "names kept";
  auto jobs = queue_->list_jobs(c.batch, std::nullopt, 0, 10);
  ASSERT_TRUE(jobs.ok());
  for (const Job& j : jobs->items) EXPECT_FALSE(j.image_id.has_value());
  // The other conflict of that photo has nothing left to discard.
  auto left = catalog_->get_conflict(open[1].id);
  EXPECT_FALSE(left->image_id.has_value());
  EXPECT_EQ(left->state, ConflictState::kOpen);
  EXPECT_EQ(catalog_->resolve_conflict(open[1].id, d).status().code(),
            ErrorCode::kInvalidArgument);
  ConflictResolution dismiss{ConflictState::kDismissed, "", {}, "bo"};
  EXPECT_EQ(catalog_->resolve_conflict(open[1].id, dismiss)->conflict.state,
            ConflictState::kDismissed);
}

// Two workers processed the same bytes side by side: the one that lost the
// insert never compared SKUs, so the store does.
TEST_P(JobQueueConformance, ARacedDuplicateUnderAnotherSkuIsAConflict) {
  const Catalog c = make_catalog(*catalog_, *queue_, 3);
  const ImageInsert first = complete_next(*queue_, photo(1, c, "ABC1"));
  EXPECT_TRUE(complete_next(*queue_, photo(1, c, "ABC1")).duplicate);
  EXPECT_TRUE(listed(*catalog_).empty()) << "the same SKU: no conflict";
  // Its near-duplicate lookup found the winner's photo at distance 0.
  JobOutcome lost = photo(1, c, "abc2");
  lost.near_duplicates = {{0, first.image.id, 0, "phash"}};
  lost.conflicts = {{ConflictKind::kNear, first.image.id, "abc2", 0}};
  EXPECT_TRUE(complete_next(*queue_, lost).duplicate);
  std::vector<SkuConflict> found = listed(*catalog_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, ConflictKind::kExact);
  EXPECT_EQ(found[0].image_id, first.image.id);
  EXPECT_EQ(found[0].other_sku, "abc2");
  EXPECT_EQ(found[0].other_name, "00002.jpg");
}

TEST_P(JobQueueConformance, ADismissedConflictKeepsBothPhotos) {
  const Catalog c = make_catalog(*catalog_, *queue_, 2);
  const ImageInsert first = complete_next(*queue_, photo(1, c, "ABC1"));
  JobOutcome swatch = photo(2, c, "ABC2");
  swatch.conflicts = {{ConflictKind::kNear, first.image.id, "ABC2", 0}};
  const ImageInsert second = complete_next(*queue_, swatch);
  const RowId id = listed(*catalog_).at(0).id;

  EXPECT_EQ(catalog_->resolve_conflict(id, {ConflictState::kOpen, "", {}, "x"})
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      catalog_->resolve_conflict(id, {ConflictState::kDismissed, "", {}, ""})
          .status()
          .code(),
      ErrorCode::kInvalidArgument)
      << "who decided is required";
  EXPECT_EQ(
      catalog_->resolve_conflict(id, {ConflictState::kRelinked, "", {}, "x"})
          .status()
          .code(),
      ErrorCode::kInvalidArgument)
      << "relinked to which SKU?";
  EXPECT_EQ(catalog_
                ->resolve_conflict(id + 1000,
                                   {ConflictState::kDismissed, "", {}, "x"})
                .status()
                .code(),
            ErrorCode::kNotFound);
  auto done =
      catalog_->resolve_conflict(id, {ConflictState::kDismissed, "", {}, "x"});
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->conflict.state, ConflictState::kDismissed);
  EXPECT_EQ(*catalog_->get_image(first.image.id), first.image);
  EXPECT_EQ(*catalog_->get_image(second.image.id), second.image);

  // A finding about a photo that no longer exists is skipped, not an error.
  auto more =
      queue_->add_jobs(c.batch, std::vector<JobInsert>{file("/c/late.jpg")});
  ASSERT_TRUE(more.ok());
  JobOutcome self = photo(3, c, "ABC1");
  self.conflicts = {{ConflictKind::kNear, 987654, "ABC1", 2}};
  complete_next(*queue_, self);
  EXPECT_TRUE(listed(*catalog_).empty());
}

}  // namespace imagebank::testing
