// Bank: the facade the front ends use. It opens a catalog database (its
// CatalogStore and JobQueue) and a BlobStore from URIs and offers the
// catalog's operations, reports and the ingest queue.
//
//   sqlite:///abs/path.db            the embedded default
//   postgresql://user@host:port/db   a shared server
//   file:///abs/path                 local disk
//   s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1
//   memory:                          (storage only) nothing persists
//
// Threading: a Bank may be used from several threads at once (its stores
// are thread-safe). Not copyable; close by destroying it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/adapters/sql_store_options.hpp"
#include "imagebank/bank/check.hpp"
#include "imagebank/carteira/carteira.hpp"
#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/catalog/catalog_database.hpp"
#include "imagebank/catalog/catalog_store.hpp"
#include "imagebank/catalog/job_queue.hpp"
#include "imagebank/catalog/vision.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/ingest/ingest.hpp"
#include "imagebank/ingest/vision_chain.hpp"
#include "imagebank/serve/api_keys.hpp"

namespace imagebank {

// "./imagebank-data": the bank used when no URI is given.
inline constexpr std::string_view kDefaultBankDir = "imagebank-data";

struct BankOptions {
  // For a sqlite:// or postgresql:// catalog. Plain settings: the SQL
  // adapter itself is linked by the bank privately.
  SqlStoreOptions sql;
};

// Opens the catalog database a URI names (sqlite:// or postgresql://): its
// CatalogStore and its JobQueue in one object.
Result<std::unique_ptr<CatalogDatabase>> open_catalog_store(
    std::string_view uri, const SqlStoreOptions& options = {});
// Opens the BlobStore a URI names (file://, s3:// or memory:).
Result<std::unique_ptr<BlobStore>> open_blob_store(std::string_view uri);

// The views a catalog expects of every product, in the order reports list
// them: front, back, detail (canonical names of the filename grammar).
const std::vector<std::string>& default_required_views();

struct CarteiraImportOptions {
  std::string brand;       // created if missing; required
  std::string collection;  // created if missing; required
  std::string season;      // optional
  CarteiraOptions read;    // sheets, limits
  std::string actor = "carteira-import";
};

struct CarteiraImportResult {
  CarteiraImport record;  // what the catalog stored
  Carteira carteira;      // the rows and issues as read
};

// A near duplicate of a batch's photo, with the names a person knows the
// two photos by (original_name; "image <id>" when the row is gone).
struct NamedNearDuplicate {
  NearDuplicate pair;      // pair.image_id is the batch's photo
  std::string image_name;  // the batch's photo
  std::string other_name;  // the photo it looks like
};

// What needs a person's eye after a batch.
struct BatchReview {
  RowId batch_id = 0;
  // Photos of the batch matched to no product (reconcile links them after
  // a new Carteira import).
  std::int64_t unmatched = 0;
  // Near duplicates flagged for the batch's photos: how many, and the first
  // ones (by image id), named.
  std::int64_t near_duplicate_count = 0;
  std::vector<NamedNearDuplicate> near_duplicates;
  // Cross-SKU conflicts the batch's files brought (open or resolved): how
  // many, and the first `max_named` by id.
  std::int64_t conflict_count = 0;
  std::vector<SkuConflict> conflicts;
  // The batch's failed jobs (files and analyses): how many, and the first
  // `max_named` by id, each with its error (JobQueue::list_jobs pages
  // through the rest).
  std::int64_t failed_count = 0;
  std::vector<Job> failed;
};

// Which cross-SKU conflicts Bank::conflicts lists (filters combine with
// AND), by id in keyset pages.
struct ConflictListOptions {
  bool open_only = true;                  // false: resolved ones too
  std::optional<std::string> collection;  // by name (the later file's batch)
  std::optional<RowId> batch_id;
  RowId after_id = 0;
  std::size_t limit = 100;  // 1..10000
};

// How far an analysis run is.
struct AnalyzeProgress {
  std::int64_t selected = 0;  // images chosen so far (grows while paging)
  std::int64_t done = 0;      // analysed + cached + failed
  std::int64_t analysed = 0;  // answered by a call
  std::int64_t cached = 0;    // answered from earlier analyses: no call
  std::int64_t failed = 0;    // no analyzer answered; the image stays put
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double elapsed_seconds = 0;
};

struct AnalyzeFailure {
  RowId image_id = 0;
  std::string name;  // the photo's original name
  Status error;      // the last analyzer's failure
};

struct AnalyzeReport {
  AnalyzeProgress progress;
  // Answers per provider ("offline": 12), calls and cache hits alike.
  std::map<std::string, std::int64_t> by_provider;
  std::vector<AnalyzeFailure> failures;  // by image id
  // Providers the run gave up on (quota, keys): VisionChain::given_up().
  std::vector<std::string> given_up;
};

struct AnalyzeOptions {
  // Analyzer URIs in order of preference (open_vision_analyzer):
  // "openai://gpt-4o-mini", "gemini://", "google-vision://", "offline://".
  std::vector<std::string> vision = {"offline://"};
  // Analyzers made by the caller (a Python plug-in); they come first.
  std::vector<std::shared_ptr<VisionAnalyzer>> analyzers;
  // Rate limits by provider name; providers not named have none.
  std::map<std::string, VisionLimit> limits;
  VisionChainOptions chain;
  VisionRequest request;
  // Which images (filters combine with AND). With none, every image of the
  // bank. Unless `force`, only images the first analyzer has not answered
  // for yet at request.schema_version, and an image with any cached answer
  // of the chain costs no call.
  std::optional<RowId> batch_id;
  std::optional<std::string> collection;  // by name
  std::optional<ImageStatus> status;
  std::vector<RowId> image_ids;
  bool force = false;
  int workers = 0;  // 0: one per core for offline-only chains, else 8
  // Reads API keys' environment variables; unset = the process's.
  std::function<std::optional<std::string>(std::string_view)> getenv;
  // Called from the run's threads (one at a time) at most every
  // progress_interval, and once at the end.
  std::function<void(const AnalyzeProgress&)> progress;
  std::chrono::milliseconds progress_interval{500};
  // Set to true (from any thread) to stop after the photos in hand.
  const std::atomic<bool>* stop = nullptr;
};

// One photo whose AI colour and Carteira colour are set side by side.
struct ColorReview {
  RowId product_id = 0;
  std::string sku;
  RowId image_id = 0;
  std::string image_name;
  std::string view;
  std::string carteira_color;  // the Carteira's `cor`, as imported
  std::string ai_color;        // the analysis' main colour
  std::string provider;
  std::string model;
  // "agree" (the same colour, accents, case and hyphens aside), "partial"
  // (one names the other's family: "azul" / "azul-marinho") or "disagree".
  std::string agreement;
};

// How a Carteira colour compares with an AI colour: "agree", "partial" or
// "disagree" (see ColorReview); "" when either is empty.
std::string compare_colors(std::string_view carteira, std::string_view ai);

class Bank {
 public:
  // Either URI may be empty: then the defaults inside `dir`
  // (`<dir>/bank.db`, `<dir>/files/`), and `dir` itself defaults to
  // ./imagebank-data. Directories are created as needed.
  static Result<std::unique_ptr<Bank>> open(
      std::string_view db_uri = {}, std::string_view storage_uri = {},
      const BankOptions& options = {},
      const std::filesystem::path& dir =
          std::filesystem::path(kDefaultBankDir));

