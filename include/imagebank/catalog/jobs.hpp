// The ingest queue's rows as a JobQueue keeps them: batches and their jobs
// with their states, what a receive step hands over (JobInsert), what a lease
// asks for (LeaseOptions), what a finished job commits (JobOutcome) and the
// counts a progress report reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/conflicts.hpp"
#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank {

// A job's way: received → leased → done | duplicate | failed, and back to
// received when a lease expires or a retryable failure waits for its next
// attempt; received → cancelled when its batch is cancelled. Stored as the
// names below.
enum class JobState : int {
  kReceived = 0,
  kLeased,
  kDone,
  kDuplicate,
  kFailed,
  kCancelled,
};
// "received", "leased", "done", "duplicate", "failed", "cancelled".
std::string_view job_state_name(JobState state) noexcept;
// invalid_argument for any other name.
Result<JobState> parse_job_state(std::string_view name);

// What a job does. A process job takes one received file through decode,
// hashes, matching and variants to an image; an analyze job describes the
// image a process job made with the batch's vision analyzers (queued by
// complete_job when the batch asks for analysis). Each kind is leased on its
// own, so analyzers that are down never hold variants back. Stored as the
// names below.
enum class JobKind : int {
  kProcess = 0,
  kAnalyze,
};
// "process", "analyze".
std::string_view job_kind_name(JobKind kind) noexcept;
// invalid_argument for any other name.
Result<JobKind> parse_job_kind(std::string_view name);

// A batch's way: queued → running → done (once finished), paused ⇄
// queued/running, any but done → cancelled; done → running only when
// retry_failed_jobs re-queues. Stored as the names below.
enum class BatchState : int {
  kQueued = 0,
  kRunning,
  kPaused,
  kDone,
  kCancelled,
};
// "queued", "running", "paused", "done", "cancelled".
std::string_view batch_state_name(BatchState state) noexcept;
// invalid_argument for any other name.
Result<BatchState> parse_batch_state(std::string_view name);

// An ingest batch (one upload of a collection) and its per-file jobs. The
// ingest module drives their states; the queue only stores them.
struct Batch {
  RowId id = 0;
  RowId collection_id = 0;
  BatchState state = BatchState::kQueued;
  // Where the files came from: the paths given, one per line (at most
  // 16 MiB); a receive step that resumes walks them again.
  std::string source;
  // Files are still being received (set until finish_receiving).
  bool receiving = true;
  // The vision analyzers that describe the batch's new images, as a front
  // end names them (URIs, comma-separated; at most 4 KiB); empty: no
  // analysis. Each image a process job adds to the bank gets an analyze job.
  std::string analysis;
  // The parts of one URL list (ingest/url_list.hpp) share a group: the id
  // of the first part (0 for a batch alone); `part` counts from 1 (0 alone).
  RowId group_id = 0;
  int part = 0;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  friend bool operator==(const Batch&, const Batch&) = default;
};

struct Job {
  RowId id = 0;
  RowId batch_id = 0;
  JobKind kind = JobKind::kProcess;
  std::string original_name;
  std::string sha256;
  std::uint64_t bytes = 0;
  // Unique in the batch per kind: an analyze job has its process job's path.
  std::string source_path;
  JobState state = JobState::kReceived;
  int attempts = 0;
  std::string worker;  // the lease holder while leased
  std::int64_t lease_until_ms = 0;
  // Why it failed (its code and message, which names the file): set when
  // failed, and while received waiting for a retry; OK otherwise.
  Status error;
  // The image made (process) or to describe (analyze; set from the start).
  std::optional<RowId> image_id;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  friend bool operator==(const Job&, const Job&) = default;
};

// One received file. `source_path` is unique within its batch: a receive
// step that resumes after a crash skips the paths already there.
struct JobInsert {
  std::string source_path;
  std::string original_name;  // the file name as uploaded
  std::string sha256;         // empty when the file could not be read
  std::uint64_t bytes = 0;
  // kReceived (to process), kDuplicate (image_id set: the content is
  // already in the bank) or kFailed (refused at receive; error set).
  JobState state = JobState::kReceived;
  Status error;
  std::optional<RowId> image_id;
  // A duplicate filed under another SKU than image_id's: recorded with the
  // job (conflicts.hpp).
  std::vector<ConflictFinding> conflicts;
};

struct LeaseOptions {
  std::string worker;  // the lease holder ("host:pid:nonce"); required
  JobKind kind = JobKind::kProcess;  // only jobs of this kind
  std::size_t max_jobs = 1;
  std::int64_t lease_ms = 5 * 60 * 1000;
  // Only jobs of this batch; else any batch that is queued or running,
  // oldest batch first (the multi-batch queue), oldest job first.
  std::optional<RowId> batch_id;
};

// A near-duplicate found for review: `image_id` looks like `other_image_id`.
struct NearDuplicate {
  RowId image_id = 0;
  RowId other_image_id = 0;
  int distance = 0;
  std::string algorithm = "phash";
  friend bool operator==(const NearDuplicate&, const NearDuplicate&) = default;
};

// What a processed job commits, in one transaction with the job's end.
struct JobOutcome {
  ImageRecord image;
  std::vector<VariantRecord> variants;  // image_id is set by the store
  // image_id is set by the store; other_image_id must exist.
  std::vector<NearDuplicate> near_duplicates;
  // Cross-SKU conflicts of this file (conflicts.hpp), recorded in the same
  // transaction, for a new image and for a duplicate alike.
  std::vector<ConflictFinding> conflicts;
};

struct JobCounts {
  std::int64_t received = 0;  // waiting (including retries not yet due)
  std::int64_t leased = 0;
  std::int64_t done = 0;
  std::int64_t duplicate = 0;
  std::int64_t failed = 0;
  std::int64_t cancelled = 0;
  // Jobs that reached done, duplicate or failed at or after `since_ms`.
  std::int64_t finished_since = 0;
  std::int64_t total() const noexcept {
    return received + leased + done + duplicate + failed + cancelled;
  }
  std::int64_t open() const noexcept { return received + leased; }
  friend bool operator==(const JobCounts&, const JobCounts&) = default;
};

// A light row for rebuilding a near-duplicate index: id and pHash.
struct ImageHashRow {
  RowId id = 0;
  std::uint64_t phash = 0;
};

// An object a catalog row names: its key and the size, and for a picture
// the pixel size, the row records.
struct BlobRef {
  std::string key;
  std::uint64_t bytes = 0;
  int width = 0;
  int height = 0;
};

// The objects one image row names (its original and its variants): what
// the integrity check compares with the blob store.
struct ImageBlobs {
  RowId id = 0;
  std::string sha256;
  BlobRef original;
  std::vector<BlobRef> variants;  // in key order
};

}  // namespace imagebank
