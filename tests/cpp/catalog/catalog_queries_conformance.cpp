// The catalog's browsing queries: products by filters with their photo
// counts (CatalogStore::query_products) and the near-duplicate pairs that
// wait for a person (near_duplicates_to_review). Part of the conformance
// suites, so every adapter runs them.
#include <string>
#include <vector>

#include "catalog/catalog_store_conformance.hpp"
#include "catalog/job_queue_conformance.hpp"

namespace imagebank::testing {
namespace {

std::vector<std::string> skus_of(const Page<ProductSummary>& page) {
  std::vector<std::string> out;
  for (const ProductSummary& s : page.items) out.push_back(s.product.sku);
  return out;
}

using Skus = std::vector<std::string>;

}  // namespace

TEST_P(CatalogStoreConformance, ProductQueriesFilterAndCountPhotos) {
  CatalogStore& store = *store_;
  auto brand_a = store.upsert_brand("Marca A");
  auto brand_b = store.upsert_brand("Marca B");
  ASSERT_TRUE(brand_a.ok() && brand_b.ok());
  auto a1 = store.upsert_collection(brand_a->id, "Verão", "");
  auto a2 = store.upsert_collection(brand_a->id, "Inverno", "");
  auto b1 = store.upsert_collection(brand_b->id, "Verão", "");
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok());
  auto import = [&](RowId collection, const Skus& skus) {
    CarteiraImportRequest request;
    request.collection_id = collection;
    request.file = "c.xlsx";
    for (const std::string& sku : skus) {
      ProductUpsert p;
      p.sku = sku;
      p.fields.nome_peca = "Peça " + sku;
      request.products.push_back(p);
    }
    auto done = store.import_products(request);
    EXPECT_TRUE(done.ok()) << done.status();
  };
  import(a1->id, {"ABC100", "ABC101", "ABC200", "XYZ1"});
  import(a2->id, {"ABC102"});
  import(b1->id, {"ABC103"});
  int n = 0;
  auto photo = [&](RowId collection, const std::string& sku,
                   const std::string& view, ImageStatus status) {
    auto product = store.find_product(collection, sku);
    ImageRecord record = image(++n);
    record.view = view;
    record.sku_base = sku;
    auto inserted = store.insert_image(record);
    ASSERT_TRUE(product.ok() && inserted.ok());
    ASSERT_TRUE(
        store.link_image(inserted->image.id, product->id, "test", "").ok());
    if (status != ImageStatus::kPending) {
      ASSERT_TRUE(store.set_image_status(inserted->image.id, status).ok());
    }
  };
  photo(a1->id, "ABC100", "front", ImageStatus::kPending);
  photo(a1->id, "ABC100", "back", ImageStatus::kApproved);
  photo(a1->id, "ABC100", "front", ImageStatus::kPending);
  photo(a1->id, "ABC100", "detail", ImageStatus::kRejected);
  photo(a1->id, "ABC101", "front", ImageStatus::kRejected);
  photo(a1->id, "ABC200", "detail", ImageStatus::kPending);
  photo(a2->id, "ABC102", "front", ImageStatus::kPending);
  // A photo nobody linked counts for no product.
  ASSERT_TRUE(store.insert_image(image(99)).ok());

