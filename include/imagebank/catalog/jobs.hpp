// The ingest queue's rows as the CatalogStore keeps them: what a receive step
// hands over (JobInsert), what a lease asks for (LeaseOptions), what a
// finished job commits (JobOutcome) and the counts a progress report reads.
//
// Job states: received → leased → done | duplicate | failed, and back to
// received when a lease expires or a retryable failure waits for its next
// attempt; received → cancelled when the batch is cancelled. Batch states:
// queued → running → done (once finished), paused ⇄ queued/running, any but
// done → cancelled; done → running only when retry_failed_jobs re-queues.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/types.hpp"

namespace imagebank {

inline constexpr std::string_view kJobReceived = "received";
inline constexpr std::string_view kJobLeased = "leased";
inline constexpr std::string_view kJobDone = "done";
inline constexpr std::string_view kJobDuplicate = "duplicate";
inline constexpr std::string_view kJobFailed = "failed";
inline constexpr std::string_view kJobCancelled = "cancelled";

inline constexpr std::string_view kBatchQueued = "queued";
inline constexpr std::string_view kBatchRunning = "running";
inline constexpr std::string_view kBatchPaused = "paused";
inline constexpr std::string_view kBatchDone = "done";
inline constexpr std::string_view kBatchCancelled = "cancelled";

// One received file. `source_path` is unique within its batch: a receive
// step that resumes after a crash skips the paths already there.
struct JobInsert {
  std::string source_path;
  std::string original_name;  // the file name as uploaded
  std::string sha256;         // empty when the file could not be read
  std::uint64_t bytes = 0;
  // kJobReceived (to process), kJobDuplicate (image_id set: the content is
  // already in the bank) or kJobFailed (refused at receive; error set).
  std::string state = std::string(kJobReceived);
  std::string error;
  std::optional<RowId> image_id;
};

struct LeaseOptions {
  std::string worker;  // the lease holder ("host:pid:nonce"); required
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

}  // namespace imagebank
