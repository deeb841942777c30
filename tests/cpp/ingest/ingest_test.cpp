// The ingest pipeline end to end on a real SQLite catalog and local disk.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "imagebank/hash/perceptual.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/variants/variants.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

std::map<std::string, Job> by_name(const std::vector<Job>& jobs) {
  std::map<std::string, Job> out;
  for (const Job& j : jobs) out[j.original_name] = j;
  return out;
}

TEST_F(IngestTest, AFolderIsMatchedToTheCarteiraWithDuplicatesCaught) {
  carteira("ABC1;Vestido\nABC2;Blusa\nABC3;Saia\nABC4;Calça\n");
  const auto abc1 = synthetic_photo(1);
  write_bytes(photos_ / "ABC1_FRENTE.jpg", abc1);
  write_bytes(photos_ / "ABC1_COSTAS.jpg", synthetic_photo(2));
  write_bytes(photos_ / "ABC1_FRENTE - Copia.jpg", abc1);  // exact
  write_bytes(photos_ / "ABC2_01.jpg", synthetic_photo(3, 640, 480));
  // The same picture saved again at a lower quality: a near duplicate.
  write_bytes(photos_ / "ABC2_02.jpg",
              synthetic_photo(3, 640, 480, Format::kJpeg, 40));
  write_bytes(photos_ / "ABC3" / "FRENTE.png",
              synthetic_photo(4, 200, 300, Format::kPng));
  write_bytes(photos_ / "XYZ9_FRENTE.jpg", synthetic_photo(5));
  write_text(photos_ / "notes.txt", "not a photo: skipped inside folders");

  std::vector<BatchProgress> events;
  IngestOptions o = options();
  o.progress = [&](const BatchProgress& p) { events.push_back(p); };
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, BatchState::kDone);
  EXPECT_FALSE(batch->receiving);

  auto all = by_name(jobs(batch->id));
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.count("notes.txt"), 0u);
  auto progress = bank_->batch(batch->id);
  ASSERT_TRUE(progress.ok()) << progress.status();
  EXPECT_EQ(progress->counts.done, 6);
  EXPECT_EQ(progress->counts.duplicate, 1);
  EXPECT_EQ(progress->counts.failed, 0);

  // Exactly one of the two identical files holds the image.
  const Job& a = all["ABC1_FRENTE.jpg"];
  const Job& b = all["ABC1_FRENTE - Copia.jpg"];
  EXPECT_EQ(a.sha256, b.sha256);
  ASSERT_TRUE(a.image_id && b.image_id);
  EXPECT_EQ(*a.image_id, *b.image_id);
  EXPECT_NE(a.state == JobState::kDuplicate, b.state == JobState::kDuplicate);

  auto image_of = [&](const std::string& name) {
    auto r = bank_->catalog().get_image(*all[name].image_id);
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  };
  auto product_of = [&](const std::string& sku) {
    auto c = bank_->collection("Verão");
    auto p = bank_->catalog().find_product(c->id, sku);
    EXPECT_TRUE(p.ok()) << p.status();
    return p->id;
  };
  EXPECT_EQ(image_of("ABC1_COSTAS.jpg").product_id, product_of("ABC1"));
  EXPECT_EQ(image_of("ABC1_COSTAS.jpg").view, "back");
  EXPECT_EQ(image_of("ABC2_01.jpg").sequence, 1);
  // The folder names the SKU when the file name does not.
  EXPECT_EQ(image_of("ABC3/FRENTE.png").product_id, product_of("ABC3"));
  EXPECT_EQ(image_of("ABC3/FRENTE.png").view, "front");
  EXPECT_EQ(image_of("ABC3/FRENTE.png").format, "png");
  // Not in the Carteira: kept, unmatched.
  EXPECT_FALSE(image_of("XYZ9_FRENTE.jpg").product_id.has_value());
  EXPECT_EQ(image_of("XYZ9_FRENTE.jpg").sku_base, "XYZ9");

  // The near duplicate is flagged against the first, and only it.
  const RowId first = *all["ABC2_01.jpg"].image_id;
  const RowId second = *all["ABC2_02.jpg"].image_id;
  auto near = bank_->catalog().near_duplicates(std::nullopt, 0, 100);
  ASSERT_TRUE(near.ok()) << near.status();
  ASSERT_EQ(near->size(), 1u)
      << hash_to_hex(image_of("ABC2_01.jpg").phash) << " "
      << hash_to_hex(image_of("ABC2_02.jpg").phash);
  const NearDuplicate& n = near->front();
  EXPECT_EQ(std::minmax(n.image_id, n.other_image_id),
            std::minmax(first, second));
  EXPECT_LE(n.distance, 5);

  // What a person reviews: XYZ9 matched no product; the two ABC2 photos
  // look alike, named.
  auto review = bank_->review(batch->id);
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(review->batch_id, batch->id);
  EXPECT_EQ(review->unmatched, 1);
  EXPECT_EQ(review->near_duplicate_count, 1);
  ASSERT_EQ(review->near_duplicates.size(), 1u);
  const NamedNearDuplicate& named = review->near_duplicates.front();
  EXPECT_EQ(named.pair, n);
  EXPECT_EQ(
      std::minmax(named.image_name, named.other_name),
      std::minmax(std::string("ABC2_01.jpg"), std::string("ABC2_02.jpg")));
  EXPECT_EQ(image_of(named.image_name).id, named.pair.image_id);
  EXPECT_EQ(image_of(named.other_name).id, named.pair.other_image_id);
  EXPECT_TRUE(review->failed.empty());
  auto counted = bank_->review(batch->id, 0);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(counted->near_duplicate_count, 1);
  EXPECT_TRUE(counted->near_duplicates.empty());
  EXPECT_EQ(bank_->review(batch->id + 100).status().code(),
            ErrorCode::kNotFound);

  expect_blobs_match_rows(batch->id);
  auto variants = bank_->catalog().variants(first);
  ASSERT_TRUE(variants.ok());
  ASSERT_EQ(variants->size(), 2u);  // thumbnail + small, JPEG
  auto thumb = std::find_if(
      variants->begin(), variants->end(),
      [](const VariantRecord& v) { return v.preset == "thumbnail"; });
  ASSERT_NE(thumb, variants->end());
  EXPECT_EQ(thumb->width, 300u);
  EXPECT_EQ(thumb->height, 300u);
  // The keys ingest stores are the ones the one key function computes (the
  // server and tools find variants through it), and the blobs are there.
  const std::string sha = image_of("ABC2_01.jpg").sha256;
  for (const VariantRecord& v : *variants) {
    const std::optional<Format> format = format_from_name(v.format);
    ASSERT_TRUE(format.has_value()) << v.format;
    auto key = variant_key(sha, v.preset, *format,
                           VariantOptions::default_encode_options(*format));
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(v.blob_key, *key);
    EXPECT_TRUE(bank_->blobs().head(*key).ok()) << *key;
  }

  auto coverage = bank_->coverage("Verão");
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  ASSERT_EQ(coverage->size(), 1u);
  EXPECT_EQ((*coverage)[0].products, 4);
  EXPECT_EQ((*coverage)[0].products_with_photo, 3);
  auto missing = bank_->missing_photos("Verão");
  ASSERT_TRUE(missing.ok());
  ASSERT_EQ(missing->size(), 1u);
  EXPECT_EQ(missing->front().sku, "ABC4");

  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().batch.id, batch->id);
  EXPECT_EQ(events.back().counts.open(), 0);
  EXPECT_EQ(events.back().counts.done, 6);

  // The same folder again: every file is already in the bank.
  auto again = bank_->ingest(paths, o);
  ASSERT_TRUE(again.ok()) << again.status();
  auto counts = bank_->jobs().job_counts(again->id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->duplicate, 7);
  EXPECT_EQ(counts->done, 0);
  // Its review has nothing: the near duplicate is the first batch's.
  auto nothing = bank_->review(again->id);
  ASSERT_TRUE(nothing.ok()) << nothing.status();
  EXPECT_EQ(nothing->unmatched, 0);
  EXPECT_EQ(nothing->near_duplicate_count, 0);
  EXPECT_TRUE(nothing->failed.empty());
  ImageQuery every;
  every.limit = 1000;
  auto page = bank_->catalog().list_images(every);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 6u);
}

