// The catalog schema and its migrations. Each migration is a list of
// statements written once for both databases; the few words that differ are
// placeholders ({id} for the key column, {real} for a float).
#include "adapters/soci/sql_schema.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace imagebank::sql {
namespace {

struct Migration {
  int version;
  std::vector<const char*> statements;
};

// Times are milliseconds since the Unix epoch (BIGINT) in both databases, so
// no value changes meaning between them. Hashes are BIGINT bit patterns of
// the unsigned 64-bit values; PDQ is 64 hex digits.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       {
           R"(CREATE TABLE brands (
                id {id},
                name TEXT NOT NULL UNIQUE,
                created_ms BIGINT NOT NULL))",
           R"(CREATE TABLE collections (
                id {id},
                brand_id BIGINT NOT NULL REFERENCES brands(id),
                name TEXT NOT NULL,
                season TEXT NOT NULL DEFAULT '',
                created_ms BIGINT NOT NULL,
                UNIQUE (brand_id, name)))",
           R"(CREATE INDEX collections_name ON collections(name))",
           R"(CREATE TABLE carteira_imports (
                id {id},
                collection_id BIGINT NOT NULL REFERENCES collections(id),
                file TEXT NOT NULL,
                sheets TEXT NOT NULL,
                row_count BIGINT NOT NULL,
                issue_count BIGINT NOT NULL,
                products_created BIGINT NOT NULL,
                products_updated BIGINT NOT NULL,
                imported_ms BIGINT NOT NULL))",
           R"(CREATE TABLE products (
                id {id},
                collection_id BIGINT NOT NULL REFERENCES collections(id),
                sku TEXT NOT NULL,
                sku_base TEXT NOT NULL,
                nome_peca TEXT NOT NULL DEFAULT '',
                categoria TEXT NOT NULL DEFAULT '',
                subcategoria TEXT NOT NULL DEFAULT '',
                tipo_peca TEXT NOT NULL DEFAULT '',
                origem TEXT NOT NULL DEFAULT '',
                marca TEXT NOT NULL DEFAULT '',
                colecao TEXT NOT NULL DEFAULT '',
                cor TEXT NOT NULL DEFAULT '',
                tamanho TEXT NOT NULL DEFAULT '',
                quantidade TEXT NOT NULL DEFAULT '',
                preco_custo TEXT NOT NULL DEFAULT '',
                preco_venda TEXT NOT NULL DEFAULT '',
                fornecedor TEXT NOT NULL DEFAULT '',
                data_entrega TEXT NOT NULL DEFAULT '',
                extra TEXT NOT NULL DEFAULT '{}',
                carteira_import_id BIGINT REFERENCES carteira_imports(id),
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL,
                UNIQUE (collection_id, sku)))",
           R"(CREATE INDEX products_sku_base ON products(collection_id, sku_base))",
           R"(CREATE TABLE batches (
                id {id},
                collection_id BIGINT REFERENCES collections(id),
                state TEXT NOT NULL,
                source TEXT NOT NULL DEFAULT '',
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL))",
           R"(CREATE TABLE images (
                id {id},
                sha256 TEXT NOT NULL UNIQUE,
                phash BIGINT NOT NULL,
                dhash BIGINT NOT NULL,
                pdq TEXT NOT NULL,
                pdq_quality INTEGER NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                format TEXT NOT NULL,
                bytes BIGINT NOT NULL,
                original_name TEXT NOT NULL,
                sku_base TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                view TEXT NOT NULL,
                product_id BIGINT REFERENCES products(id),
                collection_id BIGINT REFERENCES collections(id),
                batch_id BIGINT REFERENCES batches(id),
                blob_key TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN
                  ('pending', 'pending_ai_analysis', 'approved', 'rejected')),
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL))",
           R"(CREATE INDEX images_phash ON images(phash))",
           R"(CREATE INDEX images_sku_base ON images(sku_base))",
           R"(CREATE INDEX images_status ON images(status))",
           R"(CREATE INDEX images_collection ON images(collection_id, status))",
           R"(CREATE INDEX images_batch ON images(batch_id))",
           R"(CREATE INDEX images_product ON images(product_id, status, view))",
           R"(CREATE TABLE variants (
                image_id BIGINT NOT NULL REFERENCES images(id),
                preset TEXT NOT NULL,
                format TEXT NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                bytes BIGINT NOT NULL,
                blob_key TEXT NOT NULL,
                PRIMARY KEY (image_id, preset, format)))",
           R"(CREATE TABLE image_items (
                id {id},
                image_id BIGINT NOT NULL REFERENCES images(id),
                position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 3),
                label TEXT NOT NULL,
                box TEXT NOT NULL,
                attributes TEXT NOT NULL,
                UNIQUE (image_id, position)))",
           R"(CREATE TABLE ai_analyses (
                id {id},
                image_id BIGINT NOT NULL REFERENCES images(id),
                item_position INTEGER,
                description TEXT NOT NULL,
                tags TEXT NOT NULL,
                color TEXT NOT NULL,
                material TEXT NOT NULL,
                confidence {real} NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                raw_json TEXT NOT NULL,
                created_ms BIGINT NOT NULL))",
           R"(CREATE INDEX ai_analyses_image ON ai_analyses(image_id))",
           R"(CREATE TABLE sku_history (
                id {id},
                subject TEXT NOT NULL,
                subject_id BIGINT NOT NULL,
                old_sku TEXT NOT NULL,
                new_sku TEXT NOT NULL,
                actor TEXT NOT NULL,
                reason TEXT NOT NULL,
                at_ms BIGINT NOT NULL))",
           R"(CREATE INDEX sku_history_subject ON sku_history(subject, subject_id))",
           R"(CREATE TABLE jobs (
                id {id},
                batch_id BIGINT NOT NULL REFERENCES batches(id),
                original_name TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                bytes BIGINT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                lease_until_ms BIGINT NOT NULL DEFAULT 0,
                error TEXT NOT NULL DEFAULT '',
                image_id BIGINT REFERENCES images(id),
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL))",
           R"(CREATE INDEX jobs_batch_state ON jobs(batch_id, state))",
       }},
      // The ingest queue: jobs keyed by their file within the batch, leased
      // to a named worker; near-duplicates kept for review.
      {2,
       {
           R"(ALTER TABLE batches ADD COLUMN receiving INTEGER NOT NULL
                DEFAULT 1)",
           R"(ALTER TABLE jobs ADD COLUMN source_path TEXT NOT NULL
                DEFAULT '')",
           R"(ALTER TABLE jobs ADD COLUMN worker TEXT NOT NULL DEFAULT '')",
           // Jobs written before source_path existed get a distinct path, so
           // the unique index below can be built over them.
           R"(UPDATE jobs SET source_path = 'job:' || CAST(id AS TEXT)
                WHERE source_path = '')",
           R"(CREATE UNIQUE INDEX jobs_batch_source
                ON jobs(batch_id, source_path))",
           // Leasing scans the received jobs in (batch_id, id) order; expiry
           // and lease_holders read the leased ones.
           R"(CREATE INDEX jobs_state_batch ON jobs(state, batch_id, id))",
           R"(CREATE TABLE near_duplicates (
                image_id BIGINT NOT NULL REFERENCES images(id),
                other_image_id BIGINT NOT NULL REFERENCES images(id),
                distance INTEGER NOT NULL,
                algorithm TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                PRIMARY KEY (image_id, other_image_id, algorithm)))",
           R"(CREATE INDEX near_duplicates_other
                ON near_duplicates(other_image_id))",
       }},
      // A job's failure as its error code and its message, so retry
      // decisions read the code. Older rows held "<code>: <message>" in
      // `error`: split where the prefix is a known code; any other text is
      // kept whole as an internal error.
      {3,
       {
           R"(ALTER TABLE jobs ADD COLUMN error_code TEXT NOT NULL
                DEFAULT '')",
           R"(UPDATE jobs SET error_code = CASE
                  WHEN substr(error, 1, 18) = 'invalid_argument: ' THEN 'invalid_argument'
                  WHEN substr(error, 1, 11) = 'not_found: ' THEN 'not_found'
                  WHEN substr(error, 1, 14) = 'corrupt_data: ' THEN 'corrupt_data'
                  WHEN substr(error, 1, 20) = 'unsupported_format: ' THEN 'unsupported_format'
                  WHEN substr(error, 1, 16) = 'limit_exceeded: ' THEN 'limit_exceeded'
                  WHEN substr(error, 1, 10) = 'io_error: ' THEN 'io_error'
                  WHEN substr(error, 1, 13) = 'unavailable: ' THEN 'unavailable'
                  WHEN substr(error, 1, 10) = 'conflict: ' THEN 'conflict'
                  WHEN substr(error, 1, 10) = 'internal: ' THEN 'internal'
                  ELSE 'internal' END
                WHERE error <> '')",
           R"(UPDATE jobs SET error = substr(error, length(error_code) + 3)
                WHERE error_code <> '' AND
                  substr(error, 1, length(error_code) + 2) = error_code || ': ')",
       }},
      // The server's API keys: the SHA-256 of each key, never the key.
      {4,
       {
           R"(CREATE TABLE api_keys (
                id {id},
                name TEXT NOT NULL,
                prefix TEXT NOT NULL UNIQUE,
                secret_hash TEXT NOT NULL,
                scopes TEXT NOT NULL,
                created_ms BIGINT NOT NULL,
                revoked_ms BIGINT))",
       }},
      // Vision analyses: the cache key (content, schema version), the
      // answer's other fields, its cost, and failed attempts with their
      // reason.
      {5,
       {
           R"(ALTER TABLE ai_analyses ADD COLUMN sha256 TEXT NOT NULL
                DEFAULT '')",
           R"(ALTER TABLE ai_analyses ADD COLUMN schema_version INTEGER
                NOT NULL DEFAULT 0)",
           R"(ALTER TABLE ai_analyses ADD COLUMN garment_type TEXT NOT NULL
                DEFAULT '')",
           R"(ALTER TABLE ai_analyses ADD COLUMN style TEXT NOT NULL
                DEFAULT '')",
           R"(ALTER TABLE ai_analyses ADD COLUMN colors TEXT NOT NULL
                DEFAULT '[]')",
           R"(ALTER TABLE ai_analyses ADD COLUMN input_tokens BIGINT NOT NULL
                DEFAULT 0)",
           R"(ALTER TABLE ai_analyses ADD COLUMN output_tokens BIGINT
                NOT NULL DEFAULT 0)",
           R"(ALTER TABLE ai_analyses ADD COLUMN quality TEXT NOT NULL
                DEFAULT '')",
           R"(ALTER TABLE ai_analyses ADD COLUMN blurhash TEXT NOT NULL
                DEFAULT '')",
           R"(ALTER TABLE ai_analyses ADD COLUMN error_code TEXT NOT NULL
                DEFAULT '')",
           R"(ALTER TABLE ai_analyses ADD COLUMN error TEXT NOT NULL
                DEFAULT '')",
           R"(CREATE INDEX ai_analyses_cache ON ai_analyses(sha256, provider,
                model, schema_version))",
           R"(CREATE INDEX ai_analyses_key ON ai_analyses(provider, model,
                schema_version, image_id))",
       }},
      // Job kinds: a batch may ask for its new images to be described by
      // vision analyzers, each as an analyze job of its own beside the
      // process job that made the image. Paths are unique per kind, and
      // leasing scans the received jobs of one kind.
      {6,
       {
           R"(ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL
                DEFAULT 'process')",
           R"(ALTER TABLE batches ADD COLUMN analysis TEXT NOT NULL
                DEFAULT '')",
           R"(DROP INDEX jobs_batch_source)",
           R"(CREATE UNIQUE INDEX jobs_batch_source
                ON jobs(batch_id, kind, source_path))",
           R"(DROP INDEX jobs_state_batch)",
           R"(CREATE INDEX jobs_state_kind ON jobs(state, kind, batch_id,
                id))",
       }},
      // Decoding policy: what the original needed tolerated (a JPEG's
      // extraneous bytes, an ancillary PNG chunk's bad CRC, ...).
      {7,
       {
           R"(ALTER TABLE images ADD COLUMN decode_tolerance TEXT NOT NULL
                DEFAULT '')",
       }},
      // Cross-SKU conflicts: a photo filed under two SKUs (exact or near),
      // with the names and SKUs a reviewer needs even after a photo is
      // discarded (its id then goes NULL), and how it was resolved. One row
      // per arriving file's job and stored image, so a resumed job adds none.
      {8,
       {
           R"(CREATE TABLE conflicts (
                id {id},
                kind TEXT NOT NULL CHECK (kind IN ('exact', 'near')),
                image_id BIGINT REFERENCES images(id),
                image_name TEXT NOT NULL,
                image_sku TEXT NOT NULL,
                other_image_id BIGINT REFERENCES images(id),
                other_name TEXT NOT NULL,
                other_sku TEXT NOT NULL,
                batch_id BIGINT REFERENCES batches(id),
                job_id BIGINT REFERENCES jobs(id),
                collection_id BIGINT REFERENCES collections(id),
                distance INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN
                  ('open', 'relinked', 'discarded', 'dismissed')),
                resolved_by TEXT NOT NULL DEFAULT '',
                resolved_sku TEXT NOT NULL DEFAULT '',
                resolved_ms BIGINT NOT NULL DEFAULT 0,
                created_ms BIGINT NOT NULL,
                UNIQUE (job_id, image_id)))",
           R"(CREATE INDEX conflicts_state ON conflicts(state, id))",
           R"(CREATE INDEX conflicts_batch ON conflicts(batch_id))",
           R"(CREATE INDEX conflicts_image ON conflicts(image_id))",
           R"(CREATE INDEX conflicts_other ON conflicts(other_image_id))",
       }},
      // URL-list batches: a long list is split into parts that share a
      // group (the first part's id) and know their number.
      {9,
       {
           R"(ALTER TABLE batches ADD COLUMN group_id BIGINT)",
           R"(ALTER TABLE batches ADD COLUMN part INTEGER NOT NULL
                DEFAULT 0)",
       }},
      // A batch's paths in byte order, a page at a time (list_source_paths,
      // the receive step's merge). SQLite's jobs_batch_source is already in
      // byte order; PostgreSQL's follows the database's collation.
      {10,
       {
           R"({postgres}CREATE INDEX jobs_batch_path_bytes ON jobs(batch_id,
                kind, source_path COLLATE "C"))",
       }},
  };
  return kMigrations;
}

