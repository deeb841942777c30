// The CatalogStore conformance suite: every adapter runs the same tests.
//
// To run it against an adapter, link catalog_store_conformance.cpp into a
// test executable and instantiate it with a factory that opens a store on a
// fresh, empty database each time:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogStoreConformance,
//       ::testing::Values(CatalogStoreFactory{"sqlite", make_fresh}),
//       [](const auto& info) { return info.param.name; });
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "imagebank/catalog/catalog_store.hpp"

namespace imagebank::testing {

// A fresh database: open() may be called several times (each call is a new
// store instance on the same database, as a second process would see it);
// exec() runs raw SQL on it (to simulate other versions or damage).
struct CatalogDatabase {
  std::function<Result<std::unique_ptr<CatalogStore>>()> open;
  std::function<void(const std::string& sql)> exec;
};

struct CatalogStoreFactory {
  std::string name;
  std::function<CatalogDatabase()> fresh;
  friend void PrintTo(const CatalogStoreFactory& f, std::ostream* os) {
    *os << f.name;
  }
};

class CatalogStoreConformance
    : public ::testing::TestWithParam<CatalogStoreFactory> {
 protected:
  void SetUp() override;
  CatalogDatabase db_;
  std::unique_ptr<CatalogStore> store_;
};

}  // namespace imagebank::testing
