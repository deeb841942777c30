// Opening the SQL stores; row buffers; brands, collections and batches.
#include "adapters/soci/sql_store.hpp"

#include <cstdio>

#include "adapters/soci/sql_rows.hpp"
#include "adapters/soci/sql_schema.hpp"
#include "imagebank/core/text.hpp"

namespace imagebank {

int latest_catalog_schema_version() noexcept {
  return sql::latest_schema_version();
}

Result<std::unique_ptr<CatalogDatabase>> open_sqlite_catalog(
    const std::filesystem::path& path, const SqlStoreOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(auto pool,
                             sql::ConnectionPool::open_sqlite(path, options));
  IMAGEBANK_RETURN_IF_ERROR(sql::migrate(*pool));
  return std::unique_ptr<CatalogDatabase>(
      std::make_unique<sql::SqlCatalogStore>(std::move(pool)));
}

Result<std::unique_ptr<CatalogDatabase>> open_postgresql_catalog(
    std::string_view uri, const SqlStoreOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(auto pool,
                             sql::ConnectionPool::open_postgres(uri, options));
  IMAGEBANK_RETURN_IF_ERROR(sql::migrate(*pool));
  return std::unique_ptr<CatalogDatabase>(
      std::make_unique<sql::SqlCatalogStore>(std::move(pool)));
}

namespace sql {

std::string pdq_to_text(const PdqBytes& pdq) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (std::uint8_t b : pdq) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Result<PdqBytes> pdq_from_text(const std::string& text) {
  PdqBytes out{};
  if (text.size() != 64)
    return corrupt_data_error("stored PDQ hash is not 64 hex digits");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return corrupt_data_error("stored PDQ hash is not hex");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

void ImageRow::exchange_into(soci::statement& st) {
  st.exchange(soci::into(id));
  st.exchange(soci::into(sha256));
  st.exchange(soci::into(phash));
  st.exchange(soci::into(dhash));
  st.exchange(soci::into(pdq));
  st.exchange(soci::into(pdq_quality));
  st.exchange(soci::into(width));
  st.exchange(soci::into(height));
  st.exchange(soci::into(format));
  st.exchange(soci::into(bytes));
  st.exchange(soci::into(original_name));
  st.exchange(soci::into(sku_base));
  st.exchange(soci::into(sequence));
  st.exchange(soci::into(view));
  st.exchange(soci::into(product_id, product_ind));
  st.exchange(soci::into(collection_id, collection_ind));
  st.exchange(soci::into(batch_id, batch_ind));
  st.exchange(soci::into(blob_key));
  st.exchange(soci::into(status));
  st.exchange(soci::into(created_ms));
  st.exchange(soci::into(updated_ms));
  st.exchange(soci::into(decode_tolerance));
}

Result<ImageRecord> ImageRow::to_image() const {
  ImageRecord out;
  out.id = id;
  out.sha256 = sha256;
  out.phash = from_sql(phash);
  out.dhash = from_sql(dhash);
  IMAGEBANK_ASSIGN_OR_RETURN(out.pdq, pdq_from_text(pdq));
  out.pdq_quality = pdq_quality;
  out.width = static_cast<std::uint32_t>(width);
  out.height = static_cast<std::uint32_t>(height);
  out.format = format;
  out.bytes = static_cast<std::uint64_t>(bytes);
  out.original_name = original_name;
  out.sku_base = sku_base;
  out.sequence = sequence;
  out.view = view;
  if (product_ind == soci::i_ok) out.product_id = product_id;
  if (collection_ind == soci::i_ok) out.collection_id = collection_id;
  if (batch_ind == soci::i_ok) out.batch_id = batch_id;
  out.blob_key = blob_key;
  IMAGEBANK_ASSIGN_OR_RETURN(out.status, parse_image_status(status));
  out.created_ms = created_ms;
  out.decode_tolerance = decode_tolerance;
  out.updated_ms = updated_ms;
  return out;
}

const std::string& carteira_field_columns() {
  static const std::string kColumns = [] {
    std::string out;
    for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
      if (!out.empty()) out += ", ";
      out += f.name;
    }
    return out;
  }();
  return kColumns;
}

const std::string& product_columns() {
  static const std::string kColumns =
      "id, collection_id, sku, sku_base, " + carteira_field_columns() +
      ", extra, carteira_import_id, created_ms, updated_ms";
  return kColumns;
}

void ProductRow::exchange_into(soci::statement& st) {
  st.exchange(soci::into(id));
  st.exchange(soci::into(collection_id));
  st.exchange(soci::into(sku));
  st.exchange(soci::into(sku_base));
  for (const CarteiraFieldMember& f : kCarteiraFieldTable) {
    st.exchange(soci::into(fields.*f.member));
  }
  st.exchange(soci::into(extra));
  st.exchange(soci::into(carteira_import_id, import_ind));
  st.exchange(soci::into(created_ms));
  st.exchange(soci::into(updated_ms));
}

Status check_text(std::string_view field, std::string_view value,
                  std::size_t max_bytes, bool allow_empty) {
  if (!allow_empty && value.empty()) {
    return invalid_argument_error(std::string(field) + " is empty");
  }
  if (value.size() > max_bytes) {
    return invalid_argument_error(std::string(field) + " is longer than " +
                                  std::to_string(max_bytes) + " bytes");
  }
  if (!is_valid_utf8(value) || value.find('\0') != std::string_view::npos) {
    return invalid_argument_error(std::string(field) +
                                  " is not valid UTF-8 text");
  }
  return {};
}

Status add_history(soci::session& sql, SkuSubject subject, RowId subject_id,
                   const std::string& old_sku, const std::string& new_sku,
                   std::string_view actor, std::string_view reason) {
  const std::string subject_name(sku_subject_name(subject));
  const std::string who(actor), why(reason);
  const long long id = subject_id, at = now_ms();
  sql << "INSERT INTO sku_history (subject, subject_id, old_sku, new_sku, "
         "actor, reason, at_ms) VALUES (:s, :i, :o, :n, :a, :r, :t)",
      soci::use(subject_name), soci::use(id), soci::use(old_sku),
      soci::use(new_sku), soci::use(who), soci::use(why), soci::use(at);
  return {};
}

Result<int> SqlCatalogStore::schema_version() {
  int version = 0;
  IMAGEBANK_RETURN_IF_ERROR(read("schema_version", [&](soci::session& sql) {
    sql << "SELECT MAX(version) FROM schema_version", soci::into(version);
    return Status();
  }));
  return version;
}

Result<Brand> SqlCatalogStore::upsert_brand(std::string_view name) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("brand name", name, 200, false));
  Brand out;
  out.name = std::string(name);
  IMAGEBANK_RETURN_IF_ERROR(write("upsert_brand", [&](soci::session& sql) {
    const long long at = now_ms();
    sql << "INSERT INTO brands (name, created_ms) VALUES (:n, :t) "
           "ON CONFLICT (name) DO NOTHING",
        soci::use(out.name), soci::use(at);
    long long id = 0, created = 0;
    sql << "SELECT id, created_ms FROM brands WHERE name = :n", soci::into(id),
        soci::into(created), soci::use(out.name);
    out.id = id;
    out.created_ms = created;
    return Status();
  }));
  return out;
}