// A statement for one dialect: "{id}" and "{real}" become its types; one
// that starts with "{postgres}" is for PostgreSQL only (empty for SQLite).
std::string render(const char* statement, Dialect dialect) {
  constexpr std::string_view kPostgresOnly = "{postgres}";
  std::string out(statement);
  if (out.starts_with(kPostgresOnly)) {
    if (dialect != Dialect::kPostgres) return {};
    out.erase(0, kPostgresOnly.size());
  }
  auto replace = [&](std::string_view from, std::string_view to) {
    for (auto at = out.find(from); at != std::string::npos;
         at = out.find(from, at + to.size())) {
      out.replace(at, from.size(), to);
    }
  };
  if (dialect == Dialect::kSqlite) {
    replace("{id}", "INTEGER PRIMARY KEY");
    replace("{real}", "REAL");
  } else {
    replace("{id}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    replace("{real}", "DOUBLE PRECISION");
  }
  return out;
}

}  // namespace

int latest_schema_version() noexcept { return migrations().back().version; }

Status migrate(ConnectionPool& pool) {
  return pool.transact("migrate", TxKind::kWrite, [&](soci::session& sql) {
    if (pool.dialect() == Dialect::kPostgres) {
      // Two processes opening a new database at once: one migrates, the
      // other waits here and then finds the work done.
      sql << "SELECT pg_advisory_xact_lock(7305652031)";
    }
    sql << "CREATE TABLE IF NOT EXISTS schema_version ("
           "version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)";
    int current = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(version) FROM schema_version", soci::into(current, ind);
    if (ind != soci::i_ok) current = 0;
    if (current > latest_schema_version()) {
      return conflict_error(pool.uri() + ": the database has schema version " +
                            std::to_string(current) +
                            ", newer than this imagebank understands (" +
                            std::to_string(latest_schema_version()) +
                            "); upgrade imagebank");
    }
    for (const Migration& m : migrations()) {
      if (m.version <= current) continue;
      for (const char* statement : m.statements) {
        const std::string text = render(statement, pool.dialect());
        if (!text.empty()) sql << text;
      }
      const std::int64_t at = now_ms();
      sql << "INSERT INTO schema_version (version, applied_ms) VALUES (:v, :t)",
          soci::use(m.version), soci::use(at);
    }
    return Status();
  });
}

}  // namespace imagebank::sql
