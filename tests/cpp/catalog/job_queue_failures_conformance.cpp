// The JobQueue conformance suite, part two: failures (stored as their code
// and message), retries, releases of dead holders' leases, and the
// migrations of older databases. Helpers and fixture:
// job_queue_conformance.hpp.
#include <gtest/gtest.h>

#include "catalog/job_queue_conformance.hpp"
#include "imagebank/adapters/sql_catalog_store.hpp"

namespace imagebank::testing {

TEST_P(JobQueueConformance, ARetryWaitsUntilDueAndCountsAttempts) {
  const Batch b = batch_with(*queue_, "/retry", 1);
  auto leased = queue_->lease_jobs(lease("w1"));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  const RowId id = (*leased)[0].id;
  auto waiting =
      queue_->fail_job(id, "w1", io_error("read failed"), now_ms() + 60'000);
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  EXPECT_EQ(waiting->state, JobState::kReceived);
  EXPECT_EQ(waiting->worker, "");
  EXPECT_EQ(waiting->error, io_error("read failed"));
  EXPECT_TRUE(queue_->lease_jobs(lease("w1"))->empty()) << "not due yet";
  EXPECT_EQ(queue_->job_counts(b.id)->received, 1);

  EXPECT_EQ(queue_->fail_job(id, "w1", internal_error("x"), 0).status().code(),
            ErrorCode::kConflict)
      << "a job not leased cannot fail";
  auto waiting_jobs = queue_->list_jobs(b.id, JobState::kReceived, 0, 10);
  ASSERT_TRUE(waiting_jobs.ok());
  ASSERT_EQ(waiting_jobs->items.size(), 1u);
  EXPECT_EQ(waiting_jobs->items[0].attempts, 1);
  EXPECT_GT(waiting_jobs->items[0].lease_until_ms, now_ms());
}

TEST_P(JobQueueConformance, AFailedJobIsRetriedWhenDueOrFailsForGood) {
  const Batch b = batch_with(*queue_, "/f", 3);
  auto leased = queue_->lease_jobs(lease("w1", 3));
  ASSERT_TRUE(leased.ok() && leased->size() == 3u);
  // Retry at once (a time already past): leased again, a second attempt.
  auto retry = queue_->fail_job((*leased)[0].id, "w1",
                                unavailable_error("busy"), now_ms() - 1);
  ASSERT_TRUE(retry.ok()) << retry.status();
  auto next = queue_->lease_jobs(lease("w2"));
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].id, (*leased)[0].id);
  EXPECT_EQ((*next)[0].attempts, 2);
  EXPECT_EQ((*next)[0].worker, "w2");
  EXPECT_EQ(queue_
                ->fail_job((*leased)[0].id, "w1", internal_error("late"),
                           std::nullopt)
                .status()
                .code(),
            ErrorCode::kConflict)
      << "w1 lost that lease";

  // For good; a long message is cut at a character boundary, not refused.
  std::string long_message;
  while (long_message.size() < 5000) long_message += "ç";
  auto failed = queue_->fail_job((*leased)[1].id, "w1", io_error(long_message),
                                 std::nullopt);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_EQ(failed->worker, "");
  EXPECT_EQ(failed->error.code(), ErrorCode::kIoError);
  const std::string& kept = failed->error.message();
  EXPECT_LE(kept.size(), 4000u);
  EXPECT_GE(kept.size(), 3990u);
  EXPECT_EQ(kept, long_message.substr(0, kept.size()));
  EXPECT_EQ(queue_->fail_job((*leased)[2].id, "w1", Status(), std::nullopt)
                .status()
                .code(),
            ErrorCode::kInvalidArgument)
      << "a failure needs its error";
  auto bad = queue_->fail_job((*leased)[2].id, "w1",
                              corrupt_data_error("not a JPEG"), std::nullopt);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(queue_->fail_job(9999999, "w1", internal_error("x"), std::nullopt)
                .status()
                .code(),
            ErrorCode::kNotFound);

