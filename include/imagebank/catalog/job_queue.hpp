// JobQueue: the ingest queue — batches of received files, their jobs, and
// the leases workers hold on them (jobs.hpp holds the rows and states).
//
// Adapters: the SQL databases (open_sqlite_catalog, open_postgresql_catalog
// in imagebank/adapters/sql_catalog_store.hpp, or Bank::open) keep the queue
// beside the catalog, in one object that is both a CatalogStore and a
// JobQueue (CatalogDatabase): complete_job writes the job's image into that
// catalog in the transaction that ends the job.
//
// Every method is one transaction: it happens whole or not at all. Errors:
// `not_found` (no such batch or job), `conflict` (a state move that is not
// allowed, or a lease the caller no longer holds; nothing is written),
// `invalid_argument` (malformed values; nothing written), `unavailable`
// (the database cannot be reached or stayed locked past the busy timeout;
// retrying may succeed), `io_error` (disk full, I/O failure),
// `corrupt_data` (a damaged database).
//
// Leases: a job is leased to one named holder at a time, never two; every
// end of a job (complete_job, fail_job) checks the holder, so a worker whose
// lease expired and was taken over writes nothing.
//
// Threading: every method may be called concurrently from several threads on
// one instance. Several processes may share one queue (on SQLite, one process
// should run workers). Instances are not copyable; the caller owns the queue
// and keeps it alive while it is used.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/jobs.hpp"
#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank {

class JobQueue {
 public:
  JobQueue() = default;
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;
  virtual ~JobQueue() = default;

  // --- batches ---
  // A new batch, queued and receiving. collection_id 0 = no collection.
  // `analysis` (Batch::analysis): the analyzers that describe its new
  // images; empty for none.
  virtual Result<Batch> create_batch(RowId collection_id,
                                     std::string_view source,
                                     std::string_view analysis = {}) = 0;
  virtual Result<Batch> get_batch(RowId id) = 0;
  // Every batch, by id.
  virtual Result<std::vector<Batch>> list_batches() = 0;
  // Moves a batch to `state` (conflict when the move is not allowed: a done
  // or cancelled batch stays so; done only once every file is received and
  // no job is received or leased). Staying in the same state is a no-op.
  // Cancelling cancels its received jobs; leased ones finish or fail
  // normally (a retry of theirs is cancelled).
  virtual Result<Batch> set_batch_state(RowId id, BatchState state) = 0;
  // Every file of the batch has a job: the batch is done once they are.
  virtual Result<Batch> finish_receiving(RowId id) = 0;
  // Files the batch as part `part` (>= 1) of the group `group_id` (an
  // existing batch: the group's first part, possibly `id` itself).
  // invalid_argument for part < 1; not_found for either batch.
  virtual Result<Batch> link_batch(RowId id, RowId group_id, int part) = 0;

  // --- jobs ---
  // Adds received files as process jobs (state received, duplicate with
  // image_id, or failed with its error); a source_path the batch already has is
  // kept as it was. Returns the stored jobs in input order. conflict when the
  // batch is done or cancelled.
  virtual Result<std::vector<Job>> add_jobs(
      RowId batch_id, std::span<const JobInsert> jobs) = 0;
  // The source paths of the batch's process jobs, in id order.
  virtual Result<std::vector<std::string>> job_source_paths(RowId batch_id) = 0;
  // Up to `limit` (1..100000) source paths of the batch's process jobs that
  // sort after `after`, in byte order (memcmp of their UTF-8, whatever the
  // database's collation): a receive step merges them with the files it
  // finds, a page at a time, instead of holding every path of a big batch.
  virtual Result<std::vector<std::string>> list_source_paths(
      RowId batch_id, std::string_view after, std::size_t limit) = 0;
  virtual Result<Job> get_job(RowId id) = 0;
  // The batch's jobs (of one state, or all) with id > after_id, in id order;
  // limit 1..10000.
  virtual Result<Page<Job>> list_jobs(RowId batch_id,
                                      std::optional<JobState> state,
                                      RowId after_id, std::size_t limit) = 0;

