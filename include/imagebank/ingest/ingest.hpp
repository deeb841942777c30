// Ingest: crash-proof, resumable batches of photos into a bank.
//
// Two phases, both idempotent:
// - receive: every file of the batch's paths is read once, its SHA-256
//   computed on the way, stored as the original (content-addressed, atomic)
//   and recorded as a job; a file counts as received only once its job row is
//   committed. Content already in the bank becomes a `duplicate` job at once.
//   A receive step that resumes skips the paths the batch already has.
// - process: workers lease jobs (with an expiry, renewed while they work)
//   and run decode → hashes → exact and near duplicate check → SKU parse and
//   Carteira match → variants → blobs → one catalog transaction that stores
//   the image, its variants, its near-duplicate flags and ends the job. Every
//   key is derived from the content SHA-256, so a run that died is redone
//   from its last committed step without duplicating anything.
// A file that cannot be processed (corrupt_data, unsupported_format,
// limit_exceeded, invalid_argument, not_found) fails at once with the
// reason; any other failure — of the storage (io_error, unavailable), or a
// decode that ran out of its deadline (deadline_exceeded: a less busy
// machine may finish it) — is retried with exponential backoff and jitter,
// and is failed after max_attempts. A resume re-queues only the storage
// failures (JobQueue::retry_failed_jobs); a deadline that ran out
// max_attempts times is retried on purpose (Bank::retry_failed). A watchdog
// releases the jobs of workers that died.
//
// Threading: an Ingestor may be used from several threads; stop() may be
// called from any thread (a signal handler should set a flag and call it from
// a normal thread). Several processes may run workers on one PostgreSQL
// catalog and one shared BlobStore; on SQLite run one process.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/catalog/image_fetcher.hpp"
#include "imagebank/catalog/job_queue.hpp"
#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/ingest/url_list.hpp"
#include "imagebank/ingest/vision_chain.hpp"
#include "imagebank/variants/variants.hpp"

namespace imagebank {

// A snapshot of a batch, as progress callbacks and `batch status` see it.
struct BatchProgress {
  Batch batch;
  JobCounts counts;              // the files (process jobs)
  JobCounts analysis;            // analyses of its new images (analyze jobs)
  std::int64_t files_found = 0;  // by this process's receive step (its walk)
  double rate = 0;               // files finished per second over the last 30 s
  std::optional<double> eta_seconds;  // unknown while nothing has finished
  // Since this process started on it (batch_progress(): since created).
  std::int64_t elapsed_ms = 0;
  std::string last_error;  // "<file>: <code>: <message>" of the latest failure
  std::int64_t at_ms = 0;
};
using ProgressCallback = std::function<void(const BatchProgress&)>;

struct IngestOptions {
  // The collection photos are matched against (its Carteira's SKUs). Created
  // when `brand` is given and it does not exist; empty = no collection (every
  // photo is kept unmatched).
  std::string collection;
  std::string brand;
  std::string season;

  std::size_t workers = 0;  // processing threads; 0 = one per core
  int max_attempts = 3;
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  std::chrono::milliseconds retry_delay{std::chrono::seconds(2)};  // doubles
  // Stop (the batch stays resumable) after this many storage failures in a
  // row: a full disk or a lost bucket fails every job alike.
  int max_storage_failures = 8;
  int near_radius = 5;  // pHash Hamming radius of near duplicates; -1: off

  std::vector<Preset> presets = default_presets();
  std::vector<Format> formats = {Format::kAvif, Format::kWebp, Format::kJpeg};
  Limits limits;

  ProgressCallback progress;
  std::chrono::milliseconds progress_interval{500};
  // Who holds leases; empty = "<host>:<pid>:<random>".
  std::string worker_name;

  // The analysis stage: each new image of a batch made with `analysis.chain`
  // set gets an analyze job (JobKind::kAnalyze), leased apart from the files
  // by analysis.workers threads of its own, so an analyzer that is down
  // never holds the variants back. A failed analysis is retried like a
  // storage failure when the analyzer may answer later (unavailable,
  // rate_limited after its Retry-After, deadline_exceeded), else failed with
  // its reason; the image stays where it was. An Ingestor without a chain
  // leaves analyze jobs waiting: the batch stays running until one with a
  // chain (Bank::resume opens the batch's own) finishes them.
  struct Analysis {
    std::shared_ptr<VisionChain> chain;  // null: no analysis stage
    // What new batches record as Batch::analysis (the analyzers' URIs,
    // comma-separated); empty: the chain's "provider:model" list.
    std::string label;
    VisionRequest request;
    std::size_t workers = 2;  // analyze jobs in flight at once: 1..64
  } analysis;