Result<Collection> SqlCatalogStore::upsert_collection(RowId brand_id,
                                                      std::string_view name,
                                                      std::string_view season) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("collection name", name, 200, false));
  IMAGEBANK_RETURN_IF_ERROR(check_text("season", season, 200, true));
  Collection out;
  out.brand_id = brand_id;
  out.name = std::string(name);
  out.season = std::string(season);
  IMAGEBANK_RETURN_IF_ERROR(write("upsert_collection", [&](soci::session& sql) {
    long long brand = brand_id;
    int found = 0;
    sql << "SELECT COUNT(*) FROM brands WHERE id = :b", soci::into(found),
        soci::use(brand);
    if (found == 0) {
      return not_found_error("brand " + std::to_string(brand_id) +
                             " does not exist");
    }
    const long long at = now_ms();
    // A season given later fills in; an empty one never erases.
    sql << "INSERT INTO collections (brand_id, name, season, created_ms) "
           "VALUES (:b, :n, :s, :t) ON CONFLICT (brand_id, name) DO UPDATE "
           "SET season = CASE WHEN excluded.season = '' THEN "
           "collections.season ELSE excluded.season END",
        soci::use(brand), soci::use(out.name), soci::use(out.season),
        soci::use(at);
    long long id = 0, created = 0;
    sql << "SELECT id, season, created_ms FROM collections "
           "WHERE brand_id = :b AND name = :n",
        soci::into(id), soci::into(out.season), soci::into(created),
        soci::use(brand), soci::use(out.name);
    out.id = id;
    out.created_ms = created;
    return Status();
  }));
  return out;
}

