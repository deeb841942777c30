// SqlCatalogStore: the CatalogStore and the JobQueue of one database, over a
// ConnectionPool, one SQL text for both databases. Its methods are spread
// over sql_*.cpp by subject. Internal.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "adapters/soci/sql_connection.hpp"
#include "imagebank/catalog/catalog_database.hpp"

namespace imagebank::sql {

class SqlCatalogStore final : public CatalogDatabase {
 public:
  explicit SqlCatalogStore(std::unique_ptr<ConnectionPool> pool)
      : pool_(std::move(pool)) {}

  std::string uri() const override { return pool_->uri(); }
  Result<int> schema_version() override;

  Result<Brand> upsert_brand(std::string_view name) override;
  Result<Collection> upsert_collection(RowId brand_id, std::string_view name,
                                       std::string_view season) override;
  Result<std::vector<Brand>> brands() override;
  Result<std::vector<Collection>> collections(
      std::optional<RowId> brand_id) override;
  Result<Collection> find_collection(std::string_view name) override;

  Result<CarteiraImport> import_products(
      const CarteiraImportRequest& request) override;
  Result<Product> get_product(RowId id) override;
  Result<Product> find_product(RowId collection_id,
                               std::string_view sku) override;
  Result<std::vector<Product>> products_by_sku_base(
      RowId collection_id, std::string_view sku_base) override;
  Result<Product> rename_product(RowId product_id, std::string_view new_sku,
                                 std::string_view actor,
                                 std::string_view reason) override;
  Result<std::vector<CarteiraImport>> carteira_imports(
      RowId collection_id) override;

  Result<ImageInsert> insert_image(const ImageRecord& image) override;
  Result<std::vector<ImageInsert>> insert_images(
      std::span<const ImageRecord> images) override;
  Result<ImageRecord> get_image(RowId id) override;
  Result<ImageRecord> find_image_by_sha256(std::string_view sha256) override;
  Result<ImageRecord> link_image(RowId image_id,
                                 std::optional<RowId> product_id,
                                 std::string_view actor,
                                 std::string_view reason) override;
  Result<ImageRecord> set_image_status(RowId image_id, ImageStatus to) override;
  Result<Page<ImageRecord>> list_images(const ImageQuery& query) override;

  Status put_variants(RowId image_id,
                      std::span<const VariantRecord> variants) override;
  Result<std::vector<VariantRecord>> variants(RowId image_id) override;
  Result<std::vector<ImageItem>> put_image_items(
      RowId image_id, std::span<const ImageItem> items) override;
  Result<std::vector<ImageItem>> image_items(RowId image_id) override;
  Result<AiAnalysis> add_ai_analysis(const AiAnalysis& analysis) override;
  Result<std::vector<AiAnalysis>> ai_analyses(RowId image_id) override;
  Result<std::optional<AiAnalysis>> find_ai_analysis(
      std::string_view sha256, const AnalysisKey& key) override;

  Result<std::vector<SkuHistory>> sku_history(SkuSubject subject,
                                              RowId subject_id) override;

  Result<Page<Product>> list_products(RowId collection_id, RowId after_id,
                                      std::size_t limit) override;
  Result<std::vector<ImageHashRow>> image_hashes(RowId after_id,
                                                 std::size_t limit) override;
  Result<std::vector<ImageBlobs>> image_blobs(std::string_view after_sha256,
                                              std::size_t limit) override;
  Result<std::vector<std::string>> job_sha256s(
      std::span<const std::string> sha256s) override;
  Result<std::optional<std::vector<std::string>>> check_database(
      bool thorough) override;
  Result<std::vector<NearDuplicate>> near_duplicates(
      std::optional<RowId> image_id, RowId after_image_id,
      std::size_t limit) override;

  Result<Page<ProductSummary>> query_products(
      const ProductQuery& query) override;
  Result<std::vector<NearDuplicatePair>> near_duplicates_to_review(
      std::optional<RowId> collection_id, RowId after_image_id,
      std::size_t limit) override;

  Result<std::vector<ImageRecord>> images_of_products(
      std::span<const RowId> product_ids) override;
  Result<std::vector<AiAnalysis>> latest_ai_analyses(
      std::span<const RowId> image_ids) override;
  Result<PhotoViews> photo_views(std::optional<RowId> collection_id,
                                 std::optional<RowId> brand_id) override;

  Result<Batch> create_batch(RowId collection_id, std::string_view source,
                             std::string_view analysis = {}) override;
  Result<Batch> get_batch(RowId id) override;
  Result<std::vector<Batch>> list_batches() override;
  Result<Batch> set_batch_state(RowId id, BatchState state) override;
  Result<Batch> link_batch(RowId id, RowId group_id, int part) override;
  Result<Batch> finish_receiving(RowId id) override;
  Result<std::vector<Job>> add_jobs(RowId batch_id,
                                    std::span<const JobInsert> jobs) override;
  Result<std::vector<std::string>> job_source_paths(RowId batch_id) override;
  Result<std::vector<std::string>> list_source_paths(
      RowId batch_id, std::string_view after, std::size_t limit) override;
  Result<Job> get_job(RowId id) override;
  Result<Page<Job>> list_jobs(RowId batch_id, std::optional<JobState> state,
                              RowId after_id, std::size_t limit) override;
  Result<Job> set_job_content(RowId job_id, std::string_view worker,
                              std::string_view sha256,
                              std::uint64_t bytes) override;
  Result<std::vector<Job>> lease_jobs(const LeaseOptions& options) override;
  Result<std::int64_t> renew_leases(std::string_view worker,
                                    std::span<const RowId> job_ids,
                                    std::int64_t lease_ms) override;
  Result<ImageInsert> complete_job(RowId job_id, std::string_view worker,
                                   const JobOutcome& outcome) override;
  Result<Job> finish_job(RowId job_id, std::string_view worker) override;
  Result<Job> fail_job(RowId job_id, std::string_view worker,
                       const Status& error,
                       std::optional<std::int64_t> retry_at_ms) override;
  Result<std::int64_t> release_leases(std::int64_t now_ms,
                                      std::optional<std::string> worker,
                                      int max_attempts) override;
  Result<std::vector<std::string>> lease_holders() override;
  Result<std::int64_t> retry_failed_jobs(RowId batch_id,
                                         bool only_retryable) override;
  Result<JobCounts> job_counts(
      RowId batch_id, std::int64_t since_ms = 0,
      std::optional<JobKind> kind = std::nullopt) override;