  // Where URL-list batches get their images (Bank wires the shared HTTP
  // client's SSRF-safe fetcher); null: their jobs wait (failed as
  // unavailable, retried on resume) for an Ingestor that has one.
  std::shared_ptr<ImageFetcher> fetcher;
};

// The one check of ingest options, which Ingestor::create runs and front
// ends may run early: invalid_argument naming the first option out of range
// (max_attempts 1..100, lease 0.2 s..7 days, retry_delay 0..1 day,
// progress_interval 10 ms..1 h, max_storage_failures >= 1, near_radius
// -1..HashIndex::kMaxRadius64, at least one preset and one format, each
// usable, analysis.workers 1..64, analysis.request's schema_version >= 1,
// analysis.label at most 4 KiB). The collection, brand and paths are checked
// when a batch is made.
[[nodiscard]] Status validate(const IngestOptions& options);

// The variant formats of a list such as "avif,webp,jpeg" (format_name()'s
// names, "jpg" for jpeg; empty items skipped), in the order given.
// invalid_argument naming the first name that is not a format variants can
// be made in. An empty list gives no formats (validate() refuses that).
[[nodiscard]] Result<std::vector<Format>> parse_formats(std::string_view list);
[[nodiscard]] Result<std::vector<Format>> parse_formats(
    std::span<const std::string> names);

// Where an upload batch files its photos (IngestOptions' fields of the same
// names, per batch).
struct UploadTarget {
  std::string collection;
  std::string brand;
  std::string season;
};

// A client's file name as receive_upload keeps it: Latin-1 becomes UTF-8,
// backslashes '/', leading '/' are dropped; invalid_argument for an empty
// name, one longer than 1 KiB, a control character, or an empty, "." or
// ".." part. Front ends call it before accepting an upload's bytes.
[[nodiscard]] Result<std::string> normalize_upload_name(std::string_view raw);

// The source of batches made by Ingestor::open_upload_batch starts with it.
inline constexpr std::string_view kUploadBatchSource = "upload:";
// Whether the batch's files come from receive_upload (not from paths).
bool is_upload_batch(const Batch& batch) noexcept;

// The source of URL-list batches starts with it: "urls:<label>\n", then
// one line per URL: url, tab, sku, tab, name.
inline constexpr std::string_view kUrlBatchSource = "urls:";
// Whether the batch's files are fetched from URLs.
bool is_url_batch(const Batch& batch) noexcept;

struct UrlBatchOptions {
  // A longer list is split into linked batches of at most this many URLs
  // (Batch::group_id, Batch::part), each resumable on its own: 1..100,000.
  std::size_t max_batch_size = 5000;
  std::string label;  // the list's name, in the batches' source (1 KiB)
};

// What one worker run did.
struct WorkReport {
  std::int64_t done = 0;
  std::int64_t duplicates = 0;
  std::int64_t failed = 0;   // for good (as this worker recorded them)
  std::int64_t retried = 0;  // failures that will be retried (both kinds)
  // Analyze jobs: answered (by a call or the cache), failed for good.
  std::int64_t analysed = 0;
  std::int64_t analysis_failed = 0;
  // Cross-SKU conflicts the processed files brought (those found when a
  // file was received are in Bank::review and list_conflicts).
  std::int64_t conflicts = 0;
  bool stopped = false;  // stop() or storage failures ended the run
  std::string stop_reason;
};

// Re-matching of unlinked photos after a new Carteira import.
struct ReconcileReport {
  std::int64_t examined = 0;
  std::int64_t linked = 0;
  std::int64_t still_unmatched = 0;
};

class Ingestor {
 public:
  // Photos are matched against `catalog` and committed through `queue`
  // (whose complete_job writes into that catalog: for the SQL adapters both
  // are one CatalogDatabase); originals and variants go to `blobs`.
  static Result<std::unique_ptr<Ingestor>> create(
      std::shared_ptr<CatalogStore> catalog, std::shared_ptr<JobQueue> queue,
      std::shared_ptr<BlobStore> blobs, IngestOptions options = {});
  ~Ingestor();
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  const IngestOptions& options() const noexcept;
  const std::string& worker_name() const noexcept;

