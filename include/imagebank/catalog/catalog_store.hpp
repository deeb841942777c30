// CatalogStore: the catalog's rows (brands, collections, products, images,
// variants, AI analyses, the SKU audit trail, imports). The ingest queue's
// batches and jobs are the JobQueue's (job_queue.hpp).
//
// Adapters: SQLite (`sqlite:///abs/path.db`, the embedded default) and
// PostgreSQL (`postgresql://user@host:port/db`), both through SOCI; open them
// with open_catalog_store (imagebank/bank/bank.hpp) or through Bank. Each
// is a CatalogDatabase (catalog_database.hpp): one object that is also the
// JobQueue of that database. The ingest pipeline, the CLI, Python and the
// server see only the interfaces.
//
// Every method is one transaction: it happens whole or not at all. Errors:
// `not_found` (no such row), `conflict` (an illegal status transition, a
// uniqueness clash the caller could have avoided), `invalid_argument`
// (malformed values; nothing written), `unavailable` (the database cannot be
// reached or stayed locked past the busy timeout; retrying may succeed),
// `io_error` (disk full, I/O failure), `corrupt_data` (a damaged database).
//
// Threading: every method may be called concurrently from several threads on
// one instance (the adapter keeps a pool of connections). Several processes
// may share one database. Instances are not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/catalog/api_keys.hpp"
#include "imagebank/catalog/conflicts.hpp"
#include "imagebank/catalog/jobs.hpp"
#include "imagebank/catalog/types.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank {

// One row of a Carteira import, ready for the catalog.
struct ProductUpsert {
  std::string sku;
  std::string sku_base;  // empty = the SKU itself
  CarteiraFields fields;
  std::map<std::string, std::string> extra;
};

struct CarteiraImportRequest {
  RowId collection_id = 0;
  std::string file;  // for the record
  std::vector<std::string> sheets;
  std::int64_t rows = 0;
  std::int64_t issues = 0;
  std::vector<ProductUpsert> products;
  std::string actor = "carteira-import";
};

// Filters combine with AND; unset = any. Results in ascending id order.
// Whose analysis: a provider, its model and the answer's schema version.
struct AnalysisKey {
  std::string provider;
  std::string model;
  int schema_version = 0;
  friend bool operator==(const AnalysisKey&, const AnalysisKey&) = default;
};

struct ImageQuery {
  std::optional<std::string> sku_base;
  std::optional<RowId> collection_id;
  std::optional<RowId> product_id;
  std::optional<ImageStatus> status;
  std::optional<RowId> batch_id;
  // true: only images linked to a product; false: only unlinked ones (the
  // photos waiting for reconciliation).
  std::optional<bool> linked;
  // Images of the brand's collections.
  std::optional<RowId> brand_id;
  // true: images in a near-duplicate pair (on either side); false: in none.
  std::optional<bool> near_duplicate;
  // Images with no successful whole-photo analysis by this key (the work
  // an analysis run has left).
  std::optional<AnalysisKey> missing_analysis;
  RowId after_id = 0;
  std::size_t limit = 100;  // 1..10000
};

// Products by what they hold and what they lack. Filters combine with AND;
// unset = any. A product "has a photo" of a view when an image of that view
// that is not rejected is linked to it (as in coverage()). Results in
// ascending id order.
struct ProductQuery {
  std::optional<RowId> collection_id;
  std::optional<RowId> brand_id;  // products of the brand's collections
  // SKUs starting with this text, compared character by character and
  // case-sensitively; a whole SKU matches itself (and longer SKUs it
  // begins).
  std::optional<std::string> sku_prefix;
  // true: at least one photo; false: none.
  std::optional<bool> has_photo;
  // Products without a photo of this canonical view ("front", ...).
  std::optional<std::string> missing_view;
  RowId after_id = 0;
  std::size_t limit = 100;  // 1..10000
};

// How many photos (linked, not rejected) of one view a product has.
struct ViewPhotos {
  std::string view;  // canonical view; empty for photos without one
  std::int64_t photos = 0;
  friend bool operator==(const ViewPhotos&, const ViewPhotos&) = default;
};

