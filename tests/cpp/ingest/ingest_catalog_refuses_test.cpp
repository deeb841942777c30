// A catalog that stops accepting writes while a job is in hand (its disk
// turned read-only): the job's end cannot be recorded, nor its lease
// released. The run must stop by itself with the reason, and go on once the
// catalog takes writes again. (tests/python/test_faults.py does the same to
// the CLI with failed system calls.)
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

// Forwards to a real queue; while `refuse` is set, the writes that end,
// renew or release jobs fail with io_error.
class RefusingQueue final : public JobQueue {
 public:
  explicit RefusingQueue(std::shared_ptr<JobQueue> inner)
      : inner_(std::move(inner)) {}
  std::atomic<bool> refuse{false};
  // Set `refuse` when the first job is about to be completed.
  std::atomic<bool> refuse_from_first_commit{false};
  std::atomic<int> refused{0};

  Result<Batch> create_batch(RowId collection_id, std::string_view source,
                             std::string_view analysis) override {
    return inner_->create_batch(collection_id, source, analysis);
  }
  Result<Batch> get_batch(RowId id) override { return inner_->get_batch(id); }
  Result<std::vector<Batch>> list_batches() override {
    return inner_->list_batches();
  }
  Result<Batch> set_batch_state(RowId id, BatchState state) override {
    return inner_->set_batch_state(id, state);
  }
  Result<Batch> finish_receiving(RowId id) override {
    return inner_->finish_receiving(id);
  }
  Result<Batch> link_batch(RowId id, RowId group_id, int part) override {
    return inner_->link_batch(id, group_id, part);
  }
  Result<std::vector<Job>> add_jobs(RowId batch_id,
                                    std::span<const JobInsert> jobs) override {
    return inner_->add_jobs(batch_id, jobs);
  }
  Result<std::vector<std::string>> job_source_paths(RowId batch_id) override {
    return inner_->job_source_paths(batch_id);
  }
  Result<std::vector<std::string>> list_source_paths(
      RowId batch_id, std::string_view after, std::size_t limit) override {
    return inner_->list_source_paths(batch_id, after, limit);
  }
  Result<Job> get_job(RowId id) override { return inner_->get_job(id); }
  Result<Job> set_job_content(RowId job_id, std::string_view worker,
                              std::string_view sha256,
                              std::uint64_t bytes) override {
    return inner_->set_job_content(job_id, worker, sha256, bytes);
  }
  Result<Page<Job>> list_jobs(RowId batch_id, std::optional<JobState> state,
                              RowId after_id, std::size_t limit) override {
    return inner_->list_jobs(batch_id, state, after_id, limit);
  }
  Result<std::vector<Job>> lease_jobs(const LeaseOptions& options) override {
    return inner_->lease_jobs(options);
  }
  Result<std::int64_t> renew_leases(std::string_view worker,
                                    std::span<const RowId> job_ids,
                                    std::int64_t lease_ms) override {
    if (refuse) return refusal("renew_leases");
    return inner_->renew_leases(worker, job_ids, lease_ms);
  }
  Result<ImageInsert> complete_job(RowId job_id, std::string_view worker,
                                   const JobOutcome& outcome) override {
    if (refuse_from_first_commit.exchange(false)) refuse = true;
    if (refuse) return refusal("complete_job");
    return inner_->complete_job(job_id, worker, outcome);
  }
  Result<Job> finish_job(RowId job_id, std::string_view worker) override {
    if (refuse) return refusal("finish_job");
    return inner_->finish_job(job_id, worker);
  }
  Result<Job> fail_job(RowId job_id, std::string_view worker,
                       const Status& error,
                       std::optional<std::int64_t> retry_at_ms) override {
    if (refuse) return refusal("fail_job");
    return inner_->fail_job(job_id, worker, error, retry_at_ms);
  }
  Result<std::int64_t> release_leases(std::int64_t now_ms,
                                      std::optional<std::string> worker,
                                      int max_attempts) override {
    if (refuse) return refusal("release_leases");
    return inner_->release_leases(now_ms, std::move(worker), max_attempts);
  }
  Result<std::vector<std::string>> lease_holders() override {
    return inner_->lease_holders();
  }
  Result<std::int64_t> retry_failed_jobs(RowId batch_id,
                                         bool only_retryable) override {
    return inner_->retry_failed_jobs(batch_id, only_retryable);
  }
  Result<JobCounts> job_counts(RowId batch_id, std::int64_t since_ms,
                               std::optional<JobKind> kind) override {
    return inner_->job_counts(batch_id, since_ms, kind);
  }

 private:
  Status refusal(const char* what) {
    ++refused;
    return io_error(std::string("sqlite:///bank.db: ") + what +
                    ": attempt to write a readonly database (injected)");
  }
  std::shared_ptr<JobQueue> inner_;
};

TEST(IngestCatalogRefuses, RunStopsInsteadOfWaitingForAJobItCouldNotEnd) {
  ScratchDir scratch;
  const auto photos = scratch.path() / "photos";
  write_bytes(photos / "A1_FRENTE.jpg",
              synthetic_photo(11, 320, 240, Format::kJpeg, 90, 0));
  auto db =
      open_catalog_store("sqlite://" + (scratch.path() / "bank.db").string());
  ASSERT_TRUE(db.ok()) << db.status();
  std::shared_ptr<CatalogDatabase> shared = std::move(*db);
  auto refusing = std::make_shared<RefusingQueue>(shared);
  auto blobs = open_blob_store("file://" + (scratch.path() / "files").string());
  ASSERT_TRUE(blobs.ok()) << blobs.status();
  Bank bank(shared, refusing, std::move(*blobs));

  IngestOptions o = quick_options();
  o.workers = 1;
  // Longer than the test: the lease must not simply run out.
  o.lease = std::chrono::minutes(10);
  o.max_storage_failures = 3;
  auto ingestor = bank.ingestor(o);
  ASSERT_TRUE(ingestor.ok()) << ingestor.status();
  const std::vector<std::filesystem::path> paths = {photos};
  auto batch = (*ingestor)->enqueue(paths);
  ASSERT_TRUE(batch.ok()) << batch.status();

  refusing->refuse_from_first_commit = true;
  auto run = std::async(std::launch::async,
                        [&] { return (*ingestor)->resume(batch->id); });
  if (run.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    (*ingestor)->stop();
    run.wait();
    FAIL() << "the run kept waiting for the job whose end the catalog refused";
  }
  const Result<Batch> stopped = run.get();
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.status().code(), ErrorCode::kUnavailable)
      << stopped.status();
  EXPECT_NE(stopped.status().message().find("the catalog keeps failing"),
            std::string::npos)
      << stopped.status();
  EXPECT_NE(stopped.status().message().find("readonly"), std::string::npos)
      << stopped.status();
  EXPECT_GE(refusing->refused.load(), 3);

  // Writable again: the same Ingestor releases its job and finishes.
  refusing->refuse = false;
  auto resumed = (*ingestor)->resume(batch->id);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  auto done = bank.jobs().list_jobs(batch->id, JobState::kDone, 0, 10);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->items.size(), 1u);
}

}  // namespace
}  // namespace imagebank::testing
