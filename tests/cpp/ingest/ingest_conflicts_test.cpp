// Cross-SKU conflicts end to end: found at ingest (processed and at
// receive), reported in the batch's review, and resolved each way with the
// catalog and the blob store checked afterwards.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "imagebank/image/decode.hpp"
#include "imagebank/image/resize.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

// The photo scaled to width x height and saved again at quality 75.
std::vector<std::byte> resized(const std::vector<std::byte>& jpeg,
                               std::uint32_t width, std::uint32_t height) {
  auto image = decode(std::span<const std::byte>(jpeg));
  EXPECT_TRUE(image.ok()) << image.status();
  auto smaller = resize(*image, width, height);
  EXPECT_TRUE(smaller.ok()) << smaller.status();
  EncodeOptions options;
  options.format = Format::kJpeg;
  options.quality = 75;
  auto bytes = encode(*smaller, options);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::vector<std::byte>{};
}

class IngestConflictsTest : public IngestTest {
 protected:
  std::vector<SkuConflict> conflicts(std::optional<RowId> batch = {},
                                     bool open_only = true) {
    ConflictListOptions o;
    o.batch_id = batch;
    o.open_only = open_only;
    auto page = bank_->conflicts(o);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->items : std::vector<SkuConflict>{};
  }
  RowId product(const std::string& sku) {
    auto c = bank_->collection("Verão");
    auto p = bank_->catalog().find_product(c->id, sku);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? p->id : 0;
  }
  // Every object in the store belongs to a row (an image's original or a
  // variant), and every row's object is there.
  void expect_no_orphans() {
    std::set<std::string> stored, referenced;
    for (std::string after;;) {
      auto page = bank_->blobs().list("", after, 1000);
      ASSERT_TRUE(page.ok()) << page.status();
      for (const BlobInfo& b : page->blobs) stored.insert(b.key);
      if (page->next_start_after.empty()) break;
      after = page->next_start_after;
    }
    ImageQuery q;
    q.limit = 10000;
    auto images = bank_->catalog().list_images(q);
    ASSERT_TRUE(images.ok()) << images.status();
    for (const ImageRecord& image : images->items) {
      referenced.insert(image.blob_key);
      auto variants = bank_->catalog().variants(image.id);
      ASSERT_TRUE(variants.ok()) << variants.status();
      for (const VariantRecord& v : *variants) referenced.insert(v.blob_key);
    }
    EXPECT_EQ(stored, referenced);
  }
};