  // `jobs` commits into `catalog` (complete_job): for the SQL adapters they
  // are one CatalogDatabase.
  Bank(std::shared_ptr<CatalogStore> catalog, std::shared_ptr<JobQueue> jobs,
       std::shared_ptr<BlobStore> blobs);
  // Both interfaces of one database.
  Bank(std::shared_ptr<CatalogDatabase> db, std::shared_ptr<BlobStore> blobs);
  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  CatalogStore& catalog() const noexcept { return *catalog_; }
  JobQueue& jobs() const noexcept { return *jobs_; }
  // The server's API keys (made, listed, revoked, checked; stored in the
  // catalog).
  ApiKeys& api_keys() const noexcept { return *api_keys_; }
  const std::shared_ptr<ApiKeys>& api_keys_ptr() const noexcept {
    return api_keys_;
  }
  BlobStore& blobs() const noexcept { return *blobs_; }
  const std::shared_ptr<CatalogStore>& catalog_ptr() const noexcept {
    return catalog_;
  }
  const std::shared_ptr<JobQueue>& jobs_ptr() const noexcept { return jobs_; }
  const std::shared_ptr<BlobStore>& blobs_ptr() const noexcept {
    return blobs_;
  }

  // Reads a Carteira file and upserts its products into the collection (one
  // transaction). A file with errors (no SKU column, unreadable) imports
  // nothing; row-level issues are reported in the result and the good rows
  // are imported.
  Result<CarteiraImportResult> import_carteira(
      const std::filesystem::path& file, const CarteiraImportOptions& options);

  // The collection named `name` (not_found; conflict when ambiguous).
  Result<Collection> collection(std::string_view name);
  // Every collection, by id.
  Result<std::vector<Collection>> collections();

  // Coverage of every collection, or of the one named.
  Result<std::vector<Coverage>> coverage(
      std::optional<std::string> collection = std::nullopt,
      const std::vector<std::string>& required_views =
          default_required_views());
  // Every product without a photo (all pages), of one collection or all.
  Result<std::vector<Product>> missing_photos(
      std::optional<std::string> collection = std::nullopt,
      std::size_t max_products = 10'000'000);
  Result<std::vector<ImageCount>> status_counts(
      std::optional<std::string> collection = std::nullopt);

