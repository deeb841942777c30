// The in-memory BlobStore: the conformance suite, and what is its own.
#include <gtest/gtest.h>

#include "catalog/blob_store_conformance.hpp"
#include "imagebank/catalog/blob_store.hpp"

INSTANTIATE_TEST_SUITE_P(Memory, BlobStoreConformance,
                         ::testing::Values(BlobStoreFactory{
                             "memory", imagebank::make_memory_blob_store}),
                         blob_store_factory_name);

namespace imagebank {
namespace {

TEST(MemoryBlobStore, UriAndZeroMaxKeys) {
  auto store = make_memory_blob_store();
  EXPECT_EQ(store->uri(), "memory:");
  EXPECT_EQ(store->list("", "", 0).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(MemoryBlobStore, StoresAreIndependent) {
  auto a = make_memory_blob_store();
  auto b = make_memory_blob_store();
  const std::byte one[] = {std::byte{1}};
  ASSERT_TRUE(a->put("k", one).ok());
  EXPECT_EQ(b->head("k").status().code(), ErrorCode::kNotFound);
}

TEST(MemoryBlobStore, KeyAndDirectoryMayCoexist) {
  // Unlike a file system, object stores have no directories.
  auto store = make_memory_blob_store();
  ASSERT_TRUE(store->put("a", {}).ok());
  ASSERT_TRUE(store->put("a/b", {}).ok());
  auto page = store->list("a");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->blobs.size(), 2u);
  EXPECT_EQ(page->blobs[0].key, "a");
  EXPECT_EQ(page->blobs[1].key, "a/b");
}

}  // namespace
}  // namespace imagebank
