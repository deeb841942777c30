// The SQL adapters of CatalogStore and JobQueue: SQLite (embedded) and
// PostgreSQL, both through SOCI. Each opens one CatalogDatabase: the catalog
// and its ingest queue in one database. Opening applies the schema
// migrations this version knows, in order, each in its own transaction,
// recorded in `schema_version`; a database whose schema is newer than this
// build is refused (`conflict`).
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "imagebank/adapters/sql_store_options.hpp"
#include "imagebank/catalog/catalog_database.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

// `path` is created if missing (its directory must exist). The database runs
// in WAL mode with synchronous=FULL and foreign keys on.
Result<std::unique_ptr<CatalogDatabase>> open_sqlite_catalog(
    const std::filesystem::path& path, const SqlStoreOptions& options = {});

// `uri`: "postgresql://user[:password]@host[:port]/db[?param=value...]"
// (libpq's URI syntax; credentials may also come from PGPASSWORD/.pgpass).
Result<std::unique_ptr<CatalogDatabase>> open_postgresql_catalog(
    std::string_view uri, const SqlStoreOptions& options = {});

// The schema version this build creates and understands.
int latest_catalog_schema_version() noexcept;

}  // namespace imagebank
