// The ingest queue's part of the CatalogStore conformance suite: batches,
// jobs, leases and what a finished job commits. Runs on every adapter the
// suite is instantiated for.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "catalog/catalog_store_conformance.hpp"
#include "imagebank/adapters/sql_catalog_store.hpp"

namespace imagebank::testing {
namespace {

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sha(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", n);
  return buf;
}

ImageRecord image(int n) {
  ImageRecord out;
  out.sha256 = sha(n);
  out.phash = 0xF00DF00DF00DF00Dull + static_cast<std::uint64_t>(n);
  out.dhash = static_cast<std::uint64_t>(n) << 32;
  out.pdq[0] = static_cast<std::uint8_t>(n);
  out.pdq_quality = 90;
  out.width = 1000;
  out.height = 1500;
  out.format = "jpeg";
  out.bytes = 123456;
  out.original_name = "ABC" + std::to_string(n) + "_frente.jpg";
  out.sku_base = "ABC" + std::to_string(n);
  out.view = "frente";
  out.blob_key = "originals/" + out.sha256.substr(0, 2) + "/x.jpg";
  return out;
}

JobInsert file(const std::string& path) {
  JobInsert j;
  j.source_path = path;
  j.original_name = path.substr(path.rfind('/') + 1);
  j.bytes = 1000;
  return j;
}

std::vector<JobInsert> files(const std::string& prefix, int n) {
  std::vector<JobInsert> out;
  for (int i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/%05d.jpg", i);
    out.push_back(file(prefix + name));
  }
  return out;
}

JobOutcome outcome(int n) {
  JobOutcome out;
  out.image = image(n);
  out.variants = {{0, "thumbnail", "webp", 150, 225, 4000, "v/t.webp"},
                  {0, "grid", "avif", 400, 600, 20000, "v/g.avif"}};
  return out;
}

LeaseOptions lease(std::string worker, std::size_t max_jobs = 1,
                   std::optional<RowId> batch = std::nullopt) {
  LeaseOptions out;
  out.worker = std::move(worker);
  out.max_jobs = max_jobs;
  out.batch_id = batch;
  return out;
}

std::vector<RowId> ids_of(const std::vector<Job>& jobs) {
  std::vector<RowId> out;
  for (const Job& j : jobs) out.push_back(j.id);
  return out;
}

// A batch holding `n` received jobs.
Batch batch_with(CatalogStore& store, const std::string& source, int n) {
  auto batch = store.create_batch(0, source);
  EXPECT_TRUE(batch.ok()) << batch.status();
  auto added = store.add_jobs(batch->id, files(source, n));
  EXPECT_TRUE(added.ok()) << added.status();
  return *batch;
}

}  // namespace

TEST_P(CatalogStoreConformance, AddJobsIsIdempotentBySourcePath) {
  auto batch = store_->create_batch(0, "upload");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, "queued");
  EXPECT_TRUE(batch->receiving);
  std::vector<JobInsert> first = {file("/u/a.jpg"), file("/u/b.jpg"),
                                  file("/u/c.jpg")};
  first[1].sha256 = sha(42);
  auto a = store_->add_jobs(batch->id, first);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ((*a)[1].source_path, "/u/b.jpg");
  EXPECT_EQ((*a)[1].sha256, sha(42));
  EXPECT_EQ((*a)[1].original_name, "b.jpg");
  EXPECT_EQ((*a)[1].state, "received");
  EXPECT_EQ((*a)[1].attempts, 0);
  EXPECT_EQ((*a)[1].batch_id, batch->id);