  // Creates a batch for `paths` (files, and folders walked recursively for
  // image files) in the options' collection, queued and receiving. Its files
  // are received by resume() (or ingest()) in this process: the paths are
  // on this machine. invalid_argument when a path does not exist or no path
  // is given.
  Result<Batch> enqueue(std::span<const std::filesystem::path> paths);
  // Creates, receives and processes a batch (processing starts while files
  // are still arriving). Returns the batch as it ended: done, or paused /
  // cancelled / still running after stop(); `unavailable` when the storage
  // kept failing (the batch stays resumable).
  Result<Batch> ingest(std::span<const std::filesystem::path> paths);
  // --- upload batches: files sent by a front end (an HTTP server) ---
  // Creates an upload batch (queued, receiving) in `target`'s collection
  // (created when its brand is given; no collection when empty). Its source
  // is "upload:" and `label`'s first line: a resume() never walks paths for
  // it, and it receives files only through receive_upload() until
  // finish_upload() (it is done only after that). invalid_argument for a
  // label longer than 1 KiB.
  Result<Batch> open_upload_batch(const UploadTarget& target,
                                  std::string_view label = {});
  // Receives one uploaded file into an upload batch that is receiving:
  // stores it as a content-addressed original (BlobStore::put_file, never
  // whole in memory) and records its job, committed before this returns.
  // `sha256_hex` is the file's SHA-256 when the caller computed it on the
  // way (64 lower-case hex digits; it is not checked again); empty: the file
  // is read once to hash it. `name` is the name the client gave (a relative
  // path with '/' is kept: the filename grammar reads parent folders);
  // backslashes become '/', Latin-1 becomes UTF-8. The job is `received`,
  // `duplicate` (the content is already in the bank) or `failed` with the
  // reason (empty file, larger than Limits::max_file_bytes). The same
  // content under the same name received twice is one job (a client's retry
  // is harmless). invalid_argument for a bad name (empty, longer than
  // 1 KiB, control characters, a ".." part) or sha256; not_found for a
  // missing file or batch; conflict when the batch is not an upload batch
  // or no longer receives (finished receiving, done or cancelled).
  Result<Job> receive_upload(RowId batch_id, const std::filesystem::path& file,
                             std::string_view name,
                             std::string_view sha256_hex = {});
  // --- URL-list batches: each URL is fetched by a worker (options'
  // fetcher) and then processed as a received file would be ---
  // Creates the batches of a URL list in the options' collection: one per
  // max_batch_size rows, linked as parts of one group, each queued with its
  // jobs received (a URL already fetched into the bank is fetched again:
  // only its content says whether it is a duplicate). Rows are checked
  // with check_url_row (invalid_argument naming the row); a URL listed
  // twice is one job. invalid_argument for no rows or a bad option.
  Result<std::vector<Batch>> enqueue_urls(std::span<const UrlRow> rows,
                                          const UrlBatchOptions& options = {});
  // enqueue_urls, then resume() of each part in order; returns the parts as
  // they ended (stops at the first that did not end done).
  Result<std::vector<Batch>> ingest_urls(std::span<const UrlRow> rows,
                                         const UrlBatchOptions& options = {});

  // The client sent every file: the batch is done once its jobs are.
  // conflict when it is not an upload batch (or is cancelled).
  Result<Batch> finish_upload(RowId batch_id);

  // Picks a batch up where it stopped (after a crash, a reboot, a pause or a
  // storage failure): finishes receiving, returns dead workers' jobs and the
  // retryable failures to the queue, and processes it to the end. An upload
  // batch still receiving has its received jobs processed and stays
  // receiving.
  Result<Batch> resume(RowId batch_id);
  // Receives the batch's files (its paths are on this machine) and processes
  // none: workers of other processes or machines lease them as they arrive
  // (`imagebank ingest --no-work` beside `imagebank worker`). Idempotent like
  // resume(): the paths the batch already has are skipped. Returns the batch
  // once every file is received (Batch::receiving false), or as it was
  // after stop(); a cancelled or done batch as it is. conflict for an upload
  // batch (its files come through receive_upload); the storage's or the
  // catalog's failure, with the batch still receiving, when a file could not
  // be stored (call it again to go on).
  Result<Batch> receive(RowId batch_id);
  // Leases and processes jobs of every runnable batch, oldest batch first,
  // until the queue is empty (follow = false) or stop() (follow = true).
  Result<WorkReport> work(bool follow = false);
  // Links unmatched photos to the products of their collection's Carteira
  // (or only of `collection_id`); writes SkuHistory; never touches AI data.
  Result<ReconcileReport> reconcile(std::optional<RowId> collection_id = {});

  // Asks running calls to stop after the jobs in hand; they return soon.
  void stop() noexcept;

  struct Impl;

 private:
  explicit Ingestor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The batch with its counts, rate and ETA read from the queue.
Result<BatchProgress> batch_progress(JobQueue& queue, RowId batch_id);

}  // namespace imagebank
