// The Ingestor's state shared by its parts (receive, process, the worker
// loop, reconcile). Internal to src/ingest.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "imagebank/ingest/ingest.hpp"
#include "imagebank/sku/filename.hpp"
#include "imagebank/sku/known_skus.hpp"
#include "imagebank/variants/variants.hpp"
#include "ingest/near_index.hpp"

namespace imagebank {

// The products of one collection as the matcher needs them.
struct CollectionSkus {
  KnownSkus known;
  std::vector<RowId> product_ids;  // per KnownSkus::skus() index
  std::int64_t loaded_ms = 0;
};

// One file found by the receive step: where it is and the name it is known
// by (relative to the folder it was found under, so the filename grammar can
// read its parent folder).
struct FoundFile {
  std::filesystem::path path;
  std::string name;
};

struct Ingestor::Impl {
  std::shared_ptr<CatalogStore> catalog;
  std::shared_ptr<JobQueue> queue;
  std::shared_ptr<BlobStore> blobs;
  IngestOptions options;
  std::string worker;
  SkuParser parser;
  NearIndex near;
  std::atomic<bool> stop{false};
  // Ends the receive step of the current resume() early (its run stopped).
  std::atomic<bool> halt_receive{false};

  std::mutex commit_mu;  // near-duplicate lookup + commit, one at a time
  std::mutex mu;         // guards the members below
  std::map<RowId, std::shared_ptr<const CollectionSkus>> skus;
  std::mt19937_64 rng{std::random_device{}()};
  std::string last_error;
  // The lease holders (worker threads) that ended a job the catalog would
  // not record: the job stays leased to them until they release it.
  std::set<std::string> unrecorded_holders;

  // --- receive.cpp ---
  // Receives the files of the batch not yet in it, then finishes receiving.
  // Folders are walked recursively (image extensions only inside them, in
  // byte order of the paths) and merged with the batch's known paths a page
  // at a time, so memory does not grow with the batch. `found` is the
  // number of files the roots hold (for progress).
  Status receive(const Batch& batch, std::atomic<std::int64_t>& found);

  // --- process.cpp ---
  // The last step of a process job: its variants' writes and the commit
  // (or the failure). Returns what process() returns.
  using StoreStep = std::function<Status(WorkReport&)>;
  // Processes one leased job to its end (complete or fail). Returns the
  // failure that counts against the storage (io_error, unavailable) or OK.
  // With `store`, a job that gets as far as writing its variants returns OK
  // with the writes and the commit left in *store for the caller to run
  // (on another thread: the job is not over until it has run).
  Status process(const Job& job, const std::string& holder, WorkReport& report,
                 StoreStep* store = nullptr);
  // Ends a job as failed, the one failure path of process jobs: for good
  // when `rule.final` says a retry cannot help or attempts are used up,
  // else again after a backoff, or later when the failure carries a
  // Retry-After (a server that named its delay). Returns the failure that
  // counts against the storage (io_error, unavailable, when rule.storage)
  // or OK.
  struct FailureRule {
    bool (*final)(const Status&) = nullptr;  // nullptr: any failure may pass
    bool storage = true;  // false: a URL's server, not the bank's stores
  };
  Status fail_process(const Job& job, const std::string& holder, Status status,
                      const FailureRule& rule, WorkReport& report);
  // The rule of process(): `file_at_fault` makes the file's own failures
  // (a decode's corrupt_data, unsupported_format, ...) final; failures of
  // the stores, whatever their code, may pass.
  Status fail_process(const Job& job, const std::string& holder, Status status,
                      bool file_at_fault, WorkReport& report);
  Status commit_process(const Job& job, const std::string& holder,
                        JobOutcome outcome, WorkReport& report);
  Status store_process(const Job& job, const std::string& holder,
                       const VariantOptions& vo,
                       const std::vector<Variant>& variants, JobOutcome outcome,
                       WorkReport& report);