// A product with its photo counts.
struct ProductSummary {
  Product product;
  std::int64_t photos = 0;        // linked, not rejected, of any view
  std::vector<ViewPhotos> views;  // the views it has photos of, by name
  friend bool operator==(const ProductSummary&,
                         const ProductSummary&) = default;
};

// A near-duplicate pair with both photos as stored.
struct NearDuplicatePair {
  NearDuplicate pair;
  ImageRecord image;  // pair.image_id (the newer photo)
  ImageRecord other;  // pair.other_image_id
  friend bool operator==(const NearDuplicatePair&,
                         const NearDuplicatePair&) = default;
};

// Photo coverage of one collection: how many products have at least one
// photo (linked, not rejected), and per required view.
struct ViewCoverage {
  std::string view;
  std::int64_t products_with_view = 0;
  friend bool operator==(const ViewCoverage&, const ViewCoverage&) = default;
};
struct Coverage {
  RowId collection_id = 0;
  std::string brand;
  std::string collection;
  std::int64_t products = 0;
  std::int64_t products_with_photo = 0;
  std::vector<ViewCoverage> views;  // in the order asked
  friend bool operator==(const Coverage&, const Coverage&) = default;
};

// The views the photos of a scope show, for an export's columns.
struct PhotoViews {
  // Views of the photos (linked, not rejected) of the scope's products, by
  // name; "" for photos without one.
  std::vector<std::string> views;
  // Whether any of those photos has a successful whole-photo analysis.
  bool analysed = false;
  friend bool operator==(const PhotoViews&, const PhotoViews&) = default;
};

// ImageRecord counts grouped by brand, collection and status. Images not linked
// to a collection count under an empty brand and collection.
struct ImageCount {
  std::string brand;
  std::string collection;
  ImageStatus status = ImageStatus::kPending;
  std::int64_t images = 0;
  friend bool operator==(const ImageCount&, const ImageCount&) = default;
};

class CatalogStore {
 public:
  CatalogStore() = default;
  CatalogStore(const CatalogStore&) = delete;
  CatalogStore& operator=(const CatalogStore&) = delete;
  virtual ~CatalogStore() = default;

  // "sqlite:///srv/bank.db", "postgresql://app@db:5432/bank" (no password).
  virtual std::string uri() const = 0;
  // The schema version of the open database.
  virtual Result<int> schema_version() = 0;

  // --- brands and collections (created on first use, found after) ---
  virtual Result<Brand> upsert_brand(std::string_view name) = 0;
  virtual Result<Collection> upsert_collection(RowId brand_id,
                                               std::string_view name,
                                               std::string_view season) = 0;
  virtual Result<std::vector<Brand>> brands() = 0;
  // Every collection, or those of one brand.
  virtual Result<std::vector<Collection>> collections(
      std::optional<RowId> brand_id = std::nullopt) = 0;
  // By name (not_found; conflict when two brands have a collection of that
  // name: the caller must say which brand).
  virtual Result<Collection> find_collection(std::string_view name) = 0;

  // --- products ---
  // Creates or updates the products of the request in its collection (keyed
  // by SKU), in one transaction, and records the import. Carteira fields and
  // `extra` are replaced by the import's; AI analyses are never touched. A
  // product whose sku_base changes gets a SkuHistory row.
  virtual Result<CarteiraImport> import_products(
      const CarteiraImportRequest& request) = 0;
  virtual Result<Product> get_product(RowId id) = 0;
  virtual Result<Product> find_product(RowId collection_id,
                                       std::string_view sku) = 0;
  // Products of a collection whose sku or sku_base equals `sku_base`.
  virtual Result<std::vector<Product>> products_by_sku_base(
      RowId collection_id, std::string_view sku_base) = 0;
  // Renames a product's SKU (SkuHistory records who and why); conflict if
  // the collection already has that SKU.
  virtual Result<Product> rename_product(RowId product_id,
                                         std::string_view new_sku,
                                         std::string_view actor,
                                         std::string_view reason) = 0;
  virtual Result<std::vector<CarteiraImport>> carteira_imports(
      RowId collection_id) = 0;