TEST_F(IngestTest, BadFilesFailWithTheirReasonWhileTheRestCompletes) {
  write_bytes(photos_ / "GOOD1_FRENTE.jpg", synthetic_photo(11));
  write_bytes(photos_ / "GOOD2_FRENTE.jpg", synthetic_photo(12));
  write_bytes(photos_ / "GOOD3_FRENTE.webp",
              synthetic_photo(13, 320, 240, Format::kWebp));
  write_bytes(photos_ / "EMPTY_FRENTE.jpg", {});
  auto good = synthetic_photo(14);
  good.resize(good.size() * 2 / 5);
  write_bytes(photos_ / "CUT_FRENTE.jpg", good);
  write_bytes(photos_ / "ANIM_FRENTE.gif", read_file(data_path("sample.gif")));
  write_bytes(photos_ / "BOMB_FRENTE.png", png_declaring(30000, 30000));
  write_text(photos_ / "FAKE_FRENTE.jpg", "this is text, not a JPEG");

  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, options());
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, BatchState::kDone);
  auto all = by_name(jobs(batch->id));
  ASSERT_EQ(all.size(), 8u);
  for (const char* name :
       {"GOOD1_FRENTE.jpg", "GOOD2_FRENTE.jpg", "GOOD3_FRENTE.webp"}) {
    EXPECT_EQ(all[name].state, JobState::kDone)
        << name << ": " << all[name].error;
  }
  const std::map<std::string, ErrorCode> expected = {
      {"EMPTY_FRENTE.jpg", ErrorCode::kCorruptData},
      {"CUT_FRENTE.jpg", ErrorCode::kCorruptData},
      {"ANIM_FRENTE.gif", ErrorCode::kUnsupportedFormat},
      {"BOMB_FRENTE.png", ErrorCode::kLimitExceeded},
      {"FAKE_FRENTE.jpg", ErrorCode::kUnsupportedFormat},
  };
  for (const auto& [name, code] : expected) {
    const Job& job = all[name];
    EXPECT_EQ(job.state, JobState::kFailed) << name;
    EXPECT_EQ(job.error.code(), code) << name << ": " << job.error;
    // The reason names the file, and a bad file is not retried.
    EXPECT_NE(job.error.message().find(name), std::string::npos) << job.error;
    EXPECT_LE(job.attempts, 1) << name;
  }
  // The review lists exactly the failed files.
  auto review = bank_->review(batch->id);
  ASSERT_TRUE(review.ok()) << review.status();
  std::set<std::string> failed;
  for (const Job& job : review->failed) {
    EXPECT_EQ(job.state, JobState::kFailed);
    EXPECT_EQ(job.error, all[job.original_name].error);
    failed.insert(job.original_name);
  }
  std::set<std::string> want;
  for (const auto& [name, code] : expected) want.insert(name);
  EXPECT_EQ(failed, want);
  expect_blobs_match_rows(batch->id);
}