  // --- ingest (imagebank/ingest/ingest.hpp says how it stays crash-proof) ---
  // An Ingestor on this bank's stores (to call stop() from elsewhere).
  // With `batch_id` (to resume it): when options.analysis has no chain and
  // the batch was made with analysis (Batch::analysis holds its analyzers'
  // URIs), those analyzers are opened again; when they cannot be (a key
  // unset), the files go on and the analyses wait, with a warning. Without
  // options.fetcher, URL-list batches fetch through the shared HTTP
  // client's fetcher with its defaults (private addresses refused).
  Result<std::unique_ptr<Ingestor>> ingestor(
      IngestOptions options = {},
      std::optional<RowId> batch_id = std::nullopt) const;
  // Creates a batch of `paths`, receives and processes it to the end.
  Result<Batch> ingest(std::span<const std::filesystem::path> paths,
                       IngestOptions options = {});
  // Goes on with a batch that stopped (crash, pause, storage failure), with
  // its own analyzers when options.analysis has none (ingestor()).
  Result<Batch> resume(RowId batch_id, IngestOptions options = {});
  // Processes every runnable batch in order (follow: wait for more).
  Result<WorkReport> work(IngestOptions options = {}, bool follow = false);
  // Upload batches (Ingestor::open_upload_batch and the two after it say
  // what each does): a batch whose files a front end hands over one by one.
  Result<Batch> open_upload_batch(const UploadTarget& target,
                                  std::string_view label = {});
  Result<Job> receive_upload(RowId batch_id, const std::filesystem::path& file,
                             std::string_view name,
                             std::string_view sha256_hex = {},
                             IngestOptions options = {});
  Result<Batch> finish_upload(RowId batch_id);
  // Links unmatched photos of one collection (or all) to their products.
  Result<ReconcileReport> reconcile(
      std::optional<std::string> collection = std::nullopt);
  // Every batch with its counts, rate and ETA, by id.
  Result<std::vector<BatchProgress>> batches();
  Result<BatchProgress> batch(RowId batch_id);
  // Unmatched photos, near duplicates, conflicts and failed jobs of a batch
  // (each counted, the first `max_named` of each listed; not_found when
  // there is no such batch). Memory does not grow with the batch beyond
  // 8 bytes a photo.
  Result<BatchReview> review(RowId batch_id, std::size_t max_named = 1000);
  // Cross-SKU conflicts (imagebank/catalog/conflicts.hpp): a photo filed
  // under two SKUs. not_found for an unknown collection.
  Result<Page<SkuConflict>> conflicts(const ConflictListOptions& options = {});
  // Ends an open conflict (CatalogStore::resolve_conflict) and, for a
  // discard, deletes the removed photo's objects from the blob store. When
  // some object cannot be deleted the conflict stays resolved and the error
  // (io_error or unavailable) names the objects left.
  Result<ConflictResolved> resolve_conflict(
      RowId conflict_id, const ConflictResolution& resolution);

  // Workers stop leasing the batch's jobs (those in hand finish).
  Result<Batch> pause(RowId batch_id);
  // The batch's waiting jobs are cancelled; done work is kept.
  Result<Batch> cancel(RowId batch_id);
  // Failed jobs go back to the queue; resume() processes them. Returns how
  // many.
  Result<std::int64_t> retry_failed(RowId batch_id);

  // Describes images with the vision chain of `options` (see
  // AnalyzeOptions), storing each answer, and each failed attempt with its
  // reason, in ai_analyses and image_items; the Carteira's fields are never
  // written. An image in pending_ai_analysis moves to pending once
  // analysed; a failure leaves it where it was. Errors: a bad option or
  // URI (invalid_argument), an unknown collection (not_found), or the
  // catalog failing; a photo's own failure is in the report.
  Result<AnalyzeReport> analyze(const AnalyzeOptions& options);
  // The vision chain AnalyzeOptions name (its analyzers, URIs, limits and
  // chain options; the selection is not read), for IngestOptions::analysis.
  // Errors: open_vision_analyzer's and VisionChain::create's.
  Result<std::shared_ptr<VisionChain>> open_vision(
      const AnalyzeOptions& options) const;

  // The AI's main colour next to the Carteira's `cor`, for every analysed
  // photo linked to a product (of the collection, when named): the newest
  // successful whole-photo analysis of each, by SKU, view and image id.
  // `disagreements_only` keeps "partial" and "disagree" rows.
  Result<std::vector<ColorReview>> color_review(
      const std::optional<std::string>& collection,
      bool disagreements_only = false);

  // The integrity check: every object the catalog names is in the store at
  // the recorded size, and nothing else is (check_bank, check.hpp).
  Result<CheckReport> check(const CheckOptions& options = {});

 private:
  Result<std::optional<RowId>> collection_id(
      const std::optional<std::string>& name);

  std::shared_ptr<CatalogStore> catalog_;
  std::shared_ptr<JobQueue> jobs_;
  std::shared_ptr<BlobStore> blobs_;
  std::shared_ptr<ApiKeys> api_keys_;
};

}  // namespace imagebank