  // Not done while a job is open.
  auto early = queue_->set_batch_state(b.id, BatchState::kDone);
  EXPECT_EQ(early.status().code(), ErrorCode::kConflict) << early.status();
  // A resume retries what it may cure; a full retry takes the rest.
  auto some = queue_->retry_failed_jobs(b.id, true);
  ASSERT_TRUE(some.ok()) << some.status();
  EXPECT_EQ(*some, 1);
  auto revived = queue_->get_job((*leased)[1].id);
  EXPECT_EQ(revived->state, JobState::kReceived);
  EXPECT_EQ(revived->attempts, 0);
  EXPECT_TRUE(revived->error.ok()) << revived->error;
  EXPECT_EQ(queue_->get_job((*leased)[2].id)->state, JobState::kFailed);
  EXPECT_EQ(queue_->get_batch(b.id)->state, BatchState::kRunning);
  EXPECT_EQ(*queue_->retry_failed_jobs(b.id, false), 1);
  EXPECT_EQ(*queue_->retry_failed_jobs(b.id, false), 0);
  EXPECT_EQ(queue_->retry_failed_jobs(5555555, false).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(JobQueueConformance, AJobWhoseHoldersKeepDyingFails) {
  const Batch b = batch_with(*queue_, "/k", 1);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto got = queue_->lease_jobs(lease("w" + std::to_string(attempt)));
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->size(), 1u) << "attempt " << attempt;
    EXPECT_EQ((*got)[0].attempts, attempt);
    auto released =
        queue_->release_leases(now_ms(), "w" + std::to_string(attempt), 3);
    ASSERT_TRUE(released.ok()) << released.status();
    EXPECT_EQ(*released, 1);
  }
  auto page = queue_->list_jobs(b.id, std::nullopt, 0, 10);
  ASSERT_TRUE(page.ok() && page->items.size() == 1u);
  const Job& job = page->items[0];
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.error,
            internal_error("the worker holding this job stopped 3 times before "
                           "finishing it (crash, kill or hang)"));
  EXPECT_TRUE(queue_->lease_jobs(lease("w4"))->empty());
  EXPECT_EQ(*queue_->retry_failed_jobs(b.id, true), 0)
      << "not a failure a resume cures";
  EXPECT_EQ(queue_->release_leases(now_ms(), std::nullopt, 0).status().code(),
            ErrorCode::kInvalidArgument);
}

namespace {

// The statements that take a database of the latest schema back to
// `version`: each later migration undone, newest first.
std::vector<std::string> undo_migrations_after(int version) {
  std::vector<std::string> out;
  const auto add = [&](std::initializer_list<const char*> statements) {
    out.insert(out.end(), statements.begin(), statements.end());
  };
  if (version < 10) {  // PostgreSQL's byte-order index of a batch's paths
    add({"DROP INDEX IF EXISTS jobs_batch_path_bytes"});
  }
  if (version < 9) {  // the parts of a URL list
    add({"ALTER TABLE batches DROP COLUMN part",
         "ALTER TABLE batches DROP COLUMN group_id"});
  }
  if (version < 8) add({"DROP TABLE conflicts"});  // cross-SKU conflicts
  if (version < 7) {  // the decoding policy's record
    add({"ALTER TABLE images DROP COLUMN decode_tolerance"});
  }
  if (version < 6) {  // job kinds, a batch's analysis
    add({"DROP INDEX jobs_state_kind", "DROP INDEX jobs_batch_source",
         "CREATE UNIQUE INDEX jobs_batch_source ON jobs(batch_id, "
         "source_path)",
         "CREATE INDEX jobs_state_batch ON jobs(state, batch_id, id)",
         "ALTER TABLE jobs DROP COLUMN kind",
         "ALTER TABLE batches DROP COLUMN analysis"});
  }
  if (version < 5) {  // the analysis columns of ai_analyses
    add({"DROP INDEX ai_analyses_cache", "DROP INDEX ai_analyses_key"});
    for (const char* column :
         {"sha256", "schema_version", "garment_type", "style", "colors",
          "input_tokens", "output_tokens", "quality", "blurhash", "error_code",
          "error"}) {
      out.push_back(std::string("ALTER TABLE ai_analyses DROP COLUMN ") +
                    column);
    }
  }
  if (version < 4) add({"DROP TABLE api_keys"});
  if (version < 3) add({"ALTER TABLE jobs DROP COLUMN error_code"});
  if (version < 2) {
    add({"DROP TABLE near_duplicates", "DROP INDEX jobs_batch_source",
         "DROP INDEX jobs_state_batch", "ALTER TABLE jobs DROP COLUMN worker",
         "ALTER TABLE jobs DROP COLUMN source_path",
         "ALTER TABLE batches DROP COLUMN receiving"});
  }
  out.push_back("DELETE FROM schema_version WHERE version > " +
                std::to_string(version));
  return out;
}

}  // namespace