// A decode that runs out of its deadline is not the file's fault: the job is
// retried (by its code, deadline_exceeded) until its attempts are used, and
// a resume leaves it failed; retrying on purpose queues it again.
TEST_F(IngestTest, ADecodeOutOfTimeIsRetriedThenFailsWithItsCode) {
  write_bytes(photos_ / "SLOW_FRENTE.jpg", synthetic_photo(20));
  IngestOptions o = options();
  o.limits.decode_deadline = std::chrono::milliseconds(0);
  o.max_attempts = 2;
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, BatchState::kDone);
  const std::vector<Job> all = jobs(batch->id);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, JobState::kFailed);
  EXPECT_EQ(all[0].error.code(), ErrorCode::kDeadlineExceeded) << all[0].error;
  EXPECT_NE(all[0].error.message().find("deadline"), std::string::npos);
  EXPECT_EQ(all[0].attempts, 2);
  EXPECT_EQ(*bank_->jobs().retry_failed_jobs(batch->id, true), 0);
  EXPECT_EQ(*bank_->retry_failed(batch->id), 1);
  EXPECT_EQ(bank_->jobs().get_job(all[0].id)->state, JobState::kReceived);
}

TEST_F(IngestTest, StorageFailuresAreRetriedAndTheJobsComplete) {
  for (std::uint32_t i = 0; i < 6; ++i) {
    write_bytes(photos_ / ("R" + std::to_string(i) + "_FRENTE.jpg"),
                synthetic_photo(100 + i));
  }
  flaky_->failures_left = 4;
  IngestOptions o = options();
  o.max_attempts = 5;
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, BatchState::kDone);
  EXPECT_EQ(flaky_->failed.load(), 4);
  int retried = 0;
  for (const Job& job : jobs(batch->id)) {
    EXPECT_EQ(job.state, JobState::kDone)
        << job.original_name << ": " << job.error;
    if (job.attempts > 1) ++retried;
  }
  EXPECT_GE(retried, 1);
  expect_blobs_match_rows(batch->id);
}

