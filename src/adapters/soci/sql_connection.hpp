// Connections of the SQL adapters: a pool of SOCI sessions, transactions
// that commit or roll back as a whole, and the translation of SOCI's
// exceptions into Status. Internal to the adapter.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "imagebank/adapters/sql_catalog_store.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::sql {

enum class Dialect { kSqlite, kPostgres };

enum class TxKind {
  kRead,   // a consistent snapshot
  kWrite,  // SQLite: takes the write lock up front (BEGIN IMMEDIATE), so two
           // writers never deadlock upgrading a read lock
};

class ConnectionPool {
 public:
  static Result<std::unique_ptr<ConnectionPool>> open_sqlite(
      const std::filesystem::path& path, const SqlStoreOptions& options);
  static Result<std::unique_ptr<ConnectionPool>> open_postgres(
      std::string_view uri, const SqlStoreOptions& options);
  ~ConnectionPool();

  Dialect dialect() const noexcept { return dialect_; }
  // The database's URI without a password, for messages.
  const std::string& uri() const noexcept { return uri_; }

  // Runs `fn` in a transaction on a leased connection. Commits when `fn`
  // returns OK; rolls back when it returns an error or throws. SOCI errors
  // become Status (see status_from_exception). PostgreSQL serialization
  // failures and deadlocks, and a connection found broken before any work
  // was done, are retried a few times. `what` names the operation.
  Status transact(std::string_view what, TxKind kind,
                  const std::function<Status(soci::session&)>& fn);

 private:
  ConnectionPool(Dialect dialect, std::string uri, std::size_t size,
                 const SqlStoreOptions& options);
  Status connect_all(const std::string& connect_string);
  Status configure(soci::session& session);

  Dialect dialect_;
  std::string uri_;
  SqlStoreOptions options_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::size_t size_;
};

// The Status of the exception being handled (call inside a catch block):
// constraint violations → conflict, connection failures and lock timeouts →
// unavailable, disk full and I/O errors → io_error, a damaged file →
// corrupt_data, anything else → internal.
Status status_from_current_exception(std::string_view context);

// Milliseconds since the Unix epoch.
std::int64_t now_ms();

}  // namespace imagebank::sql
