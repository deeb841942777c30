// The SQL adapters of CatalogStore and JobQueue: SQLite (embedded) and
// PostgreSQL, both through SOCI. Each opens one CatalogDatabase: the catalog
// and its ingest queue in one database. Opening applies the schema
// migrations this version knows, in order, each in its own transaction,
// recorded in `schema_version`; a database whose schema is newer than this
// build is refused (`conflict`).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>

#include "imagebank/catalog/catalog_database.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

struct SqlStoreOptions {
  // Connections kept open. SQLite: readers run concurrently (WAL), writers
  // take turns. PostgreSQL: at most this many statements in flight.
  std::size_t pool_size = 4;
  // How long a call waits for a free connection, and (SQLite) for the write
  // lock, before it fails with `unavailable`.
  std::chrono::milliseconds busy_timeout{10'000};
  // PostgreSQL: each connection attempt's timeout, and how many attempts
  // (with exponential backoff and jitter) before `unavailable`.
  std::chrono::seconds connect_timeout{5};
  int connect_attempts = 3;
};

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
