// The CatalogStore conformance suite on SQLite, and what only SQLite has:
// the file, its journal mode, and damaged or misplaced files.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "catalog/catalog_store_conformance.hpp"
#include "catalog/job_queue_conformance.hpp"
#include "imagebank/adapters/sql_catalog_store.hpp"

namespace imagebank::testing {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() /
                 ("imagebank-sqlite-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TestDatabase fresh_sqlite() {
  const fs::path db = temp_dir() / "bank.db";
  TestDatabase out;
  out.open = [db] { return open_sqlite_catalog(db); };
  out.exec = [db](const std::string& sql) {
    soci::session session(*soci::factory_sqlite3(), "db=" + db.string());
    session << sql;
  };
  return out;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogStoreConformance,
                         ::testing::Values(CatalogDatabaseFactory{
                             "sqlite", fresh_sqlite}),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Sqlite, JobQueueConformance,
                         ::testing::Values(CatalogDatabaseFactory{
                             "sqlite", fresh_sqlite}),
                         [](const auto& info) { return info.param.name; });

TEST(SqliteCatalog, RunsInWalModeWithForeignKeys) {
  const fs::path db = temp_dir() / "bank.db";
  auto store = open_sqlite_catalog(db);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->uri(), "sqlite://" + db.string());
  soci::session session(*soci::factory_sqlite3(), "db=" + db.string());
  std::string mode;
  session << "PRAGMA journal_mode", soci::into(mode);
  EXPECT_EQ(mode, "wal");
  // A product in a collection that does not exist is refused by the
  // schema, not only by the adapter's checks.
  session << "PRAGMA foreign_keys=ON";
  EXPECT_THROW(session << "INSERT INTO products (collection_id, sku, sku_base, "
                          "created_ms, updated_ms) VALUES (42, 'A', 'A', 0, 0)",
               soci::soci_error);
}

TEST(SqliteCatalog, AFileThatIsNotADatabaseIsCorruptData) {
  const fs::path db = temp_dir() / "bank.db";
  std::ofstream(db) << std::string(8192, 'x');
  auto store = open_sqlite_catalog(db);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kCorruptData) << store.status();
  EXPECT_NE(store.status().message().find(db.string()), std::string::npos)
      << store.status();
}

TEST(SqliteCatalog, AMissingDirectoryOrADirectoryIsRefused) {
  const fs::path dir = temp_dir();
  auto missing = open_sqlite_catalog(dir / "no" / "such" / "bank.db");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kIoError) << missing.status();
  auto directory = open_sqlite_catalog(dir);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), ErrorCode::kInvalidArgument);
}

TEST(SqliteCatalog, TwoStoresOnOneFileSeeEachOther) {
  const fs::path db = temp_dir() / "bank.db";
  auto a = open_sqlite_catalog(db);
  auto b = open_sqlite_catalog(db);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->upsert_brand("Marca").ok());
  auto brands = (*b)->brands();
  ASSERT_TRUE(brands.ok());
  EXPECT_EQ(brands->size(), 1u);
}

}  // namespace
}  // namespace imagebank::testing
