#include "imagebank/bank/bank.hpp"

#include <array>
#include <optional>
#include <system_error>

#include "imagebank/adapters/fs_blob_store.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"
#include "imagebank/adapters/sql_catalog_store.hpp"
#include "imagebank/core/text.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;

// "file:///abs/path" → "/abs/path" (percent-escapes are not decoded: keys
// and roots use plain characters).
Result<fs::path> file_uri_path(std::string_view uri, std::string_view scheme) {
  std::string_view rest = uri.substr(scheme.size());
  if (!rest.starts_with("/")) {
    return invalid_argument_error("'" + std::string(uri) +
                                  "' must name an absolute path (" +
                                  std::string(scheme) + "/abs/path)");
  }
  if (rest.find('?') != std::string_view::npos ||
      rest.find('#') != std::string_view::npos ||
      rest.find('\0') != std::string_view::npos) {
    return invalid_argument_error(
        "'" + std::string(uri) +
        "' has a query, fragment or NUL; give a plain path");
  }
  return fs::path(std::string(rest));
}

Status make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return io_error(dir.string() +
                    ": cannot create directory: " + ec.message());
  return {};
}

// The product's fields are the Carteira's fields but "sku" (a column of
// its own); catalog may not depend on carteira, so the two lists meet here,
// by name, once.
static_assert(kCarteiraFieldTable.size() + 1 == kFieldCount);
using CarteiraFieldIds =
    std::array<std::optional<Field>, kCarteiraFieldTable.size()>;
const CarteiraFieldIds& carteira_field_ids() {
  static const CarteiraFieldIds kIds = [] {
    CarteiraFieldIds ids;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      ids[i] = field_from_name(kCarteiraFieldTable[i].name);
    }
    return ids;
  }();
  return kIds;
}

}  // namespace

Result<std::unique_ptr<CatalogDatabase>> open_catalog_store(
    std::string_view uri, const SqlStoreOptions& options) {
  if (uri.starts_with("sqlite://")) {
    IMAGEBANK_ASSIGN_OR_RETURN(fs::path path, file_uri_path(uri, "sqlite://"));
    return open_sqlite_catalog(path, options);
  }
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    return open_postgresql_catalog(uri, options);
  }
  return invalid_argument_error(
      "database URI '" + std::string(uri.substr(0, 200)) +
      "' is not sqlite:///abs/path.db or postgresql://user@host:port/db");
}

Result<std::unique_ptr<BlobStore>> open_blob_store(std::string_view uri) {
  if (uri.starts_with("file://")) {
    IMAGEBANK_ASSIGN_OR_RETURN(fs::path path, file_uri_path(uri, "file://"));
    return open_fs_blob_store(path);
  }
  if (uri.starts_with("s3://")) {
    IMAGEBANK_ASSIGN_OR_RETURN(S3Options options, parse_s3_uri(uri));
    return open_s3_blob_store(options);
  }
  if (uri == "memory:") return make_memory_blob_store();
  return invalid_argument_error(
      "storage URI '" + std::string(uri.substr(0, 200)) +
      "' is not file:///abs/path, s3://bucket/prefix?... or memory:");
}

const std::vector<std::string>& default_required_views() {
  static const std::vector<std::string> kViews = {"front", "back", "detail"};
  return kViews;
}

Result<std::unique_ptr<Bank>> Bank::open(std::string_view db_uri,
                                         std::string_view storage_uri,
                                         const BankOptions& options,
                                         const fs::path& dir) {
  std::string db(db_uri), storage(storage_uri);
  if (db.empty() || storage.empty()) {
    IMAGEBANK_RETURN_IF_ERROR(make_dir(dir));
    std::error_code ec;
    const fs::path root = fs::absolute(dir, ec);
    if (ec) return io_error(dir.string() + ": " + ec.message());
    if (db.empty()) db = "sqlite://" + (root / "bank.db").string();
    if (storage.empty()) storage = "file://" + (root / "files").string();
  }
  IMAGEBANK_ASSIGN_OR_RETURN(auto catalog, open_catalog_store(db, options.sql));
  IMAGEBANK_ASSIGN_OR_RETURN(auto blobs, open_blob_store(storage));
  return std::make_unique<Bank>(
      std::shared_ptr<CatalogDatabase>(std::move(catalog)),
      std::shared_ptr<BlobStore>(std::move(blobs)));
}

