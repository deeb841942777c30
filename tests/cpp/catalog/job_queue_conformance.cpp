// The JobQueue conformance suite, part one: batches, adding jobs, leasing,
// completing and releasing. Failures, retries and migrations are in
// job_queue_failures_conformance.cpp. Runs on every adapter the suite is
// instantiated for.
#include "catalog/job_queue_conformance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace imagebank::testing {

void JobQueueConformance::SetUp() {
  db_ = GetParam().fresh();
  auto opened = reopen();
  ASSERT_TRUE(opened.ok()) << opened.status();
  queue_ = opened->queue;
  catalog_ = opened->catalog;
}

Result<OpenQueue> JobQueueConformance::reopen() {
  IMAGEBANK_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDatabase> db, db_.open());
  std::shared_ptr<CatalogDatabase> shared = std::move(db);
  return OpenQueue{shared, shared};
}

std::int64_t now_ms() {
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

LeaseOptions lease(std::string worker, std::size_t max_jobs,
                   std::optional<RowId> batch) {
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

Batch batch_with(JobQueue& queue, const std::string& source, int n) {
  auto batch = queue.create_batch(0, source);
  EXPECT_TRUE(batch.ok()) << batch.status();
  auto added = queue.add_jobs(batch->id, files(source, n));
  EXPECT_TRUE(added.ok()) << added.status();
  return *batch;
}

TEST_P(JobQueueConformance, AddJobsIsIdempotentBySourcePath) {
  auto batch = queue_->create_batch(0, "upload");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, BatchState::kQueued);
  EXPECT_TRUE(batch->receiving);
  std::vector<JobInsert> first = {file("/u/a.jpg"), file("/u/b.jpg"),
                                  file("/u/c.jpg")};
  first[1].sha256 = sha(42);
  auto a = queue_->add_jobs(batch->id, first);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ((*a)[1].source_path, "/u/b.jpg");
  EXPECT_EQ((*a)[1].sha256, sha(42));
  EXPECT_EQ((*a)[1].original_name, "b.jpg");
  EXPECT_EQ((*a)[1].state, JobState::kReceived);
  EXPECT_EQ((*a)[1].attempts, 0);
  EXPECT_EQ((*a)[1].batch_id, batch->id);

  // A resumed receive: known paths keep their rows, new ones are added, a
  // repeat within the call resolves to one row.
  std::vector<JobInsert> second = {file("/u/b.jpg"), file("/u/d.jpg"),
                                   file("/u/b.jpg")};
  second[0].bytes = 999;
  auto b = queue_->add_jobs(batch->id, second);
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->size(), 3u);
  EXPECT_EQ((*b)[0], (*a)[1]) << "an existing job is kept as it was";
  EXPECT_EQ((*b)[2].id, (*a)[1].id);
  EXPECT_NE((*b)[1].id, (*a)[0].id);
  auto paths = queue_->job_source_paths(batch->id);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(*paths, (std::vector<std::string>{"/u/a.jpg", "/u/b.jpg",
                                              "/u/c.jpg", "/u/d.jpg"}));
  EXPECT_EQ(queue_->job_counts(batch->id)->received, 4);
  EXPECT_EQ(queue_->get_job((*b)[1].id)->source_path, "/u/d.jpg");
  EXPECT_EQ(queue_->get_job(987654).status().code(), ErrorCode::kNotFound);

  // The same path in another batch is another job.
  auto other = queue_->create_batch(0, "upload 2");
  ASSERT_TRUE(other.ok());
  auto c = queue_->add_jobs(other->id, first);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NE((*c)[0].id, (*a)[0].id);
  auto batches = queue_->list_batches();
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 2u);
  EXPECT_EQ((*batches)[0].id, batch->id);
  EXPECT_EQ((*batches)[1].source, "upload 2");
  EXPECT_EQ(queue_->get_batch(batch->id)->source, "upload");
  EXPECT_EQ(queue_->get_batch(999999).status().code(), ErrorCode::kNotFound);

  auto finished = queue_->finish_receiving(batch->id);
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_FALSE(finished->receiving);
  EXPECT_FALSE(queue_->get_batch(batch->id)->receiving);
  EXPECT_TRUE(queue_->get_batch(other->id)->receiving);
  EXPECT_EQ(queue_->finish_receiving(424242).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(JobQueueConformance, ListSourcePathsPagesInByteOrder) {
  auto batch = queue_->create_batch(0, "/u");
  ASSERT_TRUE(batch.ok()) << batch.status();
  // Orders a natural-language collation would change: '-' before '/',
  // upper case before lower, accents after ASCII, digits by byte.
  const std::vector<std::string> paths = {
      "/u/a/c.jpg",   "/u/a-b.jpg",      "/u/a.jpg",    "/u/B.jpg",
      "/u/b.jpg",     "/u/\xC3\x81.jpg", "/u/10.jpg",   "/u/9.jpg",
      "/u/a/b/z.jpg", "/u/a b.jpg",      "/u/zz/0.jpg", "/u/a_b.jpg"};
  std::vector<JobInsert> jobs;
  for (const std::string& p : paths) jobs.push_back(file(p));
  ASSERT_TRUE(queue_->add_jobs(batch->id, jobs).ok());
  // Another batch's paths never show.
  auto other = queue_->create_batch(0, "/v");
  const std::vector<JobInsert> elsewhere = {file("/u/a0.jpg")};
  ASSERT_TRUE(queue_->add_jobs(other->id, elsewhere).ok());

  std::vector<std::string> want = paths;
  std::sort(want.begin(), want.end());  // std::string: byte order
  std::vector<std::string> got;
  std::string after;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = queue_->list_source_paths(batch->id, after, 5);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->size(), 5u);
    if (page->empty()) break;
    got.insert(got.end(), page->begin(), page->end());
    after = page->back();
  }
  EXPECT_EQ(got, want);
  // A start in the middle: only what sorts after it.
  auto tail = queue_->list_source_paths(batch->id, "/u/a/", 3);
  ASSERT_TRUE(tail.ok());
  const auto from =
      std::upper_bound(want.begin(), want.end(), std::string("/u/a/"));
  EXPECT_EQ(*tail, std::vector<std::string>(from, from + 3));
  EXPECT_EQ((*tail)[0], "/u/a/b/z.jpg");
  EXPECT_EQ(queue_->list_source_paths(batch->id, "", 0).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_->list_source_paths(987654, "", 10).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(JobQueueConformance, LinkedBatchesShareAGroup) {
  auto first = queue_->create_batch(0, "urls:list.csv part 1");
  auto second = queue_->create_batch(0, "urls:list.csv part 2");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->group_id, 0);
  EXPECT_EQ(first->part, 0);
  auto a = queue_->link_batch(first->id, first->id, 1);
  ASSERT_TRUE(a.ok()) << a.status();
  auto b = queue_->link_batch(second->id, first->id, 2);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->group_id, first->id);
  EXPECT_EQ(b->part, 2);
  auto stored = queue_->get_batch(second->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->group_id, first->id);
  EXPECT_EQ(stored->part, 2);
  EXPECT_EQ(*stored, *b);
  auto all = queue_->list_batches();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].part, 1);
  EXPECT_EQ((*all)[0].group_id, first->id);
  EXPECT_EQ(queue_->link_batch(second->id, first->id, 0).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_->link_batch(second->id, 999999, 2).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(queue_->link_batch(999999, first->id, 2).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(JobQueueConformance, AddJobsRecordsRefusalsAndChecksItsInput) {
  auto img = catalog_->insert_image(image(1));
  ASSERT_TRUE(img.ok());
  auto batch = queue_->create_batch(0, "upload");
  ASSERT_TRUE(batch.ok());
  std::vector<JobInsert> jobs = {file("/u/dup.jpg"), file("/u/bad.jpg")};
  jobs[0].state = JobState::kDuplicate;
  jobs[0].image_id = img->image.id;
  jobs[0].sha256 = sha(1);
  jobs[1].state = JobState::kFailed;
  jobs[1].error = corrupt_data_error("/u/bad.jpg: not an image");
  auto added = queue_->add_jobs(batch->id, jobs);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ((*added)[0].state, JobState::kDuplicate);
  EXPECT_EQ((*added)[0].image_id, img->image.id);
  EXPECT_EQ((*added)[1].state, JobState::kFailed);
  EXPECT_EQ((*added)[1].error, jobs[1].error);
  auto counts = queue_->job_counts(batch->id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->duplicate, 1);
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(counts->finished_since, 2);

  auto refused = [&](JobInsert j, ErrorCode code) {
    std::vector<JobInsert> one = {std::move(j)};
    auto r = queue_->add_jobs(batch->id, one);
    EXPECT_EQ(r.status().code(), code) << r.status();
  };
  JobInsert j = file("/u/x.jpg");
  j.state = JobState::kDuplicate;  // without its image
  refused(j, ErrorCode::kInvalidArgument);
  j.image_id = 999999;  // an image that does not exist
  refused(j, ErrorCode::kNotFound);
  j = file("/u/x.jpg");
  j.state = JobState::kFailed;  // without its error
  refused(j, ErrorCode::kInvalidArgument);
  j.state = JobState::kLeased;
  refused(j, ErrorCode::kInvalidArgument);
  refused(file(""), ErrorCode::kInvalidArgument);
  refused(file("/u/" + std::string(5000, 'x')), ErrorCode::kInvalidArgument);
  refused(file("/u/\xff.jpg"), ErrorCode::kInvalidArgument);
  j = file("/u/x.jpg");
  j.sha256 = "XYZ";
  refused(j, ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_->job_counts(batch->id)->total(), 2)
      << "a refused call writes nothing";

  std::vector<JobInsert> one = {file("/u/y.jpg")};
  EXPECT_EQ(queue_->add_jobs(777777, one).status().code(),
            ErrorCode::kNotFound);
  ASSERT_TRUE(queue_->set_batch_state(batch->id, BatchState::kCancelled).ok());
  EXPECT_EQ(queue_->add_jobs(batch->id, one).status().code(),
            ErrorCode::kConflict);
}

TEST_P(JobQueueConformance, AddJobsTakesThousandsInOneCall) {
  auto batch = queue_->create_batch(0, "big");
  ASSERT_TRUE(batch.ok());
  const auto jobs = files("/big", 5000);
  const auto start = std::chrono::steady_clock::now();
  auto added = queue_->add_jobs(batch->id, jobs);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_EQ(added->size(), 5000u);
  EXPECT_EQ((*added)[4999].source_path, jobs[4999].source_path);
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  auto again = queue_->add_jobs(batch->id, jobs);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ids_of(*again), ids_of(*added));
  EXPECT_EQ(queue_->job_counts(batch->id)->received, 5000);
}

TEST_P(JobQueueConformance, LeasingGoesBatchByBatchAndSkipsHeldBatches) {
  const Batch b1 = batch_with(*queue_, "/one", 2);
  const Batch b2 = batch_with(*queue_, "/two", 2);
  const Batch paused = batch_with(*queue_, "/paused", 1);
  const Batch cancelled = batch_with(*queue_, "/cancelled", 1);
  ASSERT_TRUE(queue_->set_batch_state(paused.id, BatchState::kPaused).ok());
  ASSERT_TRUE(
      queue_->set_batch_state(cancelled.id, BatchState::kCancelled).ok());

  const std::int64_t before = now_ms();
  auto first = queue_->lease_jobs(lease("w1", 3));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].batch_id, b1.id);
  EXPECT_EQ((*first)[1].batch_id, b1.id);
  EXPECT_EQ((*first)[2].batch_id, b2.id);
  EXPECT_LT((*first)[0].id, (*first)[1].id);
  for (const Job& j : *first) {
    EXPECT_EQ(j.state, JobState::kLeased);
    EXPECT_EQ(j.worker, "w1");
    EXPECT_EQ(j.attempts, 1);
    EXPECT_GE(j.lease_until_ms, before + 5 * 60 * 1000 - 1000);
  }
  EXPECT_EQ(queue_->get_batch(b1.id)->state, BatchState::kRunning);
  EXPECT_EQ(queue_->get_batch(b2.id)->state, BatchState::kRunning);

  auto second = queue_->lease_jobs(lease("w2", 10));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u) << "paused and cancelled batches wait";
  EXPECT_EQ((*second)[0].batch_id, b2.id);
  EXPECT_TRUE(queue_->lease_jobs(lease("w2", 10))->empty());
  EXPECT_TRUE(queue_->lease_jobs(lease("w2", 10, paused.id))->empty());
  ASSERT_TRUE(queue_->set_batch_state(paused.id, BatchState::kQueued).ok());
  auto third = queue_->lease_jobs(lease("w3", 10, paused.id));
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->size(), 1u);
  EXPECT_EQ((*third)[0].batch_id, paused.id);
  EXPECT_EQ(queue_->get_batch(paused.id)->state, BatchState::kRunning);

  auto holders = queue_->lease_holders();
  ASSERT_TRUE(holders.ok());
  EXPECT_EQ(*holders, (std::vector<std::string>{"w1", "w2", "w3"}));

  EXPECT_EQ(queue_->lease_jobs(lease("")).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_->lease_jobs(lease("w", 0)).status().code(),
            ErrorCode::kInvalidArgument);
  LeaseOptions no_time = lease("w");
  no_time.lease_ms = 0;
  EXPECT_EQ(queue_->lease_jobs(no_time).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(JobQueueConformance, ConcurrentLeasersNeverShareAJob) {
  const Batch b = batch_with(*queue_, "/c", 200);
  auto other = reopen();
  ASSERT_TRUE(other.ok()) << other.status();
  JobQueue* queues[2] = {queue_.get(), other->queue.get()};
  std::mutex mu;
  std::map<RowId, std::string> holder;
  std::atomic<int> leased{0}, twice{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      JobQueue& queue = *queues[t % 2];
      const std::string worker = "host:" + std::to_string(t);
      for (;;) {
        auto got = queue.lease_jobs(lease(worker, 7));
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
  auto counts = queue_->job_counts(b.id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->leased, 200);
  // Each job was leased once: one attempt each.
  auto page = queue_->list_jobs(b.id, std::nullopt, 0, 1000);
  ASSERT_TRUE(page.ok());
  for (const Job& j : page->items) {
    EXPECT_EQ(j.attempts, 1);
    EXPECT_EQ(j.worker, holder[j.id]);
  }
}

TEST_P(JobQueueConformance, OnlyTheLeaseHolderCompletesAJob) {
  batch_with(*queue_, "/h", 2);
  auto leased = queue_->lease_jobs(lease("w1"));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  const Job job = (*leased)[0];
  auto r = queue_->complete_job(job.id, "w2", outcome(7));
  EXPECT_EQ(r.status().code(), ErrorCode::kConflict) << r.status();
  EXPECT_EQ(catalog_->find_image_by_sha256(sha(7)).status().code(),
            ErrorCode::kNotFound)
      << "a refused completion writes nothing";
  EXPECT_EQ(*queue_->get_job(job.id), job);
  // A job never leased, or not at all there.
  auto page = queue_->list_jobs(job.batch_id, JobState::kReceived, 0, 10);
  ASSERT_TRUE(page.ok() && page->items.size() == 1u);
  EXPECT_EQ(
      queue_->complete_job(page->items[0].id, "w1", outcome(7)).status().code(),
      ErrorCode::kConflict);
  EXPECT_EQ(queue_->complete_job(88888888, "w1", outcome(7)).status().code(),
            ErrorCode::kNotFound);
  JobOutcome bad = outcome(7);
  bad.image.sha256 = "nope";
  EXPECT_EQ(queue_->complete_job(job.id, "w1", bad).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_->get_job(job.id)->state, JobState::kLeased);
}

TEST_P(JobQueueConformance, CompletingAJobCommitsItsImageOnce) {
  auto known = catalog_->insert_image(image(1));
  auto known2 = catalog_->insert_image(image(2));
  ASSERT_TRUE(known.ok() && known2.ok());
  const Batch b = batch_with(*queue_, "/d", 2);
  auto leased = queue_->lease_jobs(lease("w1", 2));
  ASSERT_TRUE(leased.ok() && leased->size() == 2u);

  JobOutcome first = outcome(10);
  first.image.batch_id = b.id;
  first.near_duplicates = {{0, known->image.id, 4, "phash"},
                           {0, known2->image.id, 9, "phash"},
                           {0, known->image.id, 30, "pdq"},
                           {0, 987654321, 2, "phash"}};  // never stored
  auto done = queue_->complete_job((*leased)[0].id, "w1", first);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(done->duplicate);
  const RowId id = done->image.id;
  EXPECT_NE(id, 0);
  EXPECT_EQ(done->image.sha256, sha(10));
  auto job = queue_->get_job((*leased)[0].id);
  EXPECT_EQ(job->state, JobState::kDone);
  EXPECT_EQ(job->image_id, id);
  EXPECT_EQ(job->worker, "");
  auto variants = catalog_->variants(id);
  ASSERT_TRUE(variants.ok());
  ASSERT_EQ(variants->size(), 2u);
  EXPECT_EQ((*variants)[0].image_id, id);
  EXPECT_EQ((*variants)[0].preset, "grid");
  auto near = catalog_->near_duplicates(id, 0, 100);
  ASSERT_TRUE(near.ok()) << near.status();
  EXPECT_EQ(*near,
            (std::vector<NearDuplicate>{{id, known->image.id, 30, "pdq"},
                                        {id, known->image.id, 4, "phash"},
                                        {id, known2->image.id, 9, "phash"}}));
  // Found from the other side too, and among all of them.
  auto of_known = catalog_->near_duplicates(known2->image.id, 0, 100);
  ASSERT_TRUE(of_known.ok());
  ASSERT_EQ(of_known->size(), 1u);
  EXPECT_EQ((*of_known)[0].image_id, id);
  // A page the limit cuts inside one image ends with that image whole.
  auto page = catalog_->near_duplicates(std::nullopt, 0, 2);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->size(), 3u);
  EXPECT_TRUE(catalog_->near_duplicates(std::nullopt, id, 2)->empty());

  // The same content again: a duplicate of the first, nothing new stored.
  JobOutcome again = outcome(10);
  again.near_duplicates = {{0, known2->image.id, 1, "phash"}};
  auto dup = queue_->complete_job((*leased)[1].id, "w1", again);
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->image.id, id);
  EXPECT_EQ(dup->image.batch_id, b.id);
  auto dup_job = queue_->get_job((*leased)[1].id);
  EXPECT_EQ(dup_job->state, JobState::kDuplicate);
  EXPECT_EQ(dup_job->image_id, id);
  ImageQuery all;
  EXPECT_EQ(catalog_->list_images(all)->items.size(), 3u);
  EXPECT_EQ(catalog_->near_duplicates(std::nullopt, 0, 100)->size(), 3u);
  auto counts = queue_->job_counts(b.id);
  EXPECT_EQ(counts->done, 1);
  EXPECT_EQ(counts->duplicate, 1);
  EXPECT_EQ(counts->open(), 0);
  // Completing twice is refused: the lease ended.
  EXPECT_EQ(queue_->complete_job((*leased)[0].id, "w1", first).status().code(),
            ErrorCode::kConflict);
}

TEST_P(JobQueueConformance, ExpiredAndOrphanedLeasesAreReleased) {
  batch_with(*queue_, "/r", 4);
  LeaseOptions shortly = lease("w1", 2);
  shortly.lease_ms = 1000;
  auto w1 = queue_->lease_jobs(shortly);
  auto w2 = queue_->lease_jobs(lease("w2", 1));
  ASSERT_TRUE(w1.ok() && w2.ok());
  ASSERT_EQ(w1->size(), 2u);
  ASSERT_EQ(w2->size(), 1u);

  // Renewal: only the holder's own leases.
  std::vector<RowId> w1_ids = ids_of(*w1);
  std::vector<RowId> mixed = {w1_ids[0], (*w2)[0].id, 123456789};
  EXPECT_EQ(*queue_->renew_leases("w1", mixed, 2000), 1);
  EXPECT_EQ(*queue_->renew_leases("w3", w1_ids, 2000), 0);
  EXPECT_GT(queue_->get_job(w1_ids[0])->lease_until_ms,
            (*w1)[0].lease_until_ms);
  EXPECT_EQ(queue_->renew_leases("", w1_ids, 2000).status().code(),
            ErrorCode::kInvalidArgument);

  // Nothing has expired yet.
  EXPECT_EQ(*queue_->release_leases(now_ms() - 60'000, std::nullopt, 5), 0);
  // Ten seconds on, w1's short leases have expired; w2's has not.
  auto expired = queue_->release_leases(now_ms() + 10'000, std::nullopt, 5);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 2);
  auto back = queue_->get_job(w1_ids[1]);
  EXPECT_EQ(back->state, JobState::kReceived);
  EXPECT_EQ(back->worker, "");
  EXPECT_EQ(back->lease_until_ms, 0);
  EXPECT_EQ(back->attempts, 1);
  EXPECT_EQ(*queue_->lease_holders(), std::vector<std::string>{"w2"});
  // A dead holder's leases go at once, expired or not.
  EXPECT_EQ(*queue_->release_leases(now_ms(), std::string("w2"), 5), 1);
  EXPECT_TRUE(queue_->lease_holders()->empty());
  EXPECT_EQ(queue_->get_job((*w2)[0].id)->state, JobState::kReceived);
}

TEST_P(JobQueueConformance, BatchStatesMoveOnlyAlongAllowedPaths) {
  const Batch b = batch_with(*queue_, "/s", 3);
  auto leased = queue_->lease_jobs(lease("w1", 1, b.id));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  auto paused = queue_->set_batch_state(b.id, BatchState::kPaused);
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ(paused->state, BatchState::kPaused);
  EXPECT_GE(paused->updated_ms, b.updated_ms);
  EXPECT_EQ(queue_->set_batch_state(b.id, BatchState::kDone).status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(
      queue_->set_batch_state(3333333, BatchState::kPaused).status().code(),
      ErrorCode::kNotFound);

  auto cancelled = queue_->set_batch_state(b.id, BatchState::kCancelled);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  auto counts = queue_->job_counts(b.id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->cancelled, 2);
  EXPECT_EQ(counts->leased, 1) << "a leased job finishes normally";
  EXPECT_EQ(counts->received, 0);
  EXPECT_TRUE(queue_->set_batch_state(b.id, BatchState::kCancelled).ok());
  for (BatchState to : {BatchState::kQueued, BatchState::kRunning,
                        BatchState::kPaused, BatchState::kDone}) {
    EXPECT_EQ(queue_->set_batch_state(b.id, to).status().code(),
              ErrorCode::kConflict)
        << batch_state_name(to);
  }
  auto finished = queue_->complete_job((*leased)[0].id, "w1", outcome(3));
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(queue_->get_job((*leased)[0].id)->state, JobState::kDone);

  const Batch d = batch_with(*queue_, "/s2", 1);
  ASSERT_TRUE(queue_->set_batch_state(d.id, BatchState::kRunning).ok());
  // Done only once every file is received and every job has ended.
  EXPECT_EQ(queue_->set_batch_state(d.id, BatchState::kDone).status().code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(queue_->finish_receiving(d.id).ok());
  EXPECT_EQ(queue_->set_batch_state(d.id, BatchState::kDone).status().code(),
            ErrorCode::kConflict);
  auto last = queue_->lease_jobs(lease("w1"));
  ASSERT_TRUE(last.ok() && last->size() == 1u);
  ASSERT_TRUE(
      queue_
          ->fail_job((*last)[0].id, "w1", corrupt_data_error("x"), std::nullopt)
          .ok());
  ASSERT_TRUE(queue_->set_batch_state(d.id, BatchState::kDone).ok());
  // A retry of its failures runs it again.
  auto again = queue_->retry_failed_jobs(d.id, false);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 1);
  EXPECT_EQ(queue_->get_batch(d.id)->state, BatchState::kRunning);
  last = queue_->lease_jobs(lease("w1"));
  ASSERT_TRUE(last.ok() && last->size() == 1u);
  ASSERT_TRUE(
      queue_
          ->fail_job((*last)[0].id, "w1", corrupt_data_error("x"), std::nullopt)
          .ok());
  ASSERT_TRUE(queue_->set_batch_state(d.id, BatchState::kDone).ok());
  EXPECT_TRUE(queue_->set_batch_state(d.id, BatchState::kDone).ok());
  EXPECT_EQ(queue_->set_batch_state(d.id, BatchState::kRunning).status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(
      queue_->set_batch_state(d.id, BatchState::kCancelled).status().code(),
      ErrorCode::kConflict);
  EXPECT_TRUE(queue_->lease_jobs(lease("w1"))->empty())
      << "a done batch's jobs are not leased";
}

TEST_P(JobQueueConformance, JobCountsAndPagesFollowTheJobs) {
  const Batch b = batch_with(*queue_, "/p", 5);
  auto leased = queue_->lease_jobs(lease("w1", 3));
  ASSERT_TRUE(leased.ok() && leased->size() == 3u);
  const std::int64_t before = now_ms();
  ASSERT_TRUE(queue_->complete_job((*leased)[0].id, "w1", outcome(1)).ok());
  ASSERT_TRUE(queue_
                  ->fail_job((*leased)[1].id, "w1", corrupt_data_error("x"),
                             std::nullopt)
                  .ok());
  auto counts = queue_->job_counts(b.id);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (JobCounts{.received = 2,
                                .leased = 1,
                                .done = 1,
                                .duplicate = 0,
                                .failed = 1,
                                .cancelled = 0,
                                .finished_since = 2}));
  EXPECT_EQ(queue_->job_counts(b.id, before)->finished_since, 2);
  EXPECT_EQ(queue_->job_counts(b.id, now_ms() + 60'000)->finished_since, 0);
  EXPECT_EQ(queue_->job_counts(4444444).status().code(), ErrorCode::kNotFound);

  auto page1 = queue_->list_jobs(b.id, std::nullopt, 0, 2);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->items.size(), 2u);
  auto page2 = queue_->list_jobs(b.id, std::nullopt, page1->next_after, 2);
  auto page3 = queue_->list_jobs(b.id, std::nullopt, page2->next_after, 2);
  ASSERT_TRUE(page2.ok() && page3.ok());
  EXPECT_EQ(page2->items.size(), 2u);
  EXPECT_EQ(page3->items.size(), 1u);
  EXPECT_EQ(page3->next_after, 0);
  EXPECT_LT(page1->items[1].id, page2->items[0].id);
  auto received = queue_->list_jobs(b.id, JobState::kReceived, 0, 100);
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(received->items.size(), 2u);
  EXPECT_EQ(queue_->list_jobs(b.id, std::nullopt, 0, 0).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(JobQueueConformance, NewImagesOfAnAnalysedBatchGetAnalyzeJobs) {
  auto plain = queue_->create_batch(0, "plain");
  auto analysed = queue_->create_batch(0, "analysed", "offline://,openai://");
  ASSERT_TRUE(plain.ok() && analysed.ok()) << analysed.status();
  EXPECT_EQ(plain->analysis, "");
  EXPECT_EQ(analysed->analysis, "offline://,openai://");
  auto reread = queue_->get_batch(analysed->id);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->analysis, "offline://,openai://");
  EXPECT_EQ(
      queue_->create_batch(0, "x", std::string(5000, 'a')).status().code(),
      ErrorCode::kInvalidArgument);
  ASSERT_TRUE(queue_->add_jobs(plain->id, files("/p", 1)).ok());
  ASSERT_TRUE(queue_->add_jobs(analysed->id, files("/a", 2)).ok());

  // A process lease never hands out analyze jobs, and the other way round.
  LeaseOptions analyze = lease("a1", 10, std::nullopt);
  analyze.kind = JobKind::kAnalyze;
  auto none = queue_->lease_jobs(analyze);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  auto leased = queue_->lease_jobs(lease("w1", 10, std::nullopt));
  ASSERT_TRUE(leased.ok()) << leased.status();
  ASSERT_EQ(leased->size(), 3u);
  for (const Job& j : *leased) EXPECT_EQ(j.kind, JobKind::kProcess);

  // The plain batch's image gets no analysis; the analysed batch's new
  // image does; a duplicate (content already stored) does not.
  ASSERT_TRUE(queue_->complete_job((*leased)[0].id, "w1", outcome(1)).ok());
  ASSERT_TRUE(queue_->complete_job((*leased)[1].id, "w1", outcome(2)).ok());
  auto dup = queue_->complete_job((*leased)[2].id, "w1", outcome(2));
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_TRUE(dup->duplicate);
  auto plain_counts = queue_->job_counts(plain->id, 0, JobKind::kAnalyze);
  ASSERT_TRUE(plain_counts.ok());
  EXPECT_EQ(plain_counts->total(), 0);
  auto counts = queue_->job_counts(analysed->id, 0, JobKind::kAnalyze);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->received, 1);
  EXPECT_EQ(counts->total(), 1);
  auto files_counts = queue_->job_counts(analysed->id, 0, JobKind::kProcess);
  ASSERT_TRUE(files_counts.ok());
  EXPECT_EQ(files_counts->done, 1);
  EXPECT_EQ(files_counts->duplicate, 1);
  auto all = queue_->job_counts(analysed->id);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total(), 3);
  // The batch is not done while its analysis waits.
  ASSERT_TRUE(queue_->finish_receiving(analysed->id).ok());
  EXPECT_EQ(
      queue_->set_batch_state(analysed->id, BatchState::kDone).status().code(),
      ErrorCode::kConflict);
  // Receiving the same path again adds nothing (paths are per kind), and a
  // resume walks only the files.
  auto paths = queue_->job_source_paths(analysed->id);
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->size(), 2u);

  auto job = queue_->lease_jobs(analyze);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_EQ(job->size(), 1u);
  const Job& a = job->front();
  EXPECT_EQ(a.kind, JobKind::kAnalyze);
  EXPECT_EQ(a.source_path, (*leased)[1].source_path);
  EXPECT_EQ(a.sha256, (*leased)[1].sha256);
  auto made = queue_->get_job((*leased)[1].id);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(a.image_id, made->image_id);
  // An analyze job commits no image, and only its holder ends it.
  EXPECT_EQ(queue_->complete_job(a.id, "a1", outcome(3)).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(queue_->finish_job(a.id, "a2").status().code(),
            ErrorCode::kConflict);
  auto finished = queue_->finish_job(a.id, "a1");
  ASSERT_TRUE(finished.ok()) << finished.status();
  EXPECT_EQ(finished->state, JobState::kDone);
  EXPECT_EQ(finished->worker, "");
  EXPECT_EQ(queue_->finish_job(a.id, "a1").status().code(),
            ErrorCode::kConflict);
  auto done = queue_->set_batch_state(analysed->id, BatchState::kDone);
  ASSERT_TRUE(done.ok()) << done.status();
}

TEST_P(JobQueueConformance, RateLimitedAnalysesAreRetriedOnResume) {
  auto batch = queue_->create_batch(0, "analysed", "gemini://");
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE(queue_->add_jobs(batch->id, files("/a", 1)).ok());
  auto leased = queue_->lease_jobs(lease("w1", 1, batch->id));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  ASSERT_TRUE(queue_->complete_job(leased->front().id, "w1", outcome(4)).ok());
  LeaseOptions analyze = lease("a1", 1, batch->id);
  analyze.kind = JobKind::kAnalyze;
  auto job = queue_->lease_jobs(analyze);
  ASSERT_TRUE(job.ok() && job->size() == 1u);
  auto failed =
      queue_->fail_job(job->front().id, "a1",
                       rate_limited_error("gemini: slow down"), std::nullopt);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_EQ(failed->error.code(), ErrorCode::kRateLimited);
  auto retried = queue_->retry_failed_jobs(batch->id, true);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(*retried, 1);
  auto again = queue_->get_job(job->front().id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state, JobState::kReceived);
  EXPECT_EQ(again->kind, JobKind::kAnalyze);
}

// A URL job is received without its content; the worker that fetched it
// records its sha256 and size under its lease, once.
TEST_P(JobQueueConformance, TheLeaseHolderRecordsAJobsContentOnce) {
  auto batch = queue_->create_batch(0, "urls:lista.csv");
  ASSERT_TRUE(batch.ok()) << batch.status();
  JobInsert url = file("http://h/p/1.jpg");
  url.bytes = 0;
  auto added = queue_->add_jobs(batch->id, std::vector<JobInsert>{url});
  ASSERT_TRUE(added.ok()) << added.status();
  const RowId id = added->front().id;
  EXPECT_EQ(added->front().sha256, "");
  // Not leased yet: nobody may record it.
  EXPECT_EQ(queue_->set_job_content(id, "w1", sha(7), 4321).status().code(),
            ErrorCode::kConflict);
  auto leased = queue_->lease_jobs(lease("w1", 1, batch->id));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  EXPECT_EQ(queue_->set_job_content(id, "w2", sha(7), 4321).status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(queue_->set_job_content(id, "w1", "ABC", 4321).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      queue_->set_job_content(id, "w1", sha(7), 1ull << 60).status().code(),
      ErrorCode::kInvalidArgument);
  auto recorded = queue_->set_job_content(id, "w1", sha(7), 4321);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->sha256, sha(7));
  EXPECT_EQ(recorded->bytes, 4321u);
  EXPECT_EQ(recorded->state, JobState::kLeased);
  EXPECT_EQ(recorded->worker, "w1");
  // The same again changes nothing; other content is refused.
  EXPECT_TRUE(queue_->set_job_content(id, "w1", sha(7), 4321).ok());
  EXPECT_EQ(queue_->set_job_content(id, "w1", sha(8), 4321).status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(queue_->get_job(id)->sha256, sha(7));
  // It stays through a failure and its retry, and the job completes.
  ASSERT_TRUE(queue_
                  ->fail_job(id, "w1", unavailable_error("blob store down"),
                             now_ms() - 1)
                  .ok());
  auto again = queue_->lease_jobs(lease("w2", 1, batch->id));
  ASSERT_TRUE(again.ok() && again->size() == 1u);
  EXPECT_EQ(again->front().sha256, sha(7));
  EXPECT_EQ(again->front().bytes, 4321u);
  ASSERT_TRUE(queue_->complete_job(id, "w2", outcome(7)).ok());
  EXPECT_EQ(queue_->set_job_content(id, "w2", sha(7), 4321).status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(queue_->set_job_content(987654, "w2", sha(7), 1).status().code(),
            ErrorCode::kNotFound);
}

}  // namespace imagebank::testing
