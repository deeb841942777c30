#include "adapters/soci/sql_connection.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <new>
#include <random>
#include <string>
#include <thread>

namespace imagebank::sql {
namespace {

// SQLite's primary result codes (sqlite3.h), without including it here.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteReadonly = 8;
constexpr int kSqliteIoerr = 10;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantopen = 14;
constexpr int kSqliteConstraint = 19;
constexpr int kSqliteNotadb = 26;

std::string join(std::string_view context, std::string_view reason) {
  std::string out(context);
  out += ": ";
  out += reason;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

Status from_sqlite(std::string_view context,
                   const soci::sqlite3_soci_error& e) {
  switch (e.result() & 0xff) {
    case kSqliteBusy:
    case kSqliteLocked:
      return unavailable_error(
          join(context, std::string("database is locked (") + e.what() + ")"));
    case kSqliteFull:
      return io_error(join(context, std::string("disk full: ") + e.what()));
    case kSqliteIoerr:
    case kSqliteReadonly:
    case kSqliteCantopen:
      return io_error(join(context, e.what()));
    case kSqliteCorrupt:
    case kSqliteNotadb:
      return corrupt_data_error(join(context, e.what()));
    case kSqliteConstraint:
      return conflict_error(join(context, e.what()));
    default:
      return internal_error(join(context, e.what()));
  }
}

Status from_postgres(std::string_view context,
                     const soci::postgresql_soci_error& e) {
  const std::string state = e.sqlstate();
  const std::string_view cls = std::string_view(state).substr(0, 2);
  if (cls == "23") return conflict_error(join(context, e.what()));
  if (cls == "08" || cls == "57" || state == "53300") {
    return unavailable_error(join(context, e.what()));
  }
  if (cls == "53" || cls == "58") return io_error(join(context, e.what()));
  if (cls == "XX") return corrupt_data_error(join(context, e.what()));
  if (cls == "40") return unavailable_error(join(context, e.what()));
  if (cls == "22") return invalid_argument_error(join(context, e.what()));
  return internal_error(join(context, e.what()));
}

// Serialization failure and deadlock: the server rolled back; a retry runs
// the transaction again from the start.
bool is_retryable_postgres(const std::string& sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

std::string redact_password(std::string_view uri) {
  // postgresql://user:secret@host/db → postgresql://user@host/db
  const auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) return std::string(uri);
  const auto at = uri.find('@', scheme + 3);
  const auto slash = uri.find('/', scheme + 3);
  if (at == std::string_view::npos ||
      (slash != std::string_view::npos && slash < at)) {
    return std::string(uri);
  }
  const auto colon = uri.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(uri);
  std::string out(uri.substr(0, colon));
  out += uri.substr(at);
  return out;
}

void sleep_backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const int base_ms = std::min(2000, 100 << std::min(attempt, 5));
  std::uniform_int_distribution<int> jitter(base_ms / 2, base_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
}

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status status_from_current_exception(std::string_view context) {
  try {
    throw;
  } catch (const soci::sqlite3_soci_error& e) {
    return from_sqlite(context, e);
  } catch (const soci::postgresql_soci_error& e) {
    return from_postgres(context, e);
  } catch (const soci::soci_error& e) {
    // SOCI says "Session is not connected" (no category) for a session
    // whose reconnection failed: the server is still down.
    if (e.get_error_category() == soci::soci_error::connection_error ||
        std::string_view(e.what()).find("Session is not connected") !=
            std::string_view::npos) {
      return unavailable_error(join(context, e.what()));
    }
    if (e.get_error_category() == soci::soci_error::constraint_violation) {
      return conflict_error(join(context, e.what()));
    }
    return internal_error(join(context, e.what()));
  } catch (const std::bad_alloc&) {
    return internal_error(join(context, "out of memory"));
  } catch (const std::exception& e) {
    return internal_error(join(context, e.what()));
  } catch (...) {
    return internal_error(join(context, "unknown exception"));
  }
}

ConnectionPool::ConnectionPool(Dialect dialect, std::string uri,
                               std::size_t size, const SqlStoreOptions& options)
    : dialect_(dialect),
      uri_(std::move(uri)),
      options_(options),
      pool_(std::make_unique<soci::connection_pool>(size)),
      size_(size) {}

ConnectionPool::~ConnectionPool() = default;

Status ConnectionPool::configure(soci::session& session) {
  if (dialect_ == Dialect::kSqlite) {
    // WAL lets readers run beside the writer; FULL makes every commit
    // durable across a power cut (the job ledger depends on it).
    std::string journal;
    session << "PRAGMA journal_mode=WAL", soci::into(journal);
    if (journal != "wal") {
      return io_error(uri_ + ": cannot switch the database to WAL mode (got '" +
                      journal + "')");
    }
    session << "PRAGMA synchronous=FULL";
    session << "PRAGMA foreign_keys=ON";
    // 16 MiB of page cache per connection (the default 2 MiB spills a bulk
    // insert into a million-row table to the WAL page by page; 64 MiB
    // inserted no faster, and a process receiving 1M files held all of it).
    session << "PRAGMA cache_size=-16384";
    session << "PRAGMA temp_store=MEMORY";
    // Reads through the page cache of the OS, not a private copy; 64 MiB of
    // the file mapped (256 MiB put 273 MB of mapped pages in the RSS of that
    // process; benchmarks/README.md has the trade).
    session << "PRAGMA mmap_size=67108864";
    session << "PRAGMA busy_timeout=" +
                   std::to_string(options_.busy_timeout.count());
  } else {
    session << "SET TIME ZONE 'UTC'";
  }
  return {};
}

Status ConnectionPool::connect_all(const std::string& connect_string) {
  for (std::size_t i = 0; i < size_; ++i) {
    Status last;
    const int attempts = std::max(1, options_.connect_attempts);
    for (int attempt = 0; attempt < attempts; ++attempt) {
      try {
        soci::session& session = pool_->at(i);
        if (dialect_ == Dialect::kSqlite) {
          session.open(*soci::factory_sqlite3(), connect_string);
        } else {
          session.open(*soci::factory_postgresql(), connect_string);
        }
        last = configure(session);
        if (last.ok()) break;
        return last;
      } catch (...) {
        last = status_from_current_exception(uri_ + ": connect");
        if (dialect_ == Dialect::kSqlite) break;  // a file: no point waiting
        if (attempt + 1 < attempts) sleep_backoff(attempt);
      }
    }
    if (!last.ok()) {
      if (dialect_ == Dialect::kPostgres &&
          last.code() != ErrorCode::kUnavailable) {
        return unavailable_error(last.message());
      }
      return last;
    }
  }
  return {};
}

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::open_sqlite(
    const std::filesystem::path& path, const SqlStoreOptions& options) {
  const std::string p = path.string();
  if (p.empty() || p.find('"') != std::string::npos ||
      p.find('\0') != std::string::npos) {
    return invalid_argument_error("sqlite database path '" + p +
                                  "' is empty or contains a quote");
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return invalid_argument_error("sqlite database '" + p + "' is a directory");
  }
  const std::size_t size = std::max<std::size_t>(1, options.pool_size);
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(
      Dialect::kSqlite, "sqlite://" + (path.is_absolute() ? p : "/" + p), size,
      options));
  const auto timeout_s = std::max<long long>(
      1, std::chrono::duration_cast<std::chrono::seconds>(options.busy_timeout)
             .count());
  IMAGEBANK_RETURN_IF_ERROR(pool->connect_all(
      "db=\"" + p + "\" timeout=" + std::to_string(timeout_s)));
  return pool;
}

Result<std::unique_ptr<ConnectionPool>> ConnectionPool::open_postgres(
    std::string_view uri, const SqlStoreOptions& options) {
  if (!uri.starts_with("postgresql://") && !uri.starts_with("postgres://")) {
    return invalid_argument_error("'" + redact_password(uri) +
                                  "' is not a postgresql:// URI");
  }
  if (uri.find('\0') != std::string_view::npos ||
      uri.find(' ') != std::string_view::npos) {
    return invalid_argument_error("postgresql URI '" + redact_password(uri) +
                                  "' contains a space or NUL");
  }
  std::string connect(uri);
  if (connect.find("connect_timeout=") == std::string::npos) {
    connect += connect.find('?') == std::string::npos ? '?' : '&';
    connect += "connect_timeout=" + std::to_string(std::max<long long>(
                                        1, options.connect_timeout.count()));
  }
  if (connect.find("application_name=") == std::string::npos) {
    connect += "&application_name=imagebank";
  }
  const std::size_t size = std::max<std::size_t>(1, options.pool_size);
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(
      Dialect::kPostgres, redact_password(uri), size, options));
  IMAGEBANK_RETURN_IF_ERROR(pool->connect_all(connect));
  return pool;
}

Status ConnectionPool::transact(
    std::string_view what, TxKind kind,
    const std::function<Status(soci::session&)>& fn) {
  const std::string context = uri_ + ": " + std::string(what);
  std::size_t pos = 0;
  const auto wait_ms = static_cast<int>(
      std::min<long long>(options_.busy_timeout.count(), 1 << 30));
  if (!pool_->try_lease(pos, wait_ms)) {
    return unavailable_error(context + ": no free database connection after " +
                             std::to_string(wait_ms) + " ms");
  }
  struct GiveBack {
    soci::connection_pool* pool;
    std::size_t pos;
    ~GiveBack() { pool->give_back(pos); }
  } give_back{pool_.get(), pos};
  soci::session& session = pool_->at(pos);

  constexpr int kAttempts = 4;
  for (int attempt = 0;; ++attempt) {
    bool begun = false;
    std::string sqlstate;
    Status status;
    try {
      if (dialect_ == Dialect::kSqlite) {
        session << (kind == TxKind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
      } else {
        session << "BEGIN";
      }
      begun = true;
      status = fn(session);
      if (status.ok()) {
        session << "COMMIT";
        return {};
      }
    } catch (const soci::postgresql_soci_error& e) {
      sqlstate = e.sqlstate();
      status = status_from_current_exception(context);
    } catch (...) {
      status = status_from_current_exception(context);
    }
    if (begun) {
      try {
        session << "ROLLBACK";
      } catch (...) {
        // The connection may be gone; the server rolls back on its own.
      }
    }
    if (dialect_ == Dialect::kPostgres && attempt + 1 < kAttempts) {
      if (is_retryable_postgres(sqlstate)) {
        sleep_backoff(attempt);
        continue;
      }
      // A connection found broken before any work (server restart, idle
      // timeout): reconnect and retry. Once the transaction began, its
      // outcome may be unknown (a lost COMMIT), so the caller decides.
      if (!begun) {
        try {
          session.reconnect();
          IMAGEBANK_RETURN_IF_ERROR(configure(session));
          sleep_backoff(attempt);
          continue;
        } catch (...) {
          sleep_backoff(attempt);
          continue;
        }
      }
    }
    return status;
  }
}

}  // namespace imagebank::sql