TEST_F(IngestTest, StorageDownStopsTheRunAndResumeFinishesIt) {
  for (std::uint32_t i = 0; i < 5; ++i) {
    write_bytes(photos_ / ("S" + std::to_string(i) + "_FRENTE.jpg"),
                synthetic_photo(200 + i));
  }
  flaky_->failures_left = -1;
  IngestOptions o = options();
  o.max_storage_failures = 3;
  o.workers = 1;
  const std::vector<std::filesystem::path> paths = {photos_};
  auto ingestor = bank_->ingestor(o);
  ASSERT_TRUE(ingestor.ok());
  auto batch = (*ingestor)->enqueue(paths);
  ASSERT_TRUE(batch.ok()) << batch.status();
  auto stopped = (*ingestor)->resume(batch->id);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(stopped.status().message().find("injected failure"),
            std::string::npos)
      << stopped.status();
  // Nothing was marked done without its blobs.
  auto counts = bank_->jobs().job_counts(batch->id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->done, 0);
  EXPECT_EQ(counts->open() + counts->failed, 5);
  ImageQuery every;
  auto images = bank_->catalog().list_images(every);
  ASSERT_TRUE(images.ok());
  EXPECT_TRUE(images->items.empty());

  flaky_->failures_left = 0;
  auto resumed = bank_->resume(batch->id, o);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  counts = bank_->jobs().job_counts(batch->id);
  EXPECT_EQ(counts->done, 5);
  expect_blobs_match_rows(batch->id);
}

TEST_F(IngestTest, BatchesRunInOrderAndCanBePausedAndCancelled) {
  auto make = [&](const std::string& dir, std::uint32_t seed, int n) {
    for (int i = 0; i < n; ++i) {
      write_bytes(photos_ / dir / (dir + std::to_string(i) + "_FRENTE.jpg"),
                  synthetic_photo(seed + static_cast<std::uint32_t>(i)));
    }
    return std::vector<std::filesystem::path>{photos_ / dir};
  };
  auto ingestor = bank_->ingestor(options());
  ASSERT_TRUE(ingestor.ok());
  auto first = (*ingestor)->enqueue(make("P", 300, 3));
  auto second = (*ingestor)->enqueue(make("Q", 310, 3));
  auto third = (*ingestor)->enqueue(make("C", 320, 3));
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  // Enqueued batches are not received until a worker or resume gets to them.
  ASSERT_TRUE(bank_->pause(first->id).ok());
  ASSERT_TRUE(bank_->cancel(third->id).ok());
  EXPECT_EQ(bank_->cancel(third->id)->state, BatchState::kCancelled);
  EXPECT_EQ(bank_->jobs()
                .set_batch_state(third->id, BatchState::kQueued)
                .status()
                .code(),
            ErrorCode::kConflict);

  auto second_done = (*ingestor)->resume(second->id);
  ASSERT_TRUE(second_done.ok()) << second_done.status();
  EXPECT_EQ(second_done->state, BatchState::kDone);
  EXPECT_EQ(bank_->jobs().job_counts(second->id)->done, 3);
  auto paused = bank_->batch(first->id);
  EXPECT_EQ(paused->batch.state, BatchState::kPaused);
  EXPECT_EQ(paused->counts.done, 0);

  auto first_done = bank_->resume(first->id, options());
  ASSERT_TRUE(first_done.ok()) << first_done.status();
  EXPECT_EQ(first_done->state, BatchState::kDone);
  EXPECT_EQ(bank_->jobs().job_counts(first->id)->done, 3);
  EXPECT_EQ(bank_->batch(third->id)->counts.done, 0);

  auto listed = bank_->batches();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[2].batch.state, BatchState::kCancelled);
}