  // The content of a leased process job's file, found only once the job
  // ran (a URL-list job: its bytes are fetched by the worker): its SHA-256
  // (64 lowercase hex digits) and size, recorded as add_jobs records a
  // folder's file. Recording the same values again is a no-op. conflict
  // when `worker` no longer holds the lease, or the job already has
  // another sha256; invalid_argument for a malformed sha256 or bytes.
  virtual Result<Job> set_job_content(RowId job_id, std::string_view worker,
                                      std::string_view sha256,
                                      std::uint64_t bytes) = 0;

  // --- leases ---
  // Lease times are kept on the queue's clock (PostgreSQL: the database
  // server's), so workers whose machines' clocks disagree agree on when a
  // lease ends. Times a caller passes (fail_job's retry_at_ms,
  // release_leases' now_ms) are on the caller's clock: the queue moves them
  // onto its own by the caller's current distance from it.
  // Leases up to max_jobs received jobs of options.kind that are due
  // (lease_until_ms has passed) from runnable batches, counting an attempt
  // on each. Concurrent
  // callers never get the same job (PostgreSQL: they skip each other's rows
  // with FOR UPDATE SKIP LOCKED). A queued batch becomes running.
  virtual Result<std::vector<Job>> lease_jobs(const LeaseOptions& options) = 0;
  // Extends the leases `worker` still holds among `job_ids`; returns how
  // many it holds.
  virtual Result<std::int64_t> renew_leases(std::string_view worker,
                                            std::span<const RowId> job_ids,
                                            std::int64_t lease_ms) = 0;
  // Ends a leased job: inserts its image into the catalog (or finds the
  // existing one with that sha256: the job is then a duplicate), records
  // variants and near-duplicates of a new image, queues an analyze job for
  // a new image when the batch has `analysis`, and marks the job, all in
  // one transaction. conflict when `worker` no longer holds the lease
  // (nothing is written); invalid_argument for a job that is not a process
  // job.
  virtual Result<ImageInsert> complete_job(RowId job_id,
                                           std::string_view worker,
                                           const JobOutcome& outcome) = 0;
  // Ends a leased job that commits nothing of its own (an analyze job: its
  // answer is stored, idempotently, before) as done. conflict when `worker`
  // no longer holds the lease.
  virtual Result<Job> finish_job(RowId job_id, std::string_view worker) = 0;
  // A leased job failed with `error` (not OK; stored as its code and its
  // message). retry_at_ms set: it waits (received) until then; nullopt: it
  // is failed for good. conflict when `worker` no longer holds the lease.
  // Whether to retry is the caller's choice (ingest's: ingest/ingest.hpp).
  virtual Result<Job> fail_job(RowId job_id, std::string_view worker,
                               const Status& error,
                               std::optional<std::int64_t> retry_at_ms) = 0;
  // Leases that expired before `now_ms` (the caller's clock: pass its
  // current time, or a later one to release what will have expired by
  // then) (or, with `worker`, every lease of
  // that dead holder) go back to received, or to failed (`internal`: the
  // file itself may be what kills its workers) once they used max_attempts.
  // Returns how many were released.
  virtual Result<std::int64_t> release_leases(std::int64_t now_ms,
                                              std::optional<std::string> worker,
                                              int max_attempts) = 0;
  // The distinct holders of current leases.
  virtual Result<std::vector<std::string>> lease_holders() = 0;
  // Failed jobs of the batch go back to received with no attempts used and
  // their error cleared. only_retryable: only those whose error code says a
  // resume may cure them — io_error and unavailable (the storage, or an
  // analyzer that was down), rate_limited (an analyzer's). Not
  // deadline_exceeded: the worker already retried it max_attempts times, so
  // it stays failed until retried on purpose (only_retryable false). Files
  // refused when they were received (never leased) stay failed. A done
  // batch with re-queued jobs becomes running. Returns how many; conflict
  // for a cancelled batch.
  virtual Result<std::int64_t> retry_failed_jobs(RowId batch_id,
                                                 bool only_retryable) = 0;
  // The batch's jobs (of one kind, or all) by state; finished_since counts
  // those that finished at or after since_ms.
  virtual Result<JobCounts> job_counts(
      RowId batch_id, std::int64_t since_ms = 0,
      std::optional<JobKind> kind = std::nullopt) = 0;
};

}  // namespace imagebank