TEST_F(IngestConflictsTest, PhotosFiledUnderTwoSkusAreConflicts) {
  carteira("ABC1;Vestido\nABC2;Blusa\nABC3;Saia\nABC4;Calça\n");
  const auto dress = synthetic_photo(1);
  write_bytes(photos_ / "ABC1_FRENTE.jpg", dress);
  // The same SKU again: an ordinary duplicate.
  write_bytes(photos_ / "ABC1_FRENTE - Copia.jpg", dress);
  // The same bytes under another SKU: an exact conflict.
  write_bytes(photos_ / "ABC2_FRENTE.jpg", dress);
  // No SKU in the name (a camera's): an ordinary duplicate.
  write_bytes(photos_ / "IMG_0001.jpg", dress);
  const auto skirt = synthetic_photo(3, 640, 480);
  write_bytes(photos_ / "ABC3_01.jpg", skirt);
  // Resized and re-encoded under another SKU: a near conflict.
  write_bytes(photos_ / "ABC4_01.jpg", resized(skirt, 480, 360));
  IngestOptions o = options();
  o.workers = 1;  // files in name order: the first of equal bytes is kept
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::map<std::string, Job> by_name;
  for (const Job& j : jobs(batch->id)) by_name[j.original_name] = j;
  ASSERT_EQ(by_name.size(), 6u);

  std::vector<SkuConflict> found = conflicts(batch->id);
  std::string seen;
  for (const SkuConflict& c : found) {
    seen += " " + c.other_name + "~" + c.image_name;
  }
  auto pairs_seen = bank_->catalog().near_duplicates(std::nullopt, 0, 100);
  ASSERT_TRUE(pairs_seen.ok());
  ASSERT_EQ(found.size(), 2u) << seen << "; near pairs: " << pairs_seen->size();
  const SkuConflict exact =
      found[0].kind == ConflictKind::kExact ? found[0] : found[1];
  const SkuConflict near =
      found[0].kind == ConflictKind::kNear ? found[0] : found[1];
  ASSERT_EQ(exact.kind, ConflictKind::kExact);
  ASSERT_EQ(near.kind, ConflictKind::kNear);
  EXPECT_EQ(exact.image_sku, "ABC1");
  EXPECT_EQ(exact.other_sku, "ABC2");
  EXPECT_EQ(exact.other_name, "ABC2_FRENTE.jpg");
  EXPECT_EQ(exact.image_id, by_name["ABC2_FRENTE.jpg"].image_id);
  EXPECT_FALSE(exact.other_image_id.has_value());
  EXPECT_EQ(exact.job_id, by_name["ABC2_FRENTE.jpg"].id);
  EXPECT_EQ(exact.distance, 0);
  EXPECT_EQ(near.image_name, "ABC3_01.jpg");
  EXPECT_EQ(near.image_sku, "ABC3");
  EXPECT_EQ(near.other_name, "ABC4_01.jpg");
  EXPECT_EQ(near.other_sku, "ABC4");
  EXPECT_EQ(near.other_image_id, by_name["ABC4_01.jpg"].image_id);
  auto pairs =
      bank_->catalog().near_duplicates(*by_name["ABC4_01.jpg"].image_id, 0, 10);
  ASSERT_TRUE(pairs.ok() && pairs->size() == 1u);
  EXPECT_EQ(near.distance, pairs->front().distance) << "the pair's distance";
  EXPECT_LE(near.distance, o.near_radius);

  auto review = bank_->review(batch->id);
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(review->conflict_count, 2);
  EXPECT_EQ(review->conflicts.size(), 2u);

  // A later batch brings the dress under ABC3: refused at receive as a
  // duplicate, and a conflict all the same.
  const auto later = scratch_.path() / "later";
  write_bytes(later / "ABC3_COSTAS.jpg", dress);
  const std::vector<std::filesystem::path> later_paths = {later};
  auto second = bank_->ingest(later_paths, o);
  ASSERT_TRUE(second.ok()) << second.status();
  std::vector<SkuConflict> at_receive = conflicts(second->id);
  ASSERT_EQ(at_receive.size(), 1u);
  EXPECT_EQ(at_receive[0].kind, ConflictKind::kExact);
  EXPECT_EQ(at_receive[0].image_sku, "ABC1");
  EXPECT_EQ(at_receive[0].other_sku, "ABC3");
  EXPECT_EQ(at_receive[0].batch_id, second->id);
  EXPECT_EQ(conflicts().size(), 3u);

  // The dress is ABC2's: relinked, its variants still in place.
  ConflictResolution relink{ConflictState::kRelinked, "ABC2", {}, "ana"};
  auto relinked = bank_->resolve_conflict(exact.id, relink);
  ASSERT_TRUE(relinked.ok()) << relinked.status();
  auto dress_image = bank_->catalog().get_image(*exact.image_id);
  ASSERT_TRUE(dress_image.ok());
  EXPECT_EQ(dress_image->sku_base, "ABC2");
  EXPECT_EQ(dress_image->product_id, product("ABC2"));
  auto variants = bank_->catalog().variants(dress_image->id);
  ASSERT_TRUE(variants.ok() && !variants->empty());
  for (const VariantRecord& v : *variants) {
    EXPECT_TRUE(bank_->blobs().head(v.blob_key).ok()) << v.blob_key;
  }

  // ABC4's photo was ABC3's, filed wrongly: discarded, objects and all.
  const RowId wrong = *near.other_image_id;
  auto wrong_variants = bank_->catalog().variants(wrong);
  ASSERT_TRUE(wrong_variants.ok() && !wrong_variants->empty());
  ConflictResolution discard{ConflictState::kDiscarded, "", {}, "ana"};
  auto discarded = bank_->resolve_conflict(near.id, discard);
  ASSERT_TRUE(discarded.ok()) << discarded.status();
  ASSERT_TRUE(discarded->discarded.has_value());
  EXPECT_EQ(discarded->discarded->id, wrong);
  EXPECT_EQ(bank_->catalog().get_image(wrong).status().code(),
            ErrorCode::kNotFound);
  for (const std::string& key : discarded->discarded_blob_keys) {
    EXPECT_EQ(bank_->blobs().head(key).status().code(), ErrorCode::kNotFound)
        << key;
  }
  EXPECT_EQ(discarded->discarded_blob_keys.size(), wrong_variants->size() + 1);
  EXPECT_TRUE(bank_->catalog().near_duplicates(wrong, 0, 10)->empty());
  EXPECT_TRUE(bank_->catalog().get_image(*near.image_id).ok()) << "kept";

  // The swatch under ABC3 is legitimate: dismissed, nothing moves.
  ConflictResolution dismiss{ConflictState::kDismissed, "", {}, "ana"};
  auto dismissed = bank_->resolve_conflict(at_receive[0].id, dismiss);
  ASSERT_TRUE(dismissed.ok()) << dismissed.status();
  EXPECT_EQ(dismissed->conflict.state, ConflictState::kDismissed);
  EXPECT_EQ(bank_->catalog().get_image(*exact.image_id)->sku_base, "ABC2");

  EXPECT_TRUE(conflicts().empty());
  EXPECT_EQ(conflicts(std::nullopt, false).size(), 3u);
  expect_no_orphans();
}

TEST_F(IngestConflictsTest, AnUploadedDuplicateUnderAnotherSkuIsAConflict) {
  carteira("ABC1;Vestido\nABC2;Blusa\n");
  const auto dress = synthetic_photo(7);
  write_bytes(photos_ / "ABC1_FRENTE.jpg", dress);
  const std::vector<std::filesystem::path> paths = {photos_};
  auto first = bank_->ingest(paths, options());
  ASSERT_TRUE(first.ok()) << first.status();
  UploadTarget target;
  target.brand = "Aurora";
  target.collection = "Verão";
  auto upload = bank_->open_upload_batch(target);
  ASSERT_TRUE(upload.ok()) << upload.status();
  auto job = bank_->receive_upload(upload->id, photos_ / "ABC1_FRENTE.jpg",
                                   "ABC2_FRENTE.jpg", {}, options());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->state, JobState::kDuplicate);
  std::vector<SkuConflict> found = conflicts(upload->id);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].other_name, "ABC2_FRENTE.jpg");
  EXPECT_EQ(found[0].image_sku, "ABC1");
  EXPECT_EQ(found[0].job_id, job->id);
}

}  // namespace
}  // namespace imagebank::testing