TEST_F(IngestTest, ReconcileLinksPhotosOnceTheCarteiraHasTheirSku) {
  carteira("OLD1;Blusa\n");
  write_bytes(photos_ / "NEW7_FRENTE.jpg", synthetic_photo(400));
  write_bytes(photos_ / "NEW7_COSTAS.jpg", synthetic_photo(401));
  write_bytes(photos_ / "IMG_4521.jpg", synthetic_photo(402));
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, options());
  ASSERT_TRUE(batch.ok()) << batch.status();
  ImageQuery unlinked;
  unlinked.linked = false;
  EXPECT_EQ(bank_->catalog().list_images(unlinked)->items.size(), 3u);

  carteira("OLD1;Blusa\nNEW7;Vestido\n");
  auto report = bank_->reconcile();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->examined, 3);
  EXPECT_EQ(report->linked, 2);
  EXPECT_EQ(report->still_unmatched, 1);
  auto left = bank_->catalog().list_images(unlinked);
  ASSERT_EQ(left->items.size(), 1u);
  EXPECT_EQ(left->items[0].original_name, "IMG_4521.jpg");
  ImageQuery linked;
  linked.linked = true;
  auto now_linked = bank_->catalog().list_images(linked);
  ASSERT_EQ(now_linked->items.size(), 2u);
  auto history =
      bank_->catalog().sku_history(SkuSubject::kImage, now_linked->items[0].id);
  ASSERT_TRUE(history.ok());
  ASSERT_FALSE(history->empty());
  EXPECT_EQ(history->back().actor, "reconcile");
  EXPECT_EQ(history->back().new_sku, "NEW7");
  // A second run has nothing left to link.
  EXPECT_EQ(bank_->reconcile()->linked, 0);
}

TEST_F(IngestTest, ResumeTakesBackTheJobsOfADeadWorker) {
  auto ingestor = bank_->ingestor(options());
  ASSERT_TRUE(ingestor.ok());
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = (*ingestor)->enqueue(paths);
  ASSERT_TRUE(batch.ok());
  // Received as a crashed run left them: originals stored, jobs committed;
  // two leased for an hour by a worker of this host that no longer exists,
  // one failed on storage, one waiting.
  std::vector<JobInsert> inserts;
  for (std::uint32_t i = 0; i < 4; ++i) {
    const auto file = photos_ / ("D" + std::to_string(i) + "_FRENTE.jpg");
    const auto bytes = synthetic_photo(500 + i);
    write_bytes(file, bytes);
    JobInsert j;
    j.source_path = file.string();
    j.original_name = file.filename().string();
    j.sha256 = to_hex(sha256(bytes));
    j.bytes = bytes.size();
    auto key = original_blob_key(j.sha256, "jpg");
    ASSERT_TRUE(bank_->blobs().put(*key, bytes).ok());
    inserts.push_back(j);
  }
  ASSERT_TRUE(bank_->jobs().add_jobs(batch->id, inserts).ok());
  ASSERT_TRUE(bank_->jobs().finish_receiving(batch->id).ok());
  std::string host = (*ingestor)->worker_name();
  host = host.substr(0, host.find(':'));
  LeaseOptions lease;
  lease.worker = host + ":999999999:dead";
  lease.max_jobs = 2;
  lease.lease_ms = 3'600'000;
  auto leased = bank_->jobs().lease_jobs(lease);
  ASSERT_TRUE(leased.ok()) << leased.status();
  ASSERT_EQ(leased->size(), 2u);
  lease.worker = host + ":999999999:other";
  lease.max_jobs = 1;
  auto other = bank_->jobs().lease_jobs(lease);
  ASSERT_TRUE(other.ok() && other->size() == 1u);
  ASSERT_TRUE(bank_->jobs()
                  .fail_job(other->front().id, lease.worker,
                            io_error(other->front().source_path +
                                     ": no space left on device"),
                            std::nullopt)
                  .ok());

  auto resumed = (*ingestor)->resume(batch->id);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  for (const Job& job : jobs(batch->id)) {
    EXPECT_EQ(job.state, JobState::kDone)
        << job.original_name << ": " << job.error;
  }
  auto holders = bank_->jobs().lease_holders();
  ASSERT_TRUE(holders.ok());
  EXPECT_TRUE(holders->empty());
  expect_blobs_match_rows(batch->id);
}