  // A resumed receive: known paths keep their rows, new ones are added, a
  // repeat within the call resolves to one row.
  std::vector<JobInsert> second = {file("/u/b.jpg"), file("/u/d.jpg"),
                                   file("/u/b.jpg")};
  second[0].bytes = 999;
  auto b = store_->add_jobs(batch->id, second);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->size(), 3u);
  EXPECT_EQ((*b)[0], (*a)[1]) << "an existing job is kept as it was";
  EXPECT_EQ((*b)[2].id, (*a)[1].id);
  EXPECT_NE((*b)[1].id, (*a)[0].id);
  auto paths = store_->job_source_paths(batch->id);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(*paths, (std::vector<std::string>{"/u/a.jpg", "/u/b.jpg",
                                              "/u/c.jpg", "/u/d.jpg"}));
  EXPECT_EQ(store_->job_counts(batch->id)->received, 4);
  EXPECT_EQ(store_->get_job((*b)[1].id)->source_path, "/u/d.jpg");
  EXPECT_EQ(store_->get_job(987654).status().code(), ErrorCode::kNotFound);

  // The same path in another batch is another job.
  auto other = store_->create_batch(0, "upload 2");
  ASSERT_TRUE(other.ok());
  auto c = store_->add_jobs(other->id, first);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NE((*c)[0].id, (*a)[0].id);
  auto batches = store_->list_batches();
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 2u);
  EXPECT_EQ((*batches)[0].id, batch->id);
  EXPECT_EQ((*batches)[1].source, "upload 2");

  auto finished = store_->finish_receiving(batch->id);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_FALSE(finished->receiving);
  EXPECT_FALSE(store_->get_batch(batch->id)->receiving);
  EXPECT_TRUE(store_->get_batch(other->id)->receiving);
  EXPECT_EQ(store_->finish_receiving(424242).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(CatalogStoreConformance, AddJobsRecordsRefusalsAndChecksItsInput) {
  auto img = store_->insert_image(image(1));
  ASSERT_TRUE(img.ok());
  auto batch = store_->create_batch(0, "upload");
  ASSERT_TRUE(batch.ok());
  std::vector<JobInsert> jobs = {file("/u/dup.jpg"), file("/u/bad.jpg")};
  jobs[0].state = "duplicate";
  jobs[0].image_id = img->image.id;
  jobs[0].sha256 = sha(1);
  jobs[1].state = "failed";
  jobs[1].error = "corrupt_data: /u/bad.jpg: not an image";
  auto added = store_->add_jobs(batch->id, jobs);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ((*added)[0].state, "duplicate");
  EXPECT_EQ((*added)[0].image_id, img->image.id);
  EXPECT_EQ((*added)[1].state, "failed");
  EXPECT_EQ((*added)[1].error, jobs[1].error);
  auto counts = store_->job_counts(batch->id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->duplicate, 1);
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(counts->finished_since, 2);

  auto refused = [&](JobInsert j, ErrorCode code) {
    std::vector<JobInsert> one = {std::move(j)};
    auto r = store_->add_jobs(batch->id, one);
    EXPECT_EQ(r.status().code(), code) << r.status();
  };
  JobInsert j = file("/u/x.jpg");
  j.state = "duplicate";  // without its image
  refused(j, ErrorCode::kInvalidArgument);
  j.image_id = 999999;  // an image that does not exist
  refused(j, ErrorCode::kNotFound);
  j = file("/u/x.jpg");
  j.state = "failed";  // without its error
  refused(j, ErrorCode::kInvalidArgument);
  j.state = "leased";
  refused(j, ErrorCode::kInvalidArgument);
  refused(file(""), ErrorCode::kInvalidArgument);
  refused(file("/u/" + std::string(5000, 'x')), ErrorCode::kInvalidArgument);
  refused(file("/u/\xff.jpg"), ErrorCode::kInvalidArgument);
  j = file("/u/x.jpg");
  j.sha256 = "XYZ";
  refused(j, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->job_counts(batch->id)->total(), 2)
      << "a refused call writes nothing";

  std::vector<JobInsert> one = {file("/u/y.jpg")};
  EXPECT_EQ(store_->add_jobs(777777, one).status().code(),
            ErrorCode::kNotFound);
  ASSERT_TRUE(store_->set_batch_state(batch->id, "cancelled").ok());
  EXPECT_EQ(store_->add_jobs(batch->id, one).status().code(),
            ErrorCode::kConflict);
}

TEST_P(CatalogStoreConformance, AddJobsTakesThousandsInOneCall) {
  auto batch = store_->create_batch(0, "big");
  ASSERT_TRUE(batch.ok());
  const auto jobs = files("/big", 5000);
  const auto start = std::chrono::steady_clock::now();
  auto added = store_->add_jobs(batch->id, jobs);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->size(), 5000u);
  EXPECT_EQ((*added)[4999].source_path, jobs[4999].source_path);
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  auto again = store_->add_jobs(batch->id, jobs);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ids_of(*again), ids_of(*added));
  EXPECT_EQ(store_->job_counts(batch->id)->received, 5000);
}

