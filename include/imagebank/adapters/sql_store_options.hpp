// How the SQL adapters of CatalogStore (sql_catalog_store.hpp) open a
// database. A plain struct in a header of its own, so that the facade
// (imagebank/bank/bank.hpp) can carry it in BankOptions without exposing the
// adapter's functions or making its consumers link the adapter.
#pragma once

#include <chrono>
#include <cstddef>

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

}  // namespace imagebank
