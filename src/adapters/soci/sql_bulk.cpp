// Bulk image inserts, the hot path of an ingest: SOCI's per-row execution
// costs more than the database's own work, so each database gets the path
// it is fastest on. SQLite: one prepared statement driven through the C API
// (the SOCI session's own connection, same transaction). PostgreSQL: one
// INSERT ... SELECT FROM unnest(arrays) per chunk, a single round trip
// instead of one per row. Values are always bound parameters; the arrays
// are parameter values in PostgreSQL's array-literal syntax.
#include "adapters/soci/sql_bulk.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>
#include <unordered_map>

#include "adapters/soci/sql_rows.hpp"

namespace imagebank::sql {
namespace {

// soci-sqlite3.h includes sqlite3.h inside this namespace.
using namespace sqlite_api;  // NOLINT

constexpr char kInsertColumns[] =
    "sha256, phash, dhash, pdq, pdq_quality, width, height, format, bytes, "
    "original_name, sku_base, sequence, view, product_id, collection_id, "
    "batch_id, blob_key, status, created_ms, updated_ms, decode_tolerance";

[[noreturn]] void throw_sqlite(sqlite3* db, int rc) {
  throw soci::sqlite3_soci_error(sqlite3_errmsg(db), rc);
}

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const char* sql) : db_(db) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr);
    if (rc != SQLITE_OK) throw_sqlite(db, rc);
  }
  ~SqliteStatement() { sqlite3_finalize(st_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void text(int i, const std::string& s) {
    check(sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()),
                            SQLITE_STATIC));
  }
  void integer(int i, long long v) { check(sqlite3_bind_int64(st_, i, v)); }
  void optional(int i, const std::optional<RowId>& v) {
    check(v ? sqlite3_bind_int64(st_, i, *v) : sqlite3_bind_null(st_, i));
  }
  // Steps once: true with a row, false when done.
  bool step() {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite(db_, rc);
  }
  long long column_int(int i) { return sqlite3_column_int64(st_, i); }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw_sqlite(db_, rc);
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

Status sqlite_insert(soci::session& sql,
                     std::span<const ImageRecord* const> images,
                     std::int64_t now, std::vector<RowId>& ids) {
  // The dialect says this is SQLite's backend (its typeinfo is not
  // exported by libsoci_sqlite3, so no dynamic_cast).
  auto* backend =
      static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  if (backend == nullptr) return internal_error("no SQLite session");
  sqlite3* db = backend->conn_;
  SqliteStatement insert(
      db, (std::string("INSERT INTO images (") + kInsertColumns +
           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
           "?14, ?15, ?16, ?17, ?18, ?19, ?19, ?20) ON CONFLICT (sha256) DO "
           "NOTHING RETURNING id")
              .c_str());
  std::string pdq, status;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const ImageRecord& r = *images[i];
    pdq = pdq_to_text(r.pdq);
    status = std::string(image_status_name(r.status));
    insert.text(1, r.sha256);
    insert.integer(2, to_sql(r.phash));
    insert.integer(3, to_sql(r.dhash));
    insert.text(4, pdq);
    insert.integer(5, r.pdq_quality);
    insert.integer(6, r.width);
    insert.integer(7, r.height);
    insert.text(8, r.format);
    insert.integer(9, static_cast<long long>(r.bytes));
    insert.text(10, r.original_name);
    insert.text(11, r.sku_base);
    insert.integer(12, r.sequence);
    insert.text(13, r.view);
    insert.optional(14, r.product_id);
    insert.optional(15, r.collection_id);
    insert.optional(16, r.batch_id);
    insert.text(17, r.blob_key);
    insert.text(18, status);
    insert.integer(19, now);
    insert.text(20, r.decode_tolerance);
    if (insert.step()) {
      ids[i] = insert.column_int(0);
      while (insert.step()) {
      }
    }
    insert.reset();
  }
  return {};
}

