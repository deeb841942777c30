// The CatalogStore conformance suite: every adapter runs the same tests.
//
// To run it against an adapter, link catalog_store_conformance.cpp into a
// test executable and instantiate it with a factory that opens a store on a
// fresh, empty database each time:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogStoreConformance,
//       ::testing::Values(CatalogDatabaseFactory{"sqlite", make_fresh}),
//       [](const auto& info) { return info.param.name; });
//
// The same factory serves the JobQueue suite (job_queue_conformance.hpp).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "imagebank/catalog/catalog_database.hpp"

namespace imagebank::testing {

// A fresh database: open() may be called several times (each call is a new
// instance on the same database, as a second process would see it); exec()
// runs raw SQL on it (to simulate other versions or damage). The adapters
// keep the catalog and the queue in one database, so open() returns both
// interfaces in one object.
struct TestDatabase {
  std::function<Result<std::unique_ptr<CatalogDatabase>>()> open;
  std::function<void(const std::string& sql)> exec;
};

struct CatalogDatabaseFactory {
  std::string name;
  std::function<TestDatabase()> fresh;
  friend void PrintTo(const CatalogDatabaseFactory& f, std::ostream* os) {
    *os << f.name;
  }
};

class CatalogStoreConformance
    : public ::testing::TestWithParam<CatalogDatabaseFactory> {
 protected:
  void SetUp() override;
  TestDatabase db_;
  std::unique_ptr<CatalogStore> store_;
};

}  // namespace imagebank::testing