// A database made by the first release (schema version 1) is migrated when
// opened: batches keep receiving, old jobs get a source_path of their own.
TEST_P(JobQueueConformance, MigratesAVersionOneDatabase) {
  queue_.reset();
  catalog_.reset();
  for (const std::string& statement : undo_migrations_after(1)) {
    db_.exec(statement);
  }
  for (const char* statement : {
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
  auto store = reopen();
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*store->catalog->schema_version(), latest_catalog_schema_version());
  auto batches = store->queue->list_batches();
  ASSERT_TRUE(batches.ok()) << batches.status();
  ASSERT_EQ(batches->size(), 1u);
  EXPECT_TRUE((*batches)[0].receiving);
  auto paths = store->queue->job_source_paths((*batches)[0].id);
  ASSERT_TRUE(paths.ok()) << paths.status();
  ASSERT_EQ(paths->size(), 2u);
  EXPECT_NE((*paths)[0], (*paths)[1]);
  auto leased = store->queue->lease_jobs(lease("w1", 5));
  ASSERT_TRUE(leased.ok()) << leased.status();
  EXPECT_EQ(leased->size(), 2u);
}

// What a retry decides reads the stored code, never the message: a message
// that merely starts like a storage failure is not one.
TEST_P(JobQueueConformance, RetriesReadTheCodeNotTheMessage) {
  const Batch b = batch_with(*queue_, "/codes", 5);
  ASSERT_TRUE(queue_->finish_receiving(b.id).ok());
  auto leased = queue_->lease_jobs(lease("w1", 5));
  ASSERT_TRUE(leased.ok() && leased->size() == 5u);
  const Status failures[] = {
      io_error("/codes/00000.jpg: no space left on device"),
      unavailable_error("the bucket is unreachable"),
      corrupt_data_error("io_error: a message is not a code"),
      deadline_exceeded_error(
          "decode took longer than the deadline of 10000 ms"),
      Status(ErrorCode::kInternal, ""),
  };
  for (std::size_t i = 0; i < 5; ++i) {
    auto failed =
        queue_->fail_job((*leased)[i].id, "w1", failures[i], std::nullopt);
    ASSERT_TRUE(failed.ok()) << failed.status();
    EXPECT_EQ(failed->error, failures[i]) << "stored as its code and message";
    EXPECT_EQ(*queue_->get_job((*leased)[i].id), *failed);
  }
  auto page = queue_->list_jobs(b.id, JobState::kFailed, 0, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 5u);

  // A resume re-queues the storage failures only; deadline_exceeded stays
  // failed (its worker already retried it), as does the rest.
  EXPECT_EQ(*queue_->retry_failed_jobs(b.id, true), 2);
  for (std::size_t i = 0; i < 5; ++i) {
    auto job = queue_->get_job((*leased)[i].id);
    ASSERT_TRUE(job.ok());
    EXPECT_EQ(job->state, i < 2 ? JobState::kReceived : JobState::kFailed)
        << failures[i];
    EXPECT_EQ(job->error.ok(), i < 2) << job->error;
  }
  EXPECT_EQ(*queue_->retry_failed_jobs(b.id, false), 3);
}

// Version 2 kept a failure as one text, "<code>: <message>". Opening it
// splits that into the code and the message; a text without a known code
// is kept whole as an internal error.
TEST_P(JobQueueConformance, MigratesFailureTextsToCodeAndMessage) {
  const Batch b = batch_with(*queue_, "/m", 7);
  queue_.reset();
  catalog_.reset();
  for (const std::string& statement : undo_migrations_after(2)) {
    db_.exec(statement);
  }
  for (const char* statement : {
           "UPDATE jobs SET state = 'failed', attempts = 1, error = "
           "'io_error: /m/00000.jpg: disk full' WHERE source_path = "
           "'/m/00000.jpg'",
           "UPDATE jobs SET state = 'failed', attempts = 3, error = "
           "'limit_exceeded: /m/00001.jpg: decode took longer than the "
           "deadline of 10000 ms' WHERE source_path = '/m/00001.jpg'",
           "UPDATE jobs SET state = 'failed', attempts = 3, error = "
           "'internal: the worker holding this job stopped 3 times' WHERE "
           "source_path = '/m/00002.jpg'",
           "UPDATE jobs SET state = 'failed', attempts = 1, error = 'no code: "
           "at all' WHERE source_path = '/m/00003.jpg'",
           "UPDATE jobs SET attempts = 1, error = 'unavailable: busy' WHERE "
           "source_path = '/m/00004.jpg'",
           "UPDATE jobs SET state = 'failed', error = 'corrupt_data: "
           "/m/00006.jpg: the file is empty' WHERE source_path = "
           "'/m/00006.jpg'",
       }) {
    db_.exec(statement);
  }
  auto store = reopen();
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*store->catalog->schema_version(), latest_catalog_schema_version());
  auto page = store->queue->list_jobs(b.id, std::nullopt, 0, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 7u);
  const Status expected[] = {
      io_error("/m/00000.jpg: disk full"),
      limit_exceeded_error(
          "/m/00001.jpg: decode took longer than the deadline of 10000 ms"),
      internal_error("the worker holding this job stopped 3 times"),
      internal_error("no code: at all"),
      unavailable_error("busy"),
      Status(),
      corrupt_data_error("/m/00006.jpg: the file is empty"),
  };
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_EQ(page->items[i].error, expected[i]) << page->items[i].source_path;
  }
  // The storage failure is what a resume re-queues; the file refused at
  // receive (never leased) stays failed.
  EXPECT_EQ(*store->queue->retry_failed_jobs(b.id, true), 1);
  EXPECT_EQ(store->queue->get_job(page->items[0].id)->state,
            JobState::kReceived);
  EXPECT_EQ(store->queue->get_job(page->items[6].id)->state, JobState::kFailed);
}

}  // namespace imagebank::testing