  // --- images ---
  // Inserts the image (its id and timestamps are assigned) unless an image
  // with its sha256 exists: then the existing row is returned, flagged as a
  // duplicate, and nothing is written.
  virtual Result<ImageInsert> insert_image(const ImageRecord& image) = 0;
  // The same for many images in one transaction (a bulk import); results in
  // input order. Duplicates within `images` resolve to the first.
  virtual Result<std::vector<ImageInsert>> insert_images(
      std::span<const ImageRecord> images) = 0;
  virtual Result<ImageRecord> get_image(RowId id) = 0;
  virtual Result<ImageRecord> find_image_by_sha256(std::string_view sha256) = 0;
  // Links the image to a product (nullopt unlinks) and records the change of
  // SKU in SkuHistory. Linking to the current product is a no-op.
  virtual Result<ImageRecord> link_image(RowId image_id,
                                         std::optional<RowId> product_id,
                                         std::string_view actor,
                                         std::string_view reason) = 0;
  // Moves the image along the workflow (see ImageStatus); an illegal
  // transition, or a concurrent change that got there first, is `conflict`.
  virtual Result<ImageRecord> set_image_status(RowId image_id,
                                               ImageStatus to) = 0;
  virtual Result<Page<ImageRecord>> list_images(const ImageQuery& query) = 0;

  // --- variants, items, AI ---
  // Records (or replaces, keyed by preset + format) the image's variants.
  virtual Status put_variants(RowId image_id,
                              std::span<const VariantRecord> variants) = 0;
  virtual Result<std::vector<VariantRecord>> variants(RowId image_id) = 0;
  // Replaces the image's detected items (at most kMaxImageItems, positions
  // unique); their ids are assigned.
  virtual Result<std::vector<ImageItem>> put_image_items(
      RowId image_id, std::span<const ImageItem> items) = 0;
  virtual Result<std::vector<ImageItem>> image_items(RowId image_id) = 0;
  // Records an analysis (or a failed attempt: `error` set); its id and time
  // are assigned. invalid_argument for text past its limits, a confidence
  // outside 0..1, an item position out of range or a malformed colour.
  virtual Result<AiAnalysis> add_ai_analysis(const AiAnalysis& analysis) = 0;
  // The image's analyses and failed attempts, oldest first.
  virtual Result<std::vector<AiAnalysis>> ai_analyses(RowId image_id) = 0;
  // The newest successful whole-photo analysis of this content by `key`
  // (any image with that SHA-256), or nullopt: the analysis cache.
  virtual Result<std::optional<AiAnalysis>> find_ai_analysis(
      std::string_view sha256, const AnalysisKey& key) = 0;

  // --- audit ---
  virtual Result<std::vector<SkuHistory>> sku_history(SkuSubject subject,
                                                      RowId subject_id) = 0;

  // Products of a collection in id order (keyset pages).
  virtual Result<Page<Product>> list_products(RowId collection_id,
                                              RowId after_id,
                                              std::size_t limit) = 0;
  // id and pHash of images with id > after_id, in id order: what a worker
  // needs to keep its near-duplicate index current.
  virtual Result<std::vector<ImageHashRow>> image_hashes(RowId after_id,
                                                         std::size_t limit) = 0;
  // What the integrity check walks: images with sha256 > after_sha256, in
  // sha256 order (which is the order of their objects' keys), each with
  // the keys and sizes of its original and its variants. invalid_argument
  // for a limit outside 1..10000.
  virtual Result<std::vector<ImageBlobs>> image_blobs(
      std::string_view after_sha256, std::size_t limit) = 0;
  // Those of `sha256s` (at most 1000) that some job names, in any state:
  // their originals are kept although no image row names them (received
  // and leased jobs, failed ones a retry needs), in sha256 order.
  virtual Result<std::vector<std::string>> job_sha256s(
      std::span<const std::string> sha256s) = 0;
  // The database engine's own consistency check, one line per problem
  // (none: consistent): SQLite's quick_check (integrity_check when
  // `thorough`) and foreign_key_check. nullopt when the engine has no such
  // check an application may run (PostgreSQL without amcheck).
  virtual Result<std::optional<std::vector<std::string>>> check_database(
      bool thorough) = 0;
  // The near-duplicates flagged for review, of one image (either side) or
  // of all (image_id = nullopt), by image id.
  virtual Result<std::vector<NearDuplicate>> near_duplicates(
      std::optional<RowId> image_id, RowId after_image_id,
      std::size_t limit) = 0;

