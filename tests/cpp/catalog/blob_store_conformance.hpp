// The BlobStore conformance suite: the contract of
// include/imagebank/catalog/blob_store.hpp, checked against any adapter.
//
// To run it against an adapter, link blob_store_conformance.cpp into a test
// executable and instantiate the suite with a factory:
//
//   #include "catalog/blob_store_conformance.hpp"
//
//   INSTANTIATE_TEST_SUITE_P(
//       S3, BlobStoreConformance,
//       ::testing::Values(BlobStoreFactory{
//           "minio", [] { return open_store_on_a_fresh_prefix(); }}),
//       blob_store_factory_name);
//
// Each make() must return a new, empty store (a fresh directory, bucket
// prefix, ...) that is cleaned up when it is destroyed. The tests assume
// nothing about the medium (no file-system paths), tolerate slow stores (no
// timing checks; a few hundred operations per test at most) and never
// create a key that is also a prefix of another key followed by '/' (a
// file system cannot hold both "a" and "a/b").
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "imagebank/catalog/blob_store.hpp"

namespace imagebank::testing {

struct BlobStoreFactory {
  std::string name;  // a valid gtest name: [A-Za-z0-9_]
  std::function<std::unique_ptr<BlobStore>()> make;
};

// gtest prints parameters of failed tests: the name, not the bytes.
inline void PrintTo(const BlobStoreFactory& factory, std::ostream* os) {
  *os << factory.name;
}

// For INSTANTIATE_TEST_SUITE_P: names the instances after the factory.
std::string blob_store_factory_name(
    const ::testing::TestParamInfo<BlobStoreFactory>& info);

class BlobStoreConformance : public ::testing::TestWithParam<BlobStoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  BlobStore& store() { return *store_; }

 private:
  std::unique_ptr<BlobStore> store_;
};

}  // namespace imagebank::testing

// The suite is instantiated by each adapter's test file, in the global
// namespace as gtest's macros expect.
using imagebank::testing::blob_store_factory_name;
using imagebank::testing::BlobStoreConformance;
using imagebank::testing::BlobStoreFactory;