  // --- conflicts.cpp (cross-SKU conflicts) ---
  // The SKU a file's name gives in its batch's collection; "" for none.
  Result<std::string> file_sku(RowId batch_id, const std::string& name);
  // `existing` arriving again as `name`: a conflict when the SKUs differ.
  Result<std::vector<ConflictFinding>> exact_conflicts(
      RowId batch_id, const std::string& name, const ImageRecord& existing);
  // A new photo of `sku` and the stored photos it looks like.
  Result<std::vector<ConflictFinding>> near_conflicts(
      const std::string& sku, std::span<const NearDuplicate> near);

  // --- analysis.cpp ---
  // Analyses the image of one leased analyze job and ends the job (done, or
  // failed / retried with the reason). Returns the failure that counts
  // against the storage (the catalog's or the blob store's) or OK.
  Status analyse(const Job& job, const std::string& holder, WorkReport& report);
  // Whether this Ingestor runs analyze jobs (it has a chain).
  bool analyses() const noexcept { return options.analysis.chain != nullptr; }
  // What a new batch records as Batch::analysis: empty without a chain.
  std::string analysis_label() const;
  // The kinds of jobs this Ingestor runs (nullopt: every kind).
  std::optional<JobKind> runnable_kinds() const noexcept {
    return analyses() ? std::nullopt : std::optional(JobKind::kProcess);
  }
  Result<std::shared_ptr<const CollectionSkus>> collection_skus(
      RowId collection_id, bool reload);

  // --- url_batch.cpp, url_fetch.cpp: URL-list batches ---
  // receive() for a URL batch: its rows (in its source) become jobs.
  Status receive_urls(const Batch& batch, std::atomic<std::int64_t>& found);
  // process() for every process job: a URL job (no sha256 yet) is fetched
  // and its original stored first; a failed fetch ends the job here.
  Status process_job(const Job& job, const std::string& holder,
                     WorkReport& report, StoreStep* store = nullptr);
  // The filename grammar's parse of the job's name, with the SKU a URL
  // list gave for it over the grammar's.
  Result<SkuParse> parse_name(const Job& job, const KnownSkus* known);
  std::mutex url_mu;  // guards the two below
  // A URL batch's rows by URL (read once from its source).
  std::map<RowId, std::shared_ptr<const std::map<std::string, UrlRow>>>
      url_rows;
  // job → the SKU its row gave, while process() runs on it.
  std::map<RowId, std::string> given_skus;
  Result<std::shared_ptr<const std::map<std::string, UrlRow>>> rows_of(
      RowId batch_id);

  // --- worker.cpp ---
  // Processes jobs (of one batch, or all runnable) until none is left, the
  // batch leaves the running states, or stop.
  // Nothing is left for a run to wait for (marks finished batches done).
  Result<bool> drained(std::optional<RowId> batch_id, bool follow,
                       const std::atomic<bool>* receiving);
  Result<WorkReport> run(std::optional<RowId> batch_id, bool follow,
                         const std::atomic<bool>* receiving,
                         std::atomic<std::int64_t>* found);
  Status release_dead_local_workers();
  Result<RowId> resolve_collection();
  Result<RowId> resolve_collection(const UploadTarget& target);
  std::int64_t retry_at(int attempts);
  void note_error(std::string message);
  // The catalog refused to record the end of a job leased by `holder` (its
  // failure could not be written): logged, and the holder's idle loop
  // releases the job (or stops the run if the catalog keeps refusing).
  void unrecorded_end(const Job& job, const std::string& holder,
                      const Status& why);
};

// Milliseconds since the Unix epoch.
std::int64_t ingest_now_ms();

// The batch's source paths, as create_batch stored them (one per line).
std::vector<std::filesystem::path> batch_paths(const Batch& batch);
// A URL batch's rows, as enqueue_urls stored them in its source.
std::vector<UrlRow> url_batch_rows(const Batch& batch);

}  // namespace imagebank