  // Products the query selects, with their photo counts, in keyset pages.
  // invalid_argument for a limit outside 1..10000 or a malformed text.
  virtual Result<Page<ProductSummary>> query_products(
      const ProductQuery& query) = 0;
  // The near-duplicate pairs a person has yet to decide on: neither photo
  // rejected and not both approved. Of one collection (either photo in it;
  // not_found for an unknown collection) or of all, by image id, then other
  // image id and algorithm. A page holds every pair of its last image:
  // pass that image_id back as after_image_id; a page shorter than `limit`
  // is the last.
  virtual Result<std::vector<NearDuplicatePair>> near_duplicates_to_review(
      std::optional<RowId> collection_id, RowId after_image_id,
      std::size_t limit) = 0;

  // --- exports (imagebank/bank/export.hpp reads pages through these) ---
  // The images linked to these products (1..10000 ids; unknown ids add
  // nothing), rejected ones included, by product id, then view, sequence
  // and image id. invalid_argument for no ids or too many.
  virtual Result<std::vector<ImageRecord>> images_of_products(
      std::span<const RowId> product_ids) = 0;
  // The newest successful whole-photo analysis of each of these images
  // that has one (1..10000 ids), by image id. invalid_argument as above.
  virtual Result<std::vector<AiAnalysis>> latest_ai_analyses(
      std::span<const RowId> image_ids) = 0;
  // The views of the photos of the products of one collection and/or one
  // brand (unset = any), and whether any of them was analysed.
  virtual Result<PhotoViews> photo_views(std::optional<RowId> collection_id,
                                         std::optional<RowId> brand_id) = 0;
  // --- cross-SKU conflicts (conflicts.hpp; recorded by complete_job and
  // add_jobs) ---
  // invalid_argument for a limit outside 1..10000.
  virtual Result<Page<SkuConflict>> list_conflicts(
      const ConflictQuery& query) = 0;
  virtual Result<SkuConflict> get_conflict(RowId id) = 0;
  // Ends an open conflict as ConflictResolution says, in one transaction:
  // relinked moves the photos (each move in SkuHistory), discarded removes
  // the photo's rows (variants, items, analyses, near-duplicate pairs; jobs
  // and other conflicts keep no link to it) and returns its blob keys.
  // not_found (no such conflict, product or image), conflict (not open),
  // invalid_argument (no actor, no SKU to relink to, an image to discard
  // that is not the conflict's).
  virtual Result<ConflictResolved> resolve_conflict(
      RowId id, const ConflictResolution& resolution) = 0;

  // --- API keys (the server's; see api_keys.hpp) ---
  // Stores a new key; its id and created_ms are assigned. invalid_argument
  // for a record validate_api_key_record() refuses, `conflict` when the
  // prefix is taken.
  virtual Result<ApiKeyRecord> insert_api_key(const ApiKeyRecord& key) = 0;
  // Every key, revoked ones included, by id.
  virtual Result<std::vector<ApiKeyRecord>> api_keys() = 0;
  // not_found for an unknown prefix.
  virtual Result<ApiKeyRecord> find_api_key(std::string_view prefix) = 0;
  // Revokes the key now; revoking a revoked key keeps its first time.
  // not_found for an unknown prefix.
  virtual Result<ApiKeyRecord> revoke_api_key(std::string_view prefix) = 0;

  // --- reports ---
  // Products (of one collection, or all) without a photo: no linked image
  // that is not rejected. Keyset pages in product id order.
  virtual Result<Page<Product>> products_without_photos(
      std::optional<RowId> collection_id, RowId after_id,
      std::size_t limit) = 0;
  // One Coverage per collection (or only the one asked), by collection id;
  // `required_views` are canonical view names of the filename grammar
  // ("front", "back", "detail", ...).
  virtual Result<std::vector<Coverage>> coverage(
      std::optional<RowId> collection_id,
      std::span<const std::string> required_views) = 0;
  virtual Result<std::vector<ImageCount>> image_counts(
      std::optional<RowId> collection_id = std::nullopt) = 0;
};

}  // namespace imagebank