// An element of a PostgreSQL array literal: always quoted, so no value can
// be read as NULL or as a nested array.
void append_element(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

struct ArrayBuilder {
  std::string text = "{";
  void add(std::string_view s) {
    if (text.size() > 1) text += ',';
    append_element(text, s);
  }
  void add(long long v) {
    if (text.size() > 1) text += ',';
    text += std::to_string(v);
  }
  void add(const std::optional<RowId>& v) {
    if (text.size() > 1) text += ',';
    text += v ? std::to_string(*v) : "NULL";
  }
  std::string done() { return text + "}"; }
};

Status postgres_insert(soci::session& sql,
                       std::span<const ImageRecord* const> images,
                       std::int64_t now, std::vector<RowId>& ids) {
  constexpr std::size_t kChunk = 2000;
  for (std::size_t start = 0; start < images.size(); start += kChunk) {
    const std::size_t end = std::min(images.size(), start + kChunk);
    ArrayBuilder a[20];
    for (std::size_t i = start; i < end; ++i) {
      const ImageRecord& r = *images[i];
      a[0].add(r.sha256);
      a[1].add(to_sql(r.phash));
      a[2].add(to_sql(r.dhash));
      a[3].add(pdq_to_text(r.pdq));
      a[4].add(static_cast<long long>(r.pdq_quality));
      a[5].add(static_cast<long long>(r.width));
      a[6].add(static_cast<long long>(r.height));
      a[7].add(r.format);
      a[8].add(static_cast<long long>(r.bytes));
      a[9].add(r.original_name);
      a[10].add(r.sku_base);
      a[11].add(static_cast<long long>(r.sequence));
      a[12].add(r.view);
      a[13].add(r.product_id);
      a[14].add(r.collection_id);
      a[15].add(r.batch_id);
      a[16].add(r.blob_key);
      a[17].add(image_status_name(r.status));
      a[18].add(now);
      a[19].add(r.decode_tolerance);
    }
    std::string values[20];
    for (int k = 0; k < 20; ++k) values[k] = a[k].done();
    std::vector<long long> got_ids(end - start);
    std::vector<std::string> got_shas(end - start);
    soci::statement st =
        (sql.prepare
             << "INSERT INTO images (" << kInsertColumns
             << ") SELECT s, ph, dh, pq, pql, w, h, f, b, o, sb, sq, v, "
                "p, c, bt, k, st, t, t, dt FROM unnest("
                "CAST(:a0 AS text[]), CAST(:a1 AS bigint[]), "
                "CAST(:a2 AS bigint[]), CAST(:a3 AS text[]), "
                "CAST(:a4 AS integer[]), CAST(:a5 AS integer[]), "
                "CAST(:a6 AS integer[]), CAST(:a7 AS text[]), "
                "CAST(:a8 AS bigint[]), CAST(:a9 AS text[]), "
                "CAST(:a10 AS text[]), CAST(:a11 AS integer[]), "
                "CAST(:a12 AS text[]), CAST(:a13 AS bigint[]), "
                "CAST(:a14 AS bigint[]), CAST(:a15 AS bigint[]), "
                "CAST(:a16 AS text[]), CAST(:a17 AS text[]), "
                "CAST(:a18 AS bigint[]), CAST(:a19 AS text[])) AS u(s, ph, dh, "
                "pq, pql, w, h, f, b, o, sb, sq, v, p, c, bt, k, st, t, dt) "
                "ON CONFLICT (sha256) DO NOTHING RETURNING id, sha256",
         soci::use(values[0]), soci::use(values[1]), soci::use(values[2]),
         soci::use(values[3]), soci::use(values[4]), soci::use(values[5]),
         soci::use(values[6]), soci::use(values[7]), soci::use(values[8]),
         soci::use(values[9]), soci::use(values[10]), soci::use(values[11]),
         soci::use(values[12]), soci::use(values[13]), soci::use(values[14]),
         soci::use(values[15]), soci::use(values[16]), soci::use(values[17]),
         soci::use(values[18]), soci::use(values[19]), soci::into(got_ids),
         soci::into(got_shas));
    std::unordered_map<std::string, RowId> inserted;
    if (st.execute(true)) {
      do {
        for (std::size_t j = 0; j < got_ids.size(); ++j)
          inserted[got_shas[j]] = got_ids[j];
      } while (st.fetch());
    }
    for (std::size_t i = start; i < end; ++i) {
      if (auto it = inserted.find(images[i]->sha256); it != inserted.end()) {
        ids[i] = it->second;
      }
    }
  }
  return {};
}

}  // namespace

Status bulk_insert_images(Dialect dialect, soci::session& sql,
                          std::span<const ImageRecord* const> images,
                          std::int64_t now, std::vector<RowId>& ids) {
  ids.assign(images.size(), 0);
  return dialect == Dialect::kSqlite ? sqlite_insert(sql, images, now, ids)
                                     : postgres_insert(sql, images, now, ids);
}

}  // namespace imagebank::sql