  Result<Page<Product>> products_without_photos(
      std::optional<RowId> collection_id, RowId after_id,
      std::size_t limit) override;
  Result<std::vector<Coverage>> coverage(
      std::optional<RowId> collection_id,
      std::span<const std::string> required_views) override;
  Result<std::vector<ImageCount>> image_counts(
      std::optional<RowId> collection_id) override;

  Result<Page<SkuConflict>> list_conflicts(const ConflictQuery& query) override;
  Result<SkuConflict> get_conflict(RowId id) override;
  Result<ConflictResolved> resolve_conflict(
      RowId id, const ConflictResolution& resolution) override;

  Result<ApiKeyRecord> insert_api_key(const ApiKeyRecord& key) override;
  Result<std::vector<ApiKeyRecord>> api_keys() override;
  Result<ApiKeyRecord> find_api_key(std::string_view prefix) override;
  Result<ApiKeyRecord> revoke_api_key(std::string_view prefix) override;

 private:
  Status write(std::string_view what,
               const std::function<Status(soci::session&)>& fn) {
    return pool_->transact(what, TxKind::kWrite, fn);
  }
  Status read(std::string_view what,
              const std::function<Status(soci::session&)>& fn) {
    return pool_->transact(what, TxKind::kRead, fn);
  }

  std::unique_ptr<ConnectionPool> pool_;
};

// Shared by the sql_*.cpp files; each runs inside the caller's transaction.
Result<ImageRecord> load_image(soci::session& sql, RowId id);
Result<Product> load_product(soci::session& sql, RowId id);
Status add_history(soci::session& sql, SkuSubject subject, RowId subject_id,
                   const std::string& old_sku, const std::string& new_sku,
                   std::string_view actor, std::string_view reason);
// Variant rows: checked before the transaction, written inside it
// (replacing those of the same preset and format).
Status check_variants(std::span<const VariantRecord> variants);
Status write_variants(soci::session& sql, RowId image_id,
                      std::span<const VariantRecord> variants);
// Text checks shared by the writers: invalid_argument naming the field.
Status check_text(std::string_view field, std::string_view value,
                  std::size_t max_bytes, bool allow_empty);

// Images (sql_images.cpp): the checks of insert_image, and its insert of
// rows not stored yet, for callers with an open transaction.
Status check_image(const ImageRecord& image);
Status insert_images_in(Dialect dialect, soci::session& sql,
                        std::span<const ImageRecord> images,
                        std::vector<ImageInsert>& out);

// Cross-SKU conflicts a job found (sql_conflicts.cpp), in the caller's
// transaction: `new_image_id` is the image the job made (a near conflict's
// other photo; nullopt for a duplicate). A conflict already recorded for the
// job and image is kept; one with an image gone meanwhile is skipped.
Status write_conflicts(soci::session& sql, RowId job_id,
                       std::optional<RowId> new_image_id,
                       std::span<const ConflictFinding> found, long long at);
// complete_job's: the outcome's findings for the image stored (new or the
// existing one), and for a duplicate the insert found only now (another
// worker stored the same bytes first) the exact conflict of its SKU.
Status write_job_conflicts(soci::session& sql, RowId job_id,
                           const JobOutcome& outcome, const ImageInsert& stored,
                           long long at);

// Batches and jobs (sql_jobs.cpp).
Result<Batch> load_batch(soci::session& sql, RowId id);
Result<Job> load_job(soci::session& sql, RowId id);
// Appends the jobs `SELECT <job columns> FROM jobs <tail>` finds; `bind`
// adds the uses of the parameters in `tail`.
Status fetch_jobs(soci::session& sql, const std::string& tail,
                  const std::function<void(soci::statement&)>& bind,
                  std::vector<Job>& out);
// A job's error message as stored: valid UTF-8 (other bytes read as
// Windows-1252), no NULs, at most kMaxJobError bytes cut at a character
// boundary. Its code is stored apart, as code_name ('' for none).
inline constexpr std::size_t kMaxJobError = 4000;
std::string job_error_text(std::string_view error);
std::string job_error_code(const Status& error);
// A failure from its stored code and message (jobs, analyses). A code this
// build does not know (a newer one wrote it) reads as internal, the message
// kept; no code and no message is OK.
Status stored_job_error(const std::string& code, const std::string& message);
// A list of ids as one bound parameter: `id_list_param` is its value and
// `id_list_match` the condition "column is one of them" for the dialect.
std::string id_list_param(Dialect dialect, std::span<const RowId> ids);
std::string id_list_match(Dialect dialect, std::string_view column,
                          std::string_view param);
// "id is one of them AND state = '<state>'", written so that SQLite goes by
// id: otherwise it takes jobs_state_kind for the state and tests every job
// in that state against the list (a "+" keeps the column off the index), a
// cost that grows with the queue.
std::string job_ids_in_state(Dialect dialect, std::string_view param,
                             std::string_view state);

}  // namespace imagebank::sql