Result<std::vector<Brand>> SqlCatalogStore::brands() {
  std::vector<Brand> out;
  IMAGEBANK_RETURN_IF_ERROR(read("brands", [&](soci::session& sql) {
    out.clear();
    long long id = 0, created = 0;
    std::string name;
    soci::statement st =
        (sql.prepare << "SELECT id, name, created_ms FROM "
                        "brands ORDER BY name, id",
         soci::into(id), soci::into(name), soci::into(created));
    st.execute(false);
    while (st.fetch()) out.push_back(Brand{id, name, created});
    return Status();
  }));
  return out;
}

namespace {

Status fetch_collections(soci::session& sql, const std::string& where,
                         long long* param, std::vector<Collection>& out) {
  long long id = 0, brand = 0, created = 0;
  std::string name, season;
  soci::statement st(sql);
  st.exchange(soci::into(id));
  st.exchange(soci::into(brand));
  st.exchange(soci::into(name));
  st.exchange(soci::into(season));
  st.exchange(soci::into(created));
  if (param != nullptr) st.exchange(soci::use(*param));
  st.alloc();
  st.prepare("SELECT id, brand_id, name, season, created_ms FROM collections " +
             where + " ORDER BY id");
  st.define_and_bind();
  st.execute(false);
  while (st.fetch())
    out.push_back(Collection{id, brand, name, season, created});
  return {};
}

}  // namespace

Result<std::vector<Collection>> SqlCatalogStore::collections(
    std::optional<RowId> brand_id) {
  std::vector<Collection> out;
  long long brand = brand_id.value_or(0);
  IMAGEBANK_RETURN_IF_ERROR(read("collections", [&](soci::session& sql) {
    out.clear();
    return brand_id ? fetch_collections(sql, "WHERE brand_id = :b", &brand, out)
                    : fetch_collections(sql, "", nullptr, out);
  }));
  return out;
}

Result<Collection> SqlCatalogStore::find_collection(std::string_view name) {
  IMAGEBANK_RETURN_IF_ERROR(check_text("collection name", name, 200, false));
  std::vector<Collection> found;
  std::string n(name);
  IMAGEBANK_RETURN_IF_ERROR(read("find_collection", [&](soci::session& sql) {
    found.clear();
    long long id = 0, brand = 0, created = 0;
    std::string cname, season;
    soci::statement st =
        (sql.prepare << "SELECT id, brand_id, name, season, "
                        "created_ms FROM collections WHERE "
                        "name = :n ORDER BY id",
         soci::into(id), soci::into(brand), soci::into(cname),
         soci::into(season), soci::into(created), soci::use(n));
    st.execute(false);
    while (st.fetch())
      found.push_back(Collection{id, brand, cname, season, created});
    return Status();
  }));
  if (found.empty()) return not_found_error("no collection named '" + n + "'");
  if (found.size() > 1) {
    return conflict_error("collection name '" + n + "' belongs to " +
                          std::to_string(found.size()) +
                          " brands; name the brand");
  }
  return found.front();
}

Result<Batch> SqlCatalogStore::create_batch(RowId collection_id,
                                            std::string_view source,
                                            std::string_view analysis) {
  IMAGEBANK_RETURN_IF_ERROR(
      check_text("batch source", source, 16u << 20, true));
  IMAGEBANK_RETURN_IF_ERROR(check_text("batch analysis", analysis, 4096, true));
  Batch out;
  out.collection_id = collection_id;
  out.state = BatchState::kQueued;
  out.source = std::string(source);
  out.receiving = true;
  out.analysis = std::string(analysis);
  const std::string state(batch_state_name(out.state));
  IMAGEBANK_RETURN_IF_ERROR(write("create_batch", [&](soci::session& sql) {
    const long long collection = collection_id, at = now_ms();
    soci::indicator collection_ind =
        collection_id != 0 ? soci::i_ok : soci::i_null;
    long long id = 0;
    sql << "INSERT INTO batches (collection_id, state, source, receiving, "
           "analysis, created_ms, updated_ms) VALUES (:c, :s, :src, 1, :a, "
           ":t, :t2) RETURNING id",
        soci::use(collection, collection_ind), soci::use(state),
        soci::use(out.source), soci::use(out.analysis), soci::use(at),
        soci::use(at), soci::into(id);
    out.id = id;
    out.created_ms = out.updated_ms = at;
    return Status();
  }));
  return out;
}

Result<Batch> SqlCatalogStore::get_batch(RowId id) {
  Batch out;
  IMAGEBANK_RETURN_IF_ERROR(read("get_batch", [&](soci::session& sql) {
    IMAGEBANK_ASSIGN_OR_RETURN(out, load_batch(sql, id));
    return Status();
  }));
  return out;
}

}  // namespace sql
}  // namespace imagebank