  auto run = [&](ProductQuery q) {
    auto page = store.query_products(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : Page<ProductSummary>{};
  };
  const Page<ProductSummary> all = run({});
  EXPECT_EQ(skus_of(all),
            (Skus{"ABC100", "ABC101", "ABC200", "XYZ1", "ABC102", "ABC103"}));
  EXPECT_EQ(all.next_after, 0);
  ASSERT_EQ(all.items.size(), 6u);
  // Rejected photos count for nothing; views by name.
  EXPECT_EQ(all.items[0].photos, 3);
  EXPECT_EQ(all.items[0].views,
            (std::vector<ViewPhotos>{{"back", 1}, {"front", 2}}));
  EXPECT_EQ(all.items[1].photos, 0);
  EXPECT_TRUE(all.items[1].views.empty());
  EXPECT_EQ(all.items[0].product, *store.get_product(all.items[0].product.id));
  EXPECT_EQ(all.items[0].product.fields.nome_peca, "Peça ABC100");

  ProductQuery q;
  q.collection_id = a1->id;
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC100", "ABC101", "ABC200", "XYZ1"}));
  q = {};
  q.brand_id = brand_b->id;
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC103"}));
  q.brand_id = brand_a->id;
  EXPECT_EQ(run(q).items.size(), 5u);

  q = {};
  q.sku_prefix = "ABC1";
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC100", "ABC101", "ABC102", "ABC103"}));
  q.sku_prefix = "ABC100";
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC100"}));
  q.sku_prefix = "abc";
  EXPECT_TRUE(run(q).items.empty()) << "the prefix is case-sensitive";
  q.sku_prefix = "ABC1%";
  EXPECT_TRUE(run(q).items.empty()) << "no wildcards";
  q.sku_prefix = "'; DROP TABLE products; --";
  EXPECT_TRUE(run(q).items.empty());
  q.sku_prefix = "";
  EXPECT_EQ(run(q).items.size(), 6u) << "an empty prefix is any SKU";

  q = {};
  q.has_photo = true;
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC100", "ABC200", "ABC102"}));
  q.has_photo = false;
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC101", "XYZ1", "ABC103"}));
  q = {};
  q.missing_view = "front";
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC101", "ABC200", "XYZ1", "ABC103"}));
  q.missing_view = "detail";  // ABC100's detail photo is rejected
  EXPECT_EQ(skus_of(run(q)),
            (Skus{"ABC100", "ABC101", "XYZ1", "ABC102", "ABC103"}));
  q.collection_id = a1->id;
  q.missing_view = "front";
  q.has_photo = true;
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC200"}));

  // Keyset pages: every product once, in id order.
  q = {};
  q.limit = 4;
  const Page<ProductSummary> first = run(q);
  ASSERT_EQ(first.items.size(), 4u);
  EXPECT_EQ(first.next_after, first.items.back().product.id);
  q.after_id = first.next_after;
  const Page<ProductSummary> second = run(q);
  EXPECT_EQ(skus_of(second), (Skus{"ABC102", "ABC103"}));
  EXPECT_EQ(second.next_after, 0);
  q.limit = 1;
  q.after_id = 0;
  q.has_photo = true;
  const Page<ProductSummary> one = run(q);
  EXPECT_EQ(skus_of(one), (Skus{"ABC100"}));
  q.after_id = one.next_after;
  EXPECT_EQ(skus_of(run(q)), (Skus{"ABC200"}));

  ProductQuery bad;
  bad.limit = 0;
  EXPECT_EQ(store.query_products(bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad.limit = 10001;
  EXPECT_EQ(store.query_products(bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad.limit = 10;
  bad.sku_prefix = std::string("A\xff");
  EXPECT_EQ(store.query_products(bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad.sku_prefix.reset();
  bad.missing_view = "";
  EXPECT_EQ(store.query_products(bad).status().code(),
            ErrorCode::kInvalidArgument);
  // Unknown collection or brand: nothing, not an error.
  ProductQuery none;
  none.collection_id = 9999;
  EXPECT_TRUE(run(none).items.empty());
}

TEST_P(JobQueueConformance, NearDuplicatesToReviewSkipDecidedPairs) {
  auto brand = catalog_->upsert_brand("Marca A");
  ASSERT_TRUE(brand.ok());
  auto a = catalog_->upsert_collection(brand->id, "A", "");
  auto b = catalog_->upsert_collection(brand->id, "B", "");
  ASSERT_TRUE(a.ok() && b.ok());
  auto known = [&](int n, RowId collection) {
    ImageRecord record = image(n);
    record.collection_id = collection;
    auto inserted = catalog_->insert_image(record);
    EXPECT_TRUE(inserted.ok()) << inserted.status();
    return inserted.ok() ? inserted->image.id : 0;
  };
  const RowId k1 = known(1, a->id), k2 = known(2, b->id), k3 = known(3, b->id);
  batch_with(*queue_, "/d", 2);
  auto leased = queue_->lease_jobs(lease("w1", 2));
  ASSERT_TRUE(leased.ok() && leased->size() == 2u);
  JobOutcome first = outcome(10);
  first.image.collection_id = a->id;
  first.near_duplicates = {
      {0, k1, 4, "phash"}, {0, k2, 6, "phash"}, {0, k1, 20, "pdq"}};
  auto done1 = queue_->complete_job((*leased)[0].id, "w1", first);
  JobOutcome second = outcome(11);
  second.image.collection_id = b->id;
  second.near_duplicates = {{0, k3, 3, "phash"}};
  auto done2 = queue_->complete_job((*leased)[1].id, "w1", second);
  ASSERT_TRUE(done1.ok() && done2.ok());
  const RowId i10 = done1->image.id, i11 = done2->image.id;

  auto pairs = [&](std::optional<RowId> collection, RowId after,
                   std::size_t limit) {
    std::vector<std::string> out;
    auto got = catalog_->near_duplicates_to_review(collection, after, limit);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return out;
    for (const NearDuplicatePair& p : *got) {
      EXPECT_EQ(p.image.id, p.pair.image_id);
      EXPECT_EQ(p.other.id, p.pair.other_image_id);
      out.push_back(std::to_string(p.pair.image_id) + "-" +
                    std::to_string(p.pair.other_image_id) + "-" +
                    p.pair.algorithm);
    }
    return out;
  };
  auto key = [](RowId x, RowId y, const char* algorithm) {
    return std::to_string(x) + "-" + std::to_string(y) + "-" + algorithm;
  };
  EXPECT_EQ(pairs(std::nullopt, 0, 100),
            (Skus{key(i10, k1, "pdq"), key(i10, k1, "phash"),
                  key(i10, k2, "phash"), key(i11, k3, "phash")}));
  auto full = catalog_->near_duplicates_to_review(std::nullopt, 0, 1);
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->size(), 3u) << "a page ends with its last image whole";
  EXPECT_EQ((*full)[0].pair.distance, 20);
  EXPECT_EQ((*full)[0].image.sha256, sha(10));
  EXPECT_EQ((*full)[0].other, *catalog_->get_image(k1));
  EXPECT_EQ(pairs(std::nullopt, i10, 1), (Skus{key(i11, k3, "phash")}));
  // Either photo in the collection.
  EXPECT_EQ(pairs(a->id, 0, 100),
            (Skus{key(i10, k1, "pdq"), key(i10, k1, "phash"),
                  key(i10, k2, "phash")}));
  EXPECT_EQ(pairs(b->id, 0, 100),
            (Skus{key(i10, k2, "phash"), key(i11, k3, "phash")}));
  EXPECT_EQ(catalog_->near_duplicates_to_review(9999, 0, 10).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      catalog_->near_duplicates_to_review(std::nullopt, 0, 0).status().code(),
      ErrorCode::kInvalidArgument);

  // Decided pairs leave the list: a rejected photo, or both approved.
  ASSERT_TRUE(catalog_->set_image_status(k2, ImageStatus::kRejected).ok());
  ASSERT_TRUE(catalog_->set_image_status(i11, ImageStatus::kApproved).ok());
  EXPECT_EQ(pairs(std::nullopt, 0, 100),
            (Skus{key(i10, k1, "pdq"), key(i10, k1, "phash"),
                  key(i11, k3, "phash")}));
  ASSERT_TRUE(catalog_->set_image_status(k3, ImageStatus::kApproved).ok());
  ASSERT_TRUE(catalog_->set_image_status(i10, ImageStatus::kApproved).ok());
  EXPECT_EQ(pairs(std::nullopt, 0, 100),
            (Skus{key(i10, k1, "pdq"), key(i10, k1, "phash")}))
      << "one approved photo still waits for its pair's decision";
}

TEST_P(JobQueueConformance, ImagesFilterByBrandAndNearDuplicates) {
  auto aurora = catalog_->upsert_brand("Aurora");
  auto boreal = catalog_->upsert_brand("Boreal");
  ASSERT_TRUE(aurora.ok() && boreal.ok());
  auto a = catalog_->upsert_collection(aurora->id, "A", "");
  auto b = catalog_->upsert_collection(boreal->id, "B", "");
  ASSERT_TRUE(a.ok() && b.ok());
  auto known = [&](int n, std::optional<RowId> collection) {
    ImageRecord record = image(n);
    record.collection_id = collection;
    auto inserted = catalog_->insert_image(record);
    EXPECT_TRUE(inserted.ok()) << inserted.status();
    return inserted.ok() ? inserted->image.id : 0;
  };
  const RowId k1 = known(1, a->id), k2 = known(2, b->id),
              k3 = known(3, std::nullopt), k4 = known(4, a->id);
  batch_with(*queue_, "/d", 1);
  auto leased = queue_->lease_jobs(lease("w1", 1));
  ASSERT_TRUE(leased.ok() && leased->size() == 1u);
  JobOutcome first = outcome(10);
  first.image.collection_id = b->id;
  first.near_duplicates = {{0, k1, 4, "phash"}, {0, k1, 9, "pdq"}};
  auto done = queue_->complete_job((*leased)[0].id, "w1", first);
  ASSERT_TRUE(done.ok()) << done.status();
  const RowId i10 = done->image.id;

  auto ids = [&](ImageQuery q) {
    std::vector<RowId> out;
    q.limit = 100;
    auto page = catalog_->list_images(q);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const ImageRecord& img : page->items) out.push_back(img.id);
    }
    return out;
  };
  using Ids = std::vector<RowId>;
  ImageQuery near;
  near.near_duplicate = true;  // either side of a pair, each image once
  EXPECT_EQ(ids(near), (Ids{k1, i10}));
  near.near_duplicate = false;
  EXPECT_EQ(ids(near), (Ids{k2, k3, k4}));
  ImageQuery brand;
  brand.brand_id = aurora->id;
  EXPECT_EQ(ids(brand), (Ids{k1, k4}));
  brand.brand_id = boreal->id;
  EXPECT_EQ(ids(brand), (Ids{k2, i10}));
  brand.near_duplicate = true;
  EXPECT_EQ(ids(brand), (Ids{i10}));
  brand.brand_id = 9999;
  EXPECT_TRUE(ids(brand).empty());
}

}  // namespace imagebank::testing