TEST_F(IngestTest, ReceiveWalksInByteOrderAndSkipsWhatTheBatchHas) {
  namespace fs = std::filesystem;
  std::uint32_t seed = 900;
  auto photo = [&](const fs::path& path) {
    write_bytes(path, synthetic_photo(seed++));
    return path;
  };
  // Names whose byte order differs from a walk that sorts by path parts
  // ("a-b" sorts before "a/..." by bytes, after it by parts).
  const fs::path in_a = photo(photos_ / "a" / "R3_FRENTE.jpg");
  const fs::path deep = photo(photos_ / "a" / "z" / "R4_COSTAS.jpg");
  const fs::path a_b = photo(photos_ / "a-b" / "R2_FRENTE.jpg");
  const fs::path top = photo(photos_ / "R1_FRENTE.jpg");
  const fs::path a0 = photo(photos_ / "a0" / "R5_FRENTE.png");
  photo(photos_ / ".thumbs" / "R6_FRENTE.jpg");  // hidden folder
  write_bytes(photos_ / "notes.txt", synthetic_photo(seed++));
  const fs::path outside = scratch_.path() / "elsewhere";
  const fs::path linked = photo(outside / "R7_FRENTE.jpg");
  fs::create_symlink(linked, photos_ / "R7_FRENTE.jpg");    // a file: taken
  fs::create_directory_symlink(outside, photos_ / "more");  // not followed

  auto ingestor = bank_->ingestor(options());
  ASSERT_TRUE(ingestor.ok());
  const std::vector<fs::path> paths = {photos_};
  auto batch = (*ingestor)->enqueue(paths);
  ASSERT_TRUE(batch.ok()) << batch.status();
  // Two files a crashed receive already recorded (refused, say): the merge
  // finds them and reads neither again, so their originals never appear.
  std::vector<JobInsert> earlier;
  for (const fs::path& known : {in_a, top}) {
    JobInsert j;
    j.source_path = known.string();
    j.original_name = known.filename().string();
    j.state = JobState::kFailed;
    j.error = corrupt_data_error("refused earlier");
    earlier.push_back(j);
  }
  ASSERT_TRUE(bank_->jobs().add_jobs(batch->id, earlier).ok());

  auto resumed = (*ingestor)->resume(batch->id);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  std::vector<std::string> received;
  for (const Job& job : jobs(batch->id)) {
    if (job.state == JobState::kFailed) {
      EXPECT_EQ(job.error.message(), "refused earlier") << job.source_path;
      continue;
    }
    EXPECT_EQ(job.state, JobState::kDone) << job.source_path << job.error;
    received.push_back(job.source_path);
  }
  // Jobs are numbered as received: in byte order of their paths ('-' is
  // 0x2D, '/' 0x2F, '0' 0x30; upper case before lower).
  const fs::path link = photos_ / "R7_FRENTE.jpg";
  EXPECT_EQ(received, (std::vector<std::string>{link.string(), a_b.string(),
                                                deep.string(), a0.string()}));
  EXPECT_EQ(jobs(batch->id).size(), 6u);
  for (const fs::path& known : {in_a, top}) {
    const std::vector<std::byte> bytes = read_file(known);
    auto key = original_blob_key(to_hex(sha256(bytes)), "jpg");
    EXPECT_EQ(bank_->blobs().head(*key).status().code(), ErrorCode::kNotFound)
        << known << " was read again";
  }
}

}  // namespace
}  // namespace imagebank::testing
