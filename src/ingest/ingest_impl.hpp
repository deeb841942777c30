// The Ingestor's state shared by its parts (receive, process, the worker
// loop, reconcile). Internal to src/ingest.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "imagebank/ingest/ingest.hpp"
#include "imagebank/sku/filename.hpp"
#include "imagebank/sku/known_skus.hpp"
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

  // --- receive.cpp ---
  // Walks `roots` (sorted, recursive, image extensions only inside folders).
  Result<std::vector<FoundFile>> find_files(
      const std::vector<std::filesystem::path>& roots);
  // Receives the files of the batch not yet in it, then finishes receiving.
  // `found` counts the files seen (for progress).
  Status receive(const Batch& batch, std::atomic<std::int64_t>& found);

  // --- process.cpp ---
  // Processes one leased job to its end (complete or fail). Returns the
  // failure that counts against the storage (io_error, unavailable) or OK.
  Status process(const Job& job, const std::string& holder, WorkReport& report);

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
                     WorkReport& report);
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
};

// Milliseconds since the Unix epoch.
std::int64_t ingest_now_ms();

// The batch's source paths, as create_batch stored them (one per line).
std::vector<std::filesystem::path> batch_paths(const Batch& batch);
// A URL batch's rows, as enqueue_urls stored them in its source.
std::vector<UrlRow> url_batch_rows(const Batch& batch);

}  // namespace imagebank