Bank::Bank(std::shared_ptr<CatalogStore> catalog,
           std::shared_ptr<JobQueue> jobs, std::shared_ptr<BlobStore> blobs)
    : catalog_(std::move(catalog)),
      jobs_(std::move(jobs)),
      blobs_(std::move(blobs)),
      api_keys_(std::make_shared<ApiKeys>(catalog_)) {}

Bank::Bank(std::shared_ptr<CatalogDatabase> db,
           std::shared_ptr<BlobStore> blobs)
    : catalog_(db),
      jobs_(std::move(db)),
      blobs_(std::move(blobs)),
      api_keys_(std::make_shared<ApiKeys>(catalog_)) {}

Result<Collection> Bank::collection(std::string_view name) {
  return catalog_->find_collection(name);
}

Result<std::vector<Collection>> Bank::collections() {
  return catalog_->collections();
}

Result<std::optional<RowId>> Bank::collection_id(
    const std::optional<std::string>& name) {
  if (!name) return std::optional<RowId>();
  IMAGEBANK_ASSIGN_OR_RETURN(Collection c, catalog_->find_collection(*name));
  return std::optional<RowId>(c.id);
}

Result<std::vector<Coverage>> Bank::coverage(
    std::optional<std::string> collection,
    const std::vector<std::string>& required_views) {
  IMAGEBANK_ASSIGN_OR_RETURN(auto id, collection_id(collection));
  return catalog_->coverage(id, required_views);
}

Result<std::vector<Product>> Bank::missing_photos(
    std::optional<std::string> collection, std::size_t max_products) {
  IMAGEBANK_ASSIGN_OR_RETURN(auto id, collection_id(collection));
  std::vector<Product> out;
  RowId after = 0;
  do {
    IMAGEBANK_ASSIGN_OR_RETURN(
        auto page, catalog_->products_without_photos(id, after, 10'000));
    for (auto& p : page.items) {
      if (out.size() >= max_products) {
        return limit_exceeded_error("more than " +
                                    std::to_string(max_products) +
                                    " products without photos");
      }
      out.push_back(std::move(p));
    }
    after = page.next_after;
  } while (after != 0);
  return out;
}

Result<std::vector<ImageCount>> Bank::status_counts(
    std::optional<std::string> collection) {
  IMAGEBANK_ASSIGN_OR_RETURN(auto id, collection_id(collection));
  return catalog_->image_counts(id);
}

Result<CarteiraImportResult> Bank::import_carteira(
    const fs::path& file, const CarteiraImportOptions& options) {
  if (options.brand.empty() || options.collection.empty()) {
    return invalid_argument_error(
        file.string() + ": a Carteira import needs a brand and a collection");
  }
  CarteiraImportResult out;
  IMAGEBANK_ASSIGN_OR_RETURN(out.carteira, read_carteira(file, options.read));
  IMAGEBANK_ASSIGN_OR_RETURN(Brand brand,
                             catalog_->upsert_brand(options.brand));
  IMAGEBANK_ASSIGN_OR_RETURN(Collection collection,
                             catalog_->upsert_collection(
                                 brand.id, options.collection, options.season));
  CarteiraImportRequest request;
  request.collection_id = collection.id;
  request.file = file.filename().string();
  request.sheets = out.carteira.sheets;
  request.rows = static_cast<std::int64_t>(out.carteira.rows.size());
  request.issues = static_cast<std::int64_t>(out.carteira.issues.size());
  request.actor = options.actor;
  // A SKU listed on several rows (sizes of one model, a repeated line): the
  // last row's fields win, as a person reading the sheet top-down expects.
  std::map<std::string, std::size_t> index;
  for (const CarteiraRow& row : out.carteira.rows) {
    ProductUpsert p;
    p.sku = row.sku();
    if (p.sku.empty()) continue;
    p.sku_base = upper_without_accents(p.sku);
    const auto& ids = carteira_field_ids();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const FieldValue* v = ids[i] ? row.find(*ids[i]) : nullptr;
      if (v) p.fields.*kCarteiraFieldTable[i].member = to_text(*v);
    }
    for (const auto& [key, value] : row.extra) p.extra[key] = value;
    auto [it, fresh] = index.emplace(p.sku, request.products.size());
    if (fresh) {
      request.products.push_back(std::move(p));
    } else {
      request.products[it->second] = std::move(p);
    }
  }
  auto stored = catalog_->import_products(request);
  if (!stored.ok()) return stored.status().with_context(file.string());
  out.record = std::move(stored).value();
  return out;
}

}  // namespace imagebank