TEST_P(CatalogStoreConformance, LeasingGoesBatchByBatchAndSkipsHeldBatches) {
  const Batch b1 = batch_with(*store_, "/one", 2);
  const Batch b2 = batch_with(*store_, "/two", 2);
  const Batch paused = batch_with(*store_, "/paused", 1);
  const Batch cancelled = batch_with(*store_, "/cancelled", 1);
  ASSERT_TRUE(store_->set_batch_state(paused.id, "paused").ok());
  ASSERT_TRUE(store_->set_batch_state(cancelled.id, "cancelled").ok());

  const std::int64_t before = now();
  auto first = store_->lease_jobs(lease("w1", 3));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].batch_id, b1.id);
  EXPECT_EQ((*first)[1].batch_id, b1.id);
  EXPECT_EQ((*first)[2].batch_id, b2.id);
  EXPECT_LT((*first)[0].id, (*first)[1].id);
  for (const Job& j : *first) {
    EXPECT_EQ(j.state, "leased");
    EXPECT_EQ(j.worker, "w1");
    EXPECT_EQ(j.attempts, 1);
    EXPECT_GE(j.lease_until_ms, before + 5 * 60 * 1000 - 1000);
  }
  EXPECT_EQ(store_->get_batch(b1.id)->state, "running");
  EXPECT_EQ(store_->get_batch(b2.id)->state, "running");

  auto second = store_->lease_jobs(lease("w2", 10));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u) << "paused and cancelled batches wait";
  EXPECT_EQ((*second)[0].batch_id, b2.id);
  EXPECT_TRUE(store_->lease_jobs(lease("w2", 10))->empty());
  EXPECT_TRUE(store_->lease_jobs(lease("w2", 10, paused.id))->empty());
  ASSERT_TRUE(store_->set_batch_state(paused.id, "queued").ok());
  auto third = store_->lease_jobs(lease("w3", 10, paused.id));
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->size(), 1u);
  EXPECT_EQ((*third)[0].batch_id, paused.id);
  EXPECT_EQ(store_->get_batch(paused.id)->state, "running");

  auto holders = store_->lease_holders();
  ASSERT_TRUE(holders.ok());
  EXPECT_EQ(*holders, (std::vector<std::string>{"w1", "w2", "w3"}));

  EXPECT_EQ(store_->lease_jobs(lease("")).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->lease_jobs(lease("w", 0)).status().code(),
            ErrorCode::kInvalidArgument);
  LeaseOptions no_time = lease("w");
  no_time.lease_ms = 0;
  EXPECT_EQ(store_->lease_jobs(no_time).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, ARetryWaitsUntilDueAndCountsAttempts) {
  const Batch b = batch_with(*store_, "/retry", 1);
  auto leased = store_->lease_jobs(lease("w1"));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  const RowId id = (*leased)[0].id;
  auto waiting =
      store_->fail_job(id, "w1", "io_error: read failed", now() + 60'000);
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  EXPECT_EQ(waiting->state, "received");
  EXPECT_EQ(waiting->worker, "");
  EXPECT_EQ(waiting->error, "io_error: read failed");
  EXPECT_TRUE(store_->lease_jobs(lease("w1"))->empty()) << "not due yet";
  EXPECT_EQ(store_->job_counts(b.id)->received, 1);

  EXPECT_EQ(store_->fail_job(id, "w1", "x", 0).status().code(),
            ErrorCode::kConflict)
      << "a job not leased cannot fail";
  auto waiting_jobs = store_->list_jobs(b.id, "received", 0, 10);
  ASSERT_TRUE(waiting_jobs.ok());
  ASSERT_EQ(waiting_jobs->items.size(), 1u);
  EXPECT_EQ(waiting_jobs->items[0].attempts, 1);
  EXPECT_GT(waiting_jobs->items[0].lease_until_ms, now());
}

TEST_P(CatalogStoreConformance, AFailedJobIsRetriedWhenDueOrFailsForGood) {
  const Batch b = batch_with(*store_, "/f", 3);
  auto leased = store_->lease_jobs(lease("w1", 3));
  ASSERT_TRUE(leased.ok() && leased->size() == 3u);
  // Retry at once (a time already past): leased again, a second attempt.
  auto retry =
      store_->fail_job((*leased)[0].id, "w1", "unavailable: busy", now() - 1);
  ASSERT_TRUE(retry.ok()) << retry.status();
  auto next = store_->lease_jobs(lease("w2"));
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].id, (*leased)[0].id);
  EXPECT_EQ((*next)[0].attempts, 2);
  EXPECT_EQ((*next)[0].worker, "w2");
  EXPECT_EQ(store_->fail_job((*leased)[0].id, "w1", "late", std::nullopt)
                .status()
                .code(),
            ErrorCode::kConflict)
      << "w1 lost that lease";

  // For good; a long error is cut at a character boundary, not refused.
  std::string long_error = "io_error: ";
  while (long_error.size() < 5000) long_error += "ç";
  auto failed =
      store_->fail_job((*leased)[1].id, "w1", long_error, std::nullopt);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->state, "failed");
  EXPECT_EQ(failed->worker, "");
  EXPECT_LE(failed->error.size(), 4000u);
  EXPECT_GE(failed->error.size(), 3990u);
  EXPECT_EQ(failed->error, long_error.substr(0, failed->error.size()));
  EXPECT_EQ(
      store_->fail_job((*leased)[2].id, "w1", "", std::nullopt).status().code(),
      ErrorCode::kInvalidArgument);
  auto bad = store_->fail_job((*leased)[2].id, "w1", "corrupt_data: not a JPEG",
                              std::nullopt);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(store_->fail_job(9999999, "w1", "x", std::nullopt).status().code(),
            ErrorCode::kNotFound);

  // Not done while a job is open.
  auto early = store_->set_batch_state(b.id, "done");
  EXPECT_EQ(early.status().code(), ErrorCode::kConflict) << early.status();
  // A resume retries what it may cure; a full retry takes the rest.
  auto some = store_->retry_failed_jobs(b.id, true);
  ASSERT_TRUE(some.ok()) << some.status();
  EXPECT_EQ(*some, 1);
  auto revived = store_->get_job((*leased)[1].id);
  EXPECT_EQ(revived->state, "received");
  EXPECT_EQ(revived->attempts, 0);
  EXPECT_EQ(revived->error, "");
  EXPECT_EQ(store_->get_job((*leased)[2].id)->state, "failed");
  EXPECT_EQ(store_->get_batch(b.id)->state, "running");
  EXPECT_EQ(*store_->retry_failed_jobs(b.id, false), 1);
  EXPECT_EQ(*store_->retry_failed_jobs(b.id, false), 0);
  EXPECT_EQ(store_->retry_failed_jobs(5555555, false).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(CatalogStoreConformance, ConcurrentLeasersNeverShareAJob) {
  const Batch b = batch_with(*store_, "/c", 200);
  auto other = db_.open();
  ASSERT_TRUE(other.ok()) << other.status();
  CatalogStore* stores[2] = {store_.get(), other->get()};
  std::mutex mu;
  std::map<RowId, std::string> holder;
  std::atomic<int> leased{0}, twice{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      CatalogStore& store = *stores[t % 2];
      const std::string worker = "host:" + std::to_string(t);
      for (;;) {
        auto got = store.lease_jobs(lease(worker, 7));
        if (!got.ok()) {
          ADD_FAILURE() << got.status();
          return;
        }
        if (got->empty()) return;
        std::lock_guard<std::mutex> lock(mu);
        for (const Job& j : *got) {
          ++leased;
          if (!holder.emplace(j.id, worker).second) ++twice;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(twice.load(), 0);
  EXPECT_EQ(leased.load(), 200);
  EXPECT_EQ(holder.size(), 200u);
  auto counts = store_->job_counts(b.id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->leased, 200);
  // Each job was leased once: one attempt each.
  auto page = store_->list_jobs(b.id, std::nullopt, 0, 1000);
  ASSERT_TRUE(page.ok());
  for (const Job& j : page->items) {
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.worker, holder[j.id]);
  }
}

TEST_P(CatalogStoreConformance, OnlyTheLeaseHolderCompletesAJob) {
  batch_with(*store_, "/h", 2);
  auto leased = store_->lease_jobs(lease("w1"));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  const Job job = (*leased)[0];
  auto r = store_->complete_job(job.id, "w2", outcome(7));
  EXPECT_EQ(r.status().code(), ErrorCode::kConflict) << r.status();
  EXPECT_EQ(store_->find_image_by_sha256(sha(7)).status().code(),
            ErrorCode::kNotFound)
      << "a refused completion writes nothing";
  EXPECT_EQ(*store_->get_job(job.id), job);
  // A job never leased, or not at all there.
  auto page = store_->list_jobs(job.batch_id, "received", 0, 10);
  ASSERT_TRUE(page.ok() && page->items.size() == 1u);
  EXPECT_EQ(
      store_->complete_job(page->items[0].id, "w1", outcome(7)).status().code(),
      ErrorCode::kConflict);
  EXPECT_EQ(store_->complete_job(88888888, "w1", outcome(7)).status().code(),
            ErrorCode::kNotFound);
  JobOutcome bad = outcome(7);
  bad.image.sha256 = "nope";
  EXPECT_EQ(store_->complete_job(job.id, "w1", bad).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->get_job(job.id)->state, "leased");
}

TEST_P(CatalogStoreConformance, CompletingAJobCommitsItsImageOnce) {
  auto known = store_->insert_image(image(1));
  auto known2 = store_->insert_image(image(2));
  ASSERT_TRUE(known.ok() && known2.ok());
  const Batch b = batch_with(*store_, "/d", 2);
  auto leased = store_->lease_jobs(lease("w1", 2));
  ASSERT_TRUE(leased.ok() && leased->size() == 2u);

  JobOutcome first = outcome(10);
  first.image.batch_id = b.id;
  first.near_duplicates = {{0, known->image.id, 4, "phash"},
                           {0, known2->image.id, 9, "phash"},
                           {0, known->image.id, 30, "pdq"},
                           {0, 987654321, 2, "phash"}};  // never stored
  auto done = store_->complete_job((*leased)[0].id, "w1", first);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(done->duplicate);
  const RowId id = done->image.id;
  EXPECT_NE(id, 0);
  EXPECT_EQ(done->image.sha256, sha(10));
  auto job = store_->get_job((*leased)[0].id);
  EXPECT_EQ(job->state, "done");
  EXPECT_EQ(job->image_id, id);
  EXPECT_EQ(job->worker, "");
  auto variants = store_->variants(id);
  ASSERT_TRUE(variants.ok());
  ASSERT_EQ(variants->size(), 2u);
  EXPECT_EQ((*variants)[0].image_id, id);
  EXPECT_EQ((*variants)[0].preset, "grid");
  auto near = store_->near_duplicates(id, 0, 100);
  ASSERT_TRUE(near.ok()) << near.status();
  EXPECT_EQ(*near,
            (std::vector<NearDuplicate>{{id, known->image.id, 30, "pdq"},
                                        {id, known->image.id, 4, "phash"},
                                        {id, known2->image.id, 9, "phash"}}));
  // Found from the other side too, and among all of them.
  auto of_known = store_->near_duplicates(known2->image.id, 0, 100);
  ASSERT_TRUE(of_known.ok());
  ASSERT_EQ(of_known->size(), 1u);
  EXPECT_EQ((*of_known)[0].image_id, id);
  // A page the limit cuts inside one image ends with that image whole.
  auto page = store_->near_duplicates(std::nullopt, 0, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->size(), 3u);
  EXPECT_TRUE(store_->near_duplicates(std::nullopt, id, 2)->empty());

  // The same content again: a duplicate of the first, nothing new stored.
  JobOutcome again = outcome(10);
  again.near_duplicates = {{0, known2->image.id, 1, "phash"}};
  auto dup = store_->complete_job((*leased)[1].id, "w1", again);
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->image.id, id);
  EXPECT_EQ(dup->image.batch_id, b.id);
  auto dup_job = store_->get_job((*leased)[1].id);
  EXPECT_EQ(dup_job->state, "duplicate");
  EXPECT_EQ(dup_job->image_id, id);
  ImageQuery all;
  EXPECT_EQ(store_->list_images(all)->items.size(), 3u);
  EXPECT_EQ(store_->near_duplicates(std::nullopt, 0, 100)->size(), 3u);
  auto counts = store_->job_counts(b.id);
  EXPECT_EQ(counts->done, 1);
  EXPECT_EQ(counts->duplicate, 1);
  EXPECT_EQ(counts->open(), 0);
  // Completing twice is refused: the lease ended.
  EXPECT_EQ(store_->complete_job((*leased)[0].id, "w1", first).status().code(),
            ErrorCode::kConflict);
}

TEST_P(CatalogStoreConformance, ExpiredAndOrphanedLeasesAreReleased) {
  batch_with(*store_, "/r", 4);
  LeaseOptions shortly = lease("w1", 2);
  shortly.lease_ms = 1000;
  auto w1 = store_->lease_jobs(shortly);
  auto w2 = store_->lease_jobs(lease("w2", 1));
  ASSERT_TRUE(w1.ok() && w2.ok());
  ASSERT_EQ(w1->size(), 2u);
  ASSERT_EQ(w2->size(), 1u);

  // Renewal: only the holder's own leases.
  std::vector<RowId> w1_ids = ids_of(*w1);
  std::vector<RowId> mixed = {w1_ids[0], (*w2)[0].id, 123456789};
  EXPECT_EQ(*store_->renew_leases("w1", mixed, 2000), 1);
  EXPECT_EQ(*store_->renew_leases("w3", w1_ids, 2000), 0);
  EXPECT_GT(store_->get_job(w1_ids[0])->lease_until_ms,
            (*w1)[0].lease_until_ms);
  EXPECT_EQ(store_->renew_leases("", w1_ids, 2000).status().code(),
            ErrorCode::kInvalidArgument);

  // Nothing has expired yet.
  EXPECT_EQ(*store_->release_leases(now() - 60'000, std::nullopt, 5), 0);
  // Ten seconds on, w1's short leases have expired; w2's has not.
  auto expired = store_->release_leases(now() + 10'000, std::nullopt, 5);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 2);
  auto back = store_->get_job(w1_ids[1]);
  EXPECT_EQ(back->state, "received");
  EXPECT_EQ(back->worker, "");
  EXPECT_EQ(back->lease_until_ms, 0);
  EXPECT_EQ(back->attempts, 1);
  EXPECT_EQ(*store_->lease_holders(), std::vector<std::string>{"w2"});
  // A dead holder's leases go at once, expired or not.
  EXPECT_EQ(*store_->release_leases(now(), std::string("w2"), 5), 1);
  EXPECT_TRUE(store_->lease_holders()->empty());
  EXPECT_EQ(store_->get_job((*w2)[0].id)->state, "received");
}

TEST_P(CatalogStoreConformance, AJobWhoseHoldersKeepDyingFails) {
  const Batch b = batch_with(*store_, "/k", 1);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto got = store_->lease_jobs(lease("w" + std::to_string(attempt)));
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->size(), 1u) << "attempt " << attempt;
    EXPECT_EQ((*got)[0].attempts, attempt);
    auto released =
        store_->release_leases(now(), "w" + std::to_string(attempt), 3);
    ASSERT_TRUE(released.ok()) << released.status();
    EXPECT_EQ(*released, 1);
  }
  auto page = store_->list_jobs(b.id, std::nullopt, 0, 10);
  ASSERT_TRUE(page.ok() && page->items.size() == 1u);
  const Job& job = page->items[0];
  EXPECT_EQ(job.state, "failed");
  EXPECT_EQ(job.error,
            "internal: the worker holding this job stopped 3 times before "
            "finishing it (crash, kill or hang)");
  EXPECT_TRUE(store_->lease_jobs(lease("w4"))->empty());
  EXPECT_EQ(*store_->retry_failed_jobs(b.id, true), 0)
      << "not a failure a resume cures";
  EXPECT_EQ(store_->release_leases(now(), std::nullopt, 0).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, BatchStatesMoveOnlyAlongAllowedPaths) {
  const Batch b = batch_with(*store_, "/s", 3);
  auto leased = store_->lease_jobs(lease("w1", 1, b.id));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  auto paused = store_->set_batch_state(b.id, "paused");
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ(paused->state, "paused");
  EXPECT_GE(paused->updated_ms, b.updated_ms);
  EXPECT_EQ(store_->set_batch_state(b.id, "done").status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(store_->set_batch_state(b.id, "finished").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->set_batch_state(3333333, "paused").status().code(),
            ErrorCode::kNotFound);

  auto cancelled = store_->set_batch_state(b.id, "cancelled");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  auto counts = store_->job_counts(b.id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->cancelled, 2);
  EXPECT_EQ(counts->leased, 1) << "a leased job finishes normally";
  EXPECT_EQ(counts->received, 0);
  EXPECT_TRUE(store_->set_batch_state(b.id, "cancelled").ok());
  for (const char* to : {"queued", "running", "paused", "done"}) {
    EXPECT_EQ(store_->set_batch_state(b.id, to).status().code(),
              ErrorCode::kConflict)
        << to;
  }
  auto finished = store_->complete_job((*leased)[0].id, "w1", outcome(3));
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(store_->get_job((*leased)[0].id)->state, "done");

  const Batch d = batch_with(*store_, "/s2", 1);
  ASSERT_TRUE(store_->set_batch_state(d.id, "running").ok());
  // Done only once every file is received and every job has ended.
  EXPECT_EQ(store_->set_batch_state(d.id, "done").status().code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(store_->finish_receiving(d.id).ok());
  EXPECT_EQ(store_->set_batch_state(d.id, "done").status().code(),
            ErrorCode::kConflict);
  auto last = store_->lease_jobs(lease("w1"));
  ASSERT_TRUE(last.ok() && last->size() == 1u);
  ASSERT_TRUE(
      store_->fail_job((*last)[0].id, "w1", "corrupt_data: x", std::nullopt)
          .ok());
  ASSERT_TRUE(store_->set_batch_state(d.id, "done").ok());
  // A retry of its failures runs it again.
  auto again = store_->retry_failed_jobs(d.id, false);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 1);
  EXPECT_EQ(store_->get_batch(d.id)->state, "running");
  last = store_->lease_jobs(lease("w1"));
  ASSERT_TRUE(last.ok() && last->size() == 1u);
  ASSERT_TRUE(
      store_->fail_job((*last)[0].id, "w1", "corrupt_data: x", std::nullopt)
          .ok());
  ASSERT_TRUE(store_->set_batch_state(d.id, "done").ok());
  EXPECT_TRUE(store_->set_batch_state(d.id, "done").ok());
  EXPECT_EQ(store_->set_batch_state(d.id, "running").status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(store_->set_batch_state(d.id, "cancelled").status().code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(store_->lease_jobs(lease("w1"))->empty())
      << "a done batch's jobs are not leased";
}

TEST_P(CatalogStoreConformance, JobCountsAndPagesFollowTheJobs) {
  const Batch b = batch_with(*store_, "/p", 5);
  auto leased = store_->lease_jobs(lease("w1", 3));
  ASSERT_TRUE(leased.ok() && leased->size() == 3u);
  const std::int64_t before = now();
  ASSERT_TRUE(store_->complete_job((*leased)[0].id, "w1", outcome(1)).ok());
  ASSERT_TRUE(
      store_->fail_job((*leased)[1].id, "w1", "corrupt_data: x", std::nullopt)
          .ok());
  auto counts = store_->job_counts(b.id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (JobCounts{.received = 2,
                                .leased = 1,
                                .done = 1,
                                .duplicate = 0,
                                .failed = 1,
                                .cancelled = 0,
                                .finished_since = 2}));
  EXPECT_EQ(store_->job_counts(b.id, before)->finished_since, 2);
  EXPECT_EQ(store_->job_counts(b.id, now() + 60'000)->finished_since, 0);
  EXPECT_EQ(store_->job_counts(4444444).status().code(), ErrorCode::kNotFound);

  auto page1 = store_->list_jobs(b.id, std::nullopt, 0, 2);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->items.size(), 2u);
  auto page2 = store_->list_jobs(b.id, std::nullopt, page1->next_after, 2);
  auto page3 = store_->list_jobs(b.id, std::nullopt, page2->next_after, 2);
  ASSERT_TRUE(page2.ok() && page3.ok());
  EXPECT_EQ(page2->items.size(), 2u);
  EXPECT_EQ(page3->items.size(), 1u);
  EXPECT_EQ(page3->next_after, 0);
  EXPECT_LT(page1->items[1].id, page2->items[0].id);
  auto received = store_->list_jobs(b.id, "received", 0, 100);
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(received->items.size(), 2u);
  EXPECT_EQ(store_->list_jobs(b.id, "nope", 0, 10).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->list_jobs(b.id, std::nullopt, 0, 0).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, ImagesListByLinkAndHashesPage) {
  auto brand = store_->upsert_brand("Marca A");
  ASSERT_TRUE(brand.ok());
  auto collection = store_->upsert_collection(brand->id, "Verão", "");
  ASSERT_TRUE(collection.ok());
  CarteiraImportRequest request;
  request.collection_id = collection->id;
  request.file = "c.xlsx";
  for (const char* sku : {"A1", "A2", "A3"}) {
    ProductUpsert p;
    p.sku = sku;
    request.products.push_back(p);
  }
  ASSERT_TRUE(store_->import_products(request).ok());
  std::vector<RowId> ids;
  for (int n = 1; n <= 3; ++n) {
    auto r = store_->insert_image(image(n));
    ASSERT_TRUE(r.ok());
    ids.push_back(r->image.id);
  }
  auto product = store_->find_product(collection->id, "A2");
  ASSERT_TRUE(product.ok());
  ASSERT_TRUE(store_->link_image(ids[1], product->id, "test", "").ok());
  ImageQuery linked;
  linked.linked = true;
  auto with = store_->list_images(linked);
  ASSERT_TRUE(with.ok());
  ASSERT_EQ(with->items.size(), 1u);
  EXPECT_EQ(with->items[0].id, ids[1]);
  ImageQuery unlinked;
  unlinked.linked = false;
  auto without = store_->list_images(unlinked);
  ASSERT_TRUE(without.ok());
  ASSERT_EQ(without->items.size(), 2u);
  EXPECT_EQ(without->items[0].id, ids[0]);
  EXPECT_EQ(without->items[1].id, ids[2]);

  auto hashes = store_->image_hashes(0, 2);
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  ASSERT_EQ(hashes->size(), 2u);
  EXPECT_EQ((*hashes)[0].id, ids[0]);
  EXPECT_EQ((*hashes)[0].phash, image(1).phash);
  auto rest = store_->image_hashes((*hashes)[1].id, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].phash, image(3).phash);
  EXPECT_EQ(store_->image_hashes(0, 0).status().code(),
            ErrorCode::kInvalidArgument);

  auto products = store_->list_products(collection->id, 0, 2);
  ASSERT_TRUE(products.ok()) << products.status();
  ASSERT_EQ(products->items.size(), 2u);
  EXPECT_EQ(products->items[0].sku, "A1");
  auto more = store_->list_products(collection->id, products->next_after, 2);
  ASSERT_TRUE(more.ok());
  ASSERT_EQ(more->items.size(), 1u);
  EXPECT_EQ(more->items[0].sku, "A3");
  EXPECT_EQ(more->next_after, 0);
  EXPECT_EQ(*store_->get_product(more->items[0].id), more->items[0]);
}

// A database made by the first release (schema version 1) is migrated when
// opened: batches keep receiving, old jobs get a source_path of their own.
TEST_P(CatalogStoreConformance, MigratesAVersionOneDatabase) {
  store_.reset();
  for (const char* statement : {
           "DROP TABLE near_duplicates",
           "DROP INDEX jobs_batch_source",
           "DROP INDEX jobs_state_batch",
           "ALTER TABLE jobs DROP COLUMN worker",
           "ALTER TABLE jobs DROP COLUMN source_path",
           "ALTER TABLE batches DROP COLUMN receiving",
           "DELETE FROM schema_version WHERE version > 1",
           "INSERT INTO batches (state, source, created_ms, updated_ms) "
           "VALUES ('running', 'old', 1, 1)",
           "INSERT INTO jobs (batch_id, original_name, sha256, bytes, state, "
           "created_ms, updated_ms) VALUES (1, 'a.jpg', '', 1, 'received', 1, "
           "1)",
           "INSERT INTO jobs (batch_id, original_name, sha256, bytes, state, "
           "created_ms, updated_ms) VALUES (1, 'b.jpg', '', 1, 'received', 1, "
           "1)",
       }) {
    db_.exec(statement);
  }
  auto store = db_.open();
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*(*store)->schema_version(), latest_catalog_schema_version());
  auto batches = (*store)->list_batches();
  ASSERT_TRUE(batches.ok()) << batches.status();
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_TRUE((*batches)[0].receiving);
  auto paths = (*store)->job_source_paths((*batches)[0].id);
  ASSERT_TRUE(paths.ok()) << paths.status();
  ASSERT_EQ(paths->size(), 2u);
  EXPECT_NE((*paths)[0], (*paths)[1]);
  auto leased = (*store)->lease_jobs(lease("w1", 5));
  ASSERT_TRUE(leased.ok()) << leased.status();
  EXPECT_EQ(leased->size(), 2u);
}

}  // namespace imagebank::testing
