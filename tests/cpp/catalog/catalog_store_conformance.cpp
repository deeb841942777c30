#include "catalog/catalog_store_conformance.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "imagebank/adapters/sql_catalog_store.hpp"

namespace imagebank::testing {
namespace {

// A sha256-shaped key for test image n.
std::string sha(int n) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%064x", n);
  return buf;
}

ImageRecord image(int n, std::string sku_base = "",
                  std::string view = "frente") {
  ImageRecord out;
  out.sha256 = sha(n);
  out.phash =
      0xF00DF00DF00DF00Dull + static_cast<std::uint64_t>(n);  // high bit set
  out.dhash = static_cast<std::uint64_t>(n) << 32;
  out.pdq[0] = static_cast<std::uint8_t>(n);
  out.pdq[31] = 0xFF;
  out.pdq_quality = 90;
  out.width = 1000;
  out.height = 1500;
  out.format = "jpeg";
  out.bytes = 123456;
  out.original_name = sku_base + "_" + view + ".jpg";
  out.sku_base = std::move(sku_base);
  out.view = std::move(view);
  out.blob_key = "originals/" + out.sha256.substr(0, 2) + "/x.jpg";
  // Every other image needed the decoding policy's tolerance.
  if (n % 2 == 1) out.decode_tolerance = "jpeg_extraneous_bytes";
  return out;
}

ProductUpsert product(std::string sku, std::string nome = "Blusa") {
  ProductUpsert p;
  p.sku = std::move(sku);
  p.fields.nome_peca = std::move(nome);
  p.fields.categoria = "Feminino";
  p.fields.cor = "Azul";
  return p;
}

struct Fixture {
  Brand brand;
  Collection collection;
};

Fixture make_collection(CatalogStore& store,
                        const std::string& name = "Verão 2027") {
  auto brand = store.upsert_brand("Marca A");
  EXPECT_TRUE(brand.ok()) << brand.status();
  auto collection = store.upsert_collection(brand->id, name, "2027-V");
  EXPECT_TRUE(collection.ok()) << collection.status();
  return {*brand, *collection};
}

Result<CarteiraImport> import(CatalogStore& store, RowId collection,
                              std::vector<ProductUpsert> products,
                              std::string file = "carteira.xlsx") {
  CarteiraImportRequest request;
  request.collection_id = collection;
  request.file = std::move(file);
  request.sheets = {"Produtos"};
  request.rows = static_cast<std::int64_t>(products.size());
  request.products = std::move(products);
  return store.import_products(request);
}

}  // namespace

void CatalogStoreConformance::SetUp() {
  db_ = GetParam().fresh();
  auto store = db_.open();
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = std::move(store).value();
}

TEST_P(CatalogStoreConformance, OpensWithTheLatestSchemaAndReopens) {
  auto version = store_->schema_version();
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, latest_catalog_schema_version());
  ASSERT_TRUE(store_->upsert_brand("Marca A").ok());
  store_.reset();
  auto again = db_.open();
  ASSERT_TRUE(again.ok()) << again.status();
  auto brands = (*again)->brands();
  ASSERT_TRUE(brands.ok());
  ASSERT_EQ(brands->size(), 1u);
  EXPECT_EQ(brands->front().name, "Marca A");
}

TEST_P(CatalogStoreConformance, RefusesADatabaseWithANewerSchema) {
  store_.reset();
  db_.exec("INSERT INTO schema_version (version, applied_ms) VALUES (" +
           std::to_string(latest_catalog_schema_version() + 1) + ", 0)");
  auto store = db_.open();
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kConflict);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos)
      << store.status();
}

TEST_P(CatalogStoreConformance, BrandsAndCollectionsAreCreatedOnce) {
  auto a1 = store_->upsert_brand("Marca A");
  auto a2 = store_->upsert_brand("Marca A");
  auto b = store_->upsert_brand("Marca B");
  ASSERT_TRUE(a1.ok() && a2.ok() && b.ok());
  EXPECT_EQ(a1->id, a2->id);
  EXPECT_NE(a1->id, b->id);
  auto c1 = store_->upsert_collection(a1->id, "Verão", "");
  auto c2 = store_->upsert_collection(a1->id, "Verão", "2027-V");
  auto c3 = store_->upsert_collection(a1->id, "Verão", "");
  ASSERT_TRUE(c1.ok() && c2.ok() && c3.ok());
  EXPECT_EQ(c1->id, c2->id);
  EXPECT_EQ(c3->season, "2027-V") << "an empty season must not erase one";
  auto found = store_->find_collection("Verão");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, c1->id);
  ASSERT_TRUE(store_->upsert_collection(b->id, "Verão", "").ok());
  EXPECT_EQ(store_->find_collection("Verão").status().code(),
            ErrorCode::kConflict);
  EXPECT_EQ(store_->find_collection("Inverno").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->upsert_collection(99999, "X", "").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->upsert_brand("").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->upsert_brand("bad \xff utf8").status().code(),
            ErrorCode::kInvalidArgument);
  auto collections = store_->collections(a1->id);
  ASSERT_TRUE(collections.ok());
  EXPECT_EQ(collections->size(), 1u);
  EXPECT_EQ(store_->collections()->size(), 2u);
}

TEST_P(CatalogStoreConformance, ImportCreatesThenUpdatesProducts) {
  auto f = make_collection(*store_);
  ProductUpsert p = product("ABC123", "Blusa Ária");
  p.extra = {{"Observação", "linha \"premium\""}};
  auto first = import(*store_, f.collection.id, {p, product("XYZ9")});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->products_created, 2);
  EXPECT_EQ(first->products_updated, 0);

  auto stored = store_->find_product(f.collection.id, "ABC123");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->fields.nome_peca, "Blusa Ária");
  EXPECT_EQ(stored->sku_base, "ABC123");
  EXPECT_EQ(stored->extra, p.extra);
  EXPECT_EQ(stored->carteira_import_id, first->id);

  ProductUpsert changed = product("ABC123", "Blusa Nova");
  changed.sku_base = "ABC";
  auto second = import(*store_, f.collection.id, {changed}, "carteira-v2.xlsx");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->products_created, 0);
  EXPECT_EQ(second->products_updated, 1);
  auto updated = store_->get_product(stored->id);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->fields.nome_peca, "Blusa Nova");
  EXPECT_EQ(updated->sku_base, "ABC");
  EXPECT_TRUE(updated->extra.empty());

  auto history = store_->sku_history(SkuSubject::kProduct, stored->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].old_sku, "ABC123");
  EXPECT_EQ((*history)[0].new_sku, "ABC");
  EXPECT_EQ((*history)[0].actor, "carteira-import");

  auto imports = store_->carteira_imports(f.collection.id);
  ASSERT_TRUE(imports.ok());
  ASSERT_EQ(imports->size(), 2u);
  EXPECT_EQ((*imports)[1].file, "carteira-v2.xlsx");
  EXPECT_EQ((*imports)[1].sheets, std::vector<std::string>{"Produtos"});
  EXPECT_EQ((*imports)[1].products_updated, 1);

  auto by_base = store_->products_by_sku_base(f.collection.id, "ABC");
  ASSERT_TRUE(by_base.ok());
  ASSERT_EQ(by_base->size(), 1u);
  EXPECT_EQ(by_base->front().sku, "ABC123");
}

TEST_P(CatalogStoreConformance, ABadImportWritesNothing) {
  auto f = make_collection(*store_);
  auto dup = import(*store_, f.collection.id, {product("A1"), product("A1")});
  EXPECT_EQ(dup.status().code(), ErrorCode::kInvalidArgument);
  auto bad =
      import(*store_, f.collection.id, {product("A2"), product("bad\xc3")});
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(import(*store_, 4242, {product("A3")}).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->find_product(f.collection.id, "A2").status().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(store_->carteira_imports(f.collection.id)->empty());
}

TEST_P(CatalogStoreConformance, ValuesAreBoundNeverSpliced) {
  auto f = make_collection(*store_);
  const std::string evil = "X'); DROP TABLE products; --";
  ASSERT_TRUE(import(*store_, f.collection.id, {product(evil, evil)}).ok());
  auto found = store_->find_product(f.collection.id, evil);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->sku, evil);
  EXPECT_EQ(found->fields.nome_peca, evil);
}

TEST_P(CatalogStoreConformance,
       InsertingTheSameContentTwiceGivesTheExistingImage) {
  auto first = store_->insert_image(image(1, "ABC123"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->duplicate);
  EXPECT_GT(first->image.id, 0);
  ImageRecord again = image(1, "OTHER");
  again.original_name = "copy.jpg";
  auto second = store_->insert_image(again);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->image.id, first->image.id);
  EXPECT_EQ(second->image.original_name, "ABC123_frente.jpg");

  auto stored = store_->get_image(first->image.id);
  ASSERT_TRUE(stored.ok());
  ImageRecord expected = image(1, "ABC123");
  expected.id = first->image.id;
  expected.created_ms = stored->created_ms;
  expected.updated_ms = stored->updated_ms;
  EXPECT_EQ(*stored, expected)
      << "every field, hashes with the high bit set too";
  auto by_sha = store_->find_image_by_sha256(sha(1));
  ASSERT_TRUE(by_sha.ok());
  EXPECT_EQ(by_sha->id, first->image.id);
  EXPECT_EQ(store_->find_image_by_sha256(sha(2)).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_image(987654).status().code(), ErrorCode::kNotFound);
}

TEST_P(CatalogStoreConformance, BulkInsertResolvesDuplicatesInOrder) {
  ASSERT_TRUE(store_->insert_image(image(5)).ok());
  std::vector<ImageRecord> images = {image(4), image(5), image(6), image(4)};
  auto rows = store_->insert_images(images);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_FALSE((*rows)[0].duplicate);
  EXPECT_TRUE((*rows)[1].duplicate);
  EXPECT_FALSE((*rows)[2].duplicate);
  EXPECT_TRUE((*rows)[3].duplicate);
  EXPECT_EQ((*rows)[3].image.id, (*rows)[0].image.id);
  ImageQuery all;
  auto page = store_->list_images(all);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 3u);
}

TEST_P(CatalogStoreConformance, AMalformedImageIsRefusedAndNothingIsWritten) {
  ImageRecord bad = image(7);
  bad.sha256 = "ABC";
  std::vector<ImageRecord> images = {image(8), bad};
  EXPECT_EQ(store_->insert_images(images).status().code(),
            ErrorCode::kInvalidArgument);
  ImageRecord worse = image(9);
  worse.original_name = std::string("nul\0byte", 8);
  EXPECT_EQ(store_->insert_image(worse).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->find_image_by_sha256(sha(8)).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(store_->find_image_by_sha256("../etc").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, LinkingRecordsTheSkuChange) {
  auto f = make_collection(*store_);
  ASSERT_TRUE(
      import(*store_, f.collection.id, {product("ABC123"), product("DEF456")})
          .ok());
  auto abc = store_->find_product(f.collection.id, "ABC123");
  auto def = store_->find_product(f.collection.id, "DEF456");
  auto img = store_->insert_image(image(1, "ABC123"));
  ASSERT_TRUE(abc.ok() && def.ok() && img.ok());
  const RowId id = img->image.id;

  auto linked = store_->link_image(id, abc->id, "ingest", "file name");
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->product_id, abc->id);
  EXPECT_EQ(linked->collection_id, f.collection.id);
  ASSERT_TRUE(store_->link_image(id, abc->id, "ingest", "again").ok());
  ASSERT_TRUE(
      store_->link_image(id, def->id, "maria", "wrong SKU in the name").ok());
  ASSERT_TRUE(store_->link_image(id, std::nullopt, "maria", "not ours").ok());
  EXPECT_EQ(store_->link_image(id, 999999, "maria", "").status().code(),
            ErrorCode::kNotFound);

  auto history = store_->sku_history(SkuSubject::kImage, id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u)
      << "linking to the same product is not a change";
  EXPECT_EQ((*history)[0].old_sku, "");
  EXPECT_EQ((*history)[0].new_sku, "ABC123");
  EXPECT_EQ((*history)[1].old_sku, "ABC123");
  EXPECT_EQ((*history)[1].new_sku, "DEF456");
  EXPECT_EQ((*history)[1].actor, "maria");
  EXPECT_EQ((*history)[1].reason, "wrong SKU in the name");
  EXPECT_EQ((*history)[2].new_sku, "");
  EXPECT_FALSE(store_->get_image(id)->product_id.has_value());
}

TEST_P(CatalogStoreConformance, RenamingAProductIsAuditedAndRefusesClashes) {
  auto f = make_collection(*store_);
  ASSERT_TRUE(
      import(*store_, f.collection.id, {product("A1"), product("B2")}).ok());
  auto a = store_->find_product(f.collection.id, "A1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(
      store_->rename_product(a->id, "B2", "maria", "typo").status().code(),
      ErrorCode::kConflict);
  auto renamed = store_->rename_product(a->id, "A1-NEW", "maria", "typo");
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->sku, "A1-NEW");
  auto history = store_->sku_history(SkuSubject::kProduct, a->id);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].old_sku, "A1");
  EXPECT_EQ((*history)[0].new_sku, "A1-NEW");
}

TEST_P(CatalogStoreConformance, StatusFollowsTheWorkflow) {
  auto a = store_->insert_image(image(1));
  auto b = store_->insert_image(image(2));
  ASSERT_TRUE(a.ok() && b.ok());
  auto ai =
      store_->set_image_status(a->image.id, ImageStatus::kPendingAiAnalysis);
  ASSERT_TRUE(ai.ok()) << ai.status();
  EXPECT_EQ(store_->set_image_status(a->image.id, ImageStatus::kApproved)
                .status()
                .code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(
      store_->set_image_status(a->image.id, ImageStatus::kPending).ok());
  auto approved = store_->set_image_status(a->image.id, ImageStatus::kApproved);
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->status, ImageStatus::kApproved);
  EXPECT_EQ(store_->set_image_status(a->image.id, ImageStatus::kRejected)
                .status()
                .code(),
            ErrorCode::kConflict);
  EXPECT_EQ(store_->set_image_status(a->image.id, ImageStatus::kPending)
                .status()
                .code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(
      store_->set_image_status(b->image.id, ImageStatus::kRejected).ok());
  EXPECT_EQ(store_->get_image(a->image.id)->status, ImageStatus::kApproved);
  EXPECT_EQ(
      store_->set_image_status(424242, ImageStatus::kApproved).status().code(),
      ErrorCode::kNotFound);
}

TEST_P(CatalogStoreConformance, ConcurrentTransitionsLetExactlyOneWin) {
  auto a = store_->insert_image(image(1));
  ASSERT_TRUE(a.ok());
  std::atomic<int> wins{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto r = store_->set_image_status(
          a->image.id, t % 2 ? ImageStatus::kApproved : ImageStatus::kRejected);
      if (r.ok()) {
        ++wins;
      } else if (r.status().code() == ErrorCode::kConflict) {
        ++conflicts;
      } else {
        ADD_FAILURE() << r.status();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
}

TEST_P(CatalogStoreConformance, ConcurrentInsertsStoreEachContentOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> fresh{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<ImageRecord> images;
      for (int n = 0; n < 60; ++n)
        images.push_back(image((n * 7 + t * 13) % 100));
      auto rows = store_->insert_images(images);
      ASSERT_TRUE(rows.ok()) << rows.status();
      for (const auto& row : *rows) fresh += row.duplicate ? 0 : 1;
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> expected;
  for (int t = 0; t < 4; ++t) {
    for (int n = 0; n < 60; ++n) expected.insert(sha((n * 7 + t * 13) % 100));
  }
  ImageQuery all;
  all.limit = 1000;
  auto page = store_->list_images(all);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), expected.size());
  EXPECT_EQ(fresh.load(), static_cast<int>(expected.size()));
}

TEST_P(CatalogStoreConformance, VariantsAreRecordedAndReplaced) {
  auto img = store_->insert_image(image(1));
  ASSERT_TRUE(img.ok());
  const RowId id = img->image.id;
  std::vector<VariantRecord> first = {
      {id, "thumbnail", "webp", 150, 225, 4000, "variants/x/thumbnail.webp"},
      {id, "thumbnail", "jpeg", 150, 225, 6000, "variants/x/thumbnail.jpg"},
      {id, "grid", "avif", 400, 600, 20000, "variants/x/grid.avif"}};
  ASSERT_TRUE(store_->put_variants(id, first).ok());
  std::vector<VariantRecord> redo = {
      {id, "thumbnail", "webp", 160, 240, 4100, "variants/x/thumbnail.webp"}};
  ASSERT_TRUE(store_->put_variants(id, redo).ok());
  auto stored = store_->variants(id);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].preset, "grid");
  EXPECT_EQ((*stored)[2].format, "webp");
  EXPECT_EQ((*stored)[2].width, 160u);
  EXPECT_EQ((*stored)[2].bytes, 4100u);
  EXPECT_EQ(store_->put_variants(777777, redo).code(), ErrorCode::kNotFound);
  std::vector<VariantRecord> twice = {redo[0], redo[0]};
  EXPECT_EQ(store_->put_variants(id, twice).code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, ImageBlobsComeInSha256OrderWithTheirVariants) {
  // Inserted out of order: the pages follow sha256, not id.
  std::map<int, RowId> ids;
  for (int n : {3, 1, 2}) {
    auto r = store_->insert_image(image(n));
    ASSERT_TRUE(r.ok()) << r.status();
    ids[n] = r->image.id;
  }
  std::vector<VariantRecord> v = {
      {ids[1], "thumbnail", "webp", 150, 225, 4000, "variants/b/thumb.webp"},
      {ids[1], "grid", "jpeg", 400, 600, 9000, "variants/a/grid.jpg"}};
  ASSERT_TRUE(store_->put_variants(ids[1], v).ok());
  auto first = store_->image_blobs("", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].sha256, sha(1));
  EXPECT_EQ((*first)[0].id, ids[1]);
  EXPECT_EQ((*first)[0].original.key, image(1).blob_key);
  EXPECT_EQ((*first)[0].original.bytes, 123456u);
  ASSERT_EQ((*first)[0].variants.size(), 2u);
  EXPECT_EQ((*first)[0].variants[0].key, "variants/a/grid.jpg");  // key order
  EXPECT_EQ((*first)[0].variants[0].bytes, 9000u);
  EXPECT_EQ((*first)[0].variants[0].width, 400);
  EXPECT_EQ((*first)[0].variants[1].height, 225);
  EXPECT_EQ((*first)[1].sha256, sha(2));
  EXPECT_TRUE((*first)[1].variants.empty());
  auto rest = store_->image_blobs((*first)[1].sha256, 2);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].sha256, sha(3));
  auto none = store_->image_blobs(sha(3), 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(store_->image_blobs("", 0).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->image_blobs("", 10001).status().code(),
            ErrorCode::kInvalidArgument);

  // No job names anything yet; the values must be SHA-256s.
  auto held = store_->job_sha256s(std::vector<std::string>{sha(1), sha(9)});
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_TRUE(held->empty());
  EXPECT_EQ(store_->job_sha256s(std::vector<std::string>{"x' OR '1'='1"})
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->job_sha256s(std::vector<std::string>(1001, sha(1)))
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, TheEnginesOwnCheck) {
  auto fine = store_->check_database(false);
  ASSERT_TRUE(fine.ok()) << fine.status();
  if (GetParam().name != "sqlite") {
    EXPECT_FALSE(fine->has_value());  // PostgreSQL: none an app may run
    return;
  }
  ASSERT_TRUE(fine->has_value());
  EXPECT_TRUE((*fine)->empty());
  auto thorough = store_->check_database(true);
  ASSERT_TRUE(thorough.ok() && thorough->has_value());
  EXPECT_TRUE((*thorough)->empty());
  // A row whose parent is gone, written past the foreign keys (exec's own
  // connection leaves them off, SQLite's default: another program, or a
  // file restored from pieces).
  db_.exec(
      "INSERT INTO variants (image_id, preset, "
      "format, width, height, bytes, blob_key) VALUES (424242, 'grid', "
      "'jpeg', 1, 1, 1, 'variants/x/grid.jpg')");
  auto damaged = store_->check_database(false);
  ASSERT_TRUE(damaged.ok()) << damaged.status();
  ASSERT_TRUE(damaged->has_value());
  ASSERT_EQ((*damaged)->size(), 1u);
  EXPECT_NE((**damaged)[0].find("variants row"), std::string::npos)
      << (**damaged)[0];
  EXPECT_NE((**damaged)[0].find("missing images row"), std::string::npos)
      << (**damaged)[0];
}

TEST_P(CatalogStoreConformance, ItemsAreAtMostFourAndReplaceable) {
  auto img = store_->insert_image(image(1));
  ASSERT_TRUE(img.ok());
  const RowId id = img->image.id;
  std::vector<ImageItem> items(2);
  items[0].position = 0;
  items[0].label = "blusa";
  items[0].box = {0.1, 0.1, 0.5, 0.4};
  items[0].attributes = {{"cor", "azul"}};
  items[1].position = 1;
  items[1].label = "calça";
  items[1].box = {0.1, 0.5, 0.5, 0.5};
  auto stored = store_->put_image_items(id, items);
  ASSERT_TRUE(stored.ok()) << stored.status();
  auto read = store_->image_items(id);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].attributes.at("cor"), "azul");
  EXPECT_EQ((*read)[1].label, "calça");
  EXPECT_DOUBLE_EQ((*read)[1].box[3], 0.5);
  std::vector<ImageItem> five(5);
  for (int i = 0; i < 5; ++i) five[i].position = i % 4;
  EXPECT_EQ(store_->put_image_items(id, five).status().code(),
            ErrorCode::kInvalidArgument);
  items.resize(1);
  ASSERT_TRUE(store_->put_image_items(id, items).ok());
  EXPECT_EQ(store_->image_items(id)->size(), 1u);
}

TEST_P(CatalogStoreConformance, AiAnalysesNeverTouchCarteiraFields) {
  auto f = make_collection(*store_);
  ASSERT_TRUE(
      import(*store_, f.collection.id, {product("ABC123", "Blusa")}).ok());
  auto p = store_->find_product(f.collection.id, "ABC123");
  auto img = store_->insert_image(image(1, "ABC123"));
  ASSERT_TRUE(p.ok() && img.ok());
  ASSERT_TRUE(store_->link_image(img->image.id, p->id, "ingest", "").ok());
  AiAnalysis ai;
  ai.image_id = img->image.id;
  ai.description = "Vestido longo vermelho";
  ai.tags = {"vestido", "longo"};
  ai.color = "Vermelho";
  ai.material = "Seda";
  ai.confidence = 0.87;
  ai.provider = "offline";
  ai.model = "clip-v1";
  ai.raw_json = R"({"labels":["dress"]})";
  auto stored = store_->add_ai_analysis(ai);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ai.item_position = 2;
  ai.tags.clear();
  ASSERT_TRUE(store_->add_ai_analysis(ai).ok());
  auto all = store_->ai_analyses(img->image.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].tags, (std::vector<std::string>{"vestido", "longo"}));
  EXPECT_FALSE((*all)[0].item_position.has_value());
  EXPECT_EQ((*all)[1].item_position, 2);
  EXPECT_DOUBLE_EQ((*all)[0].confidence, 0.87);
  EXPECT_EQ((*all)[0].raw_json, ai.raw_json);
  auto after = store_->get_product(p->id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->fields, p->fields);
  // A later Carteira import rewrites Carteira fields and leaves AI alone.
  ASSERT_TRUE(
      import(*store_, f.collection.id, {product("ABC123", "Blusa 2")}).ok());
  EXPECT_EQ(store_->ai_analyses(img->image.id)->size(), 2u);
  ai.confidence = 1.5;
  EXPECT_EQ(store_->add_ai_analysis(ai).status().code(),
            ErrorCode::kInvalidArgument);
  ai.confidence = 0.5;
  ai.image_id = 31337;
  EXPECT_EQ(store_->add_ai_analysis(ai).status().code(), ErrorCode::kNotFound);
}

TEST_P(CatalogStoreConformance, AnalysesAreCachedByContentProviderAndSchema) {
  auto a = store_->insert_image(image(1));
  auto b = store_->insert_image(image(2));
  ASSERT_TRUE(a.ok() && b.ok());
  const AnalysisKey offline{"offline", "offline-1", 1};
  // Nothing yet: both images are missing it, and the cache is empty.
  ImageQuery missing;
  missing.missing_analysis = offline;
  EXPECT_EQ(store_->list_images(missing)->items.size(), 2u);
  EXPECT_FALSE(store_->find_ai_analysis(a->image.sha256, offline)->has_value());

  AiAnalysis ai;
  ai.image_id = a->image.id;
  ai.sha256 = a->image.sha256;
  ai.schema_version = 1;
  ai.provider = "offline";
  ai.model = "offline-1";
  ai.description = "Peça em azul-marinho sobre fundo branco.";
  ai.colors = {{"azul-marinho", "#1f2a44", 0.6}, {"branco", "", 0.4}};
  ai.color = "azul-marinho";
  ai.garment_type = "";
  ai.style = "casual";
  ai.input_tokens = 120;
  ai.output_tokens = 30;
  PhotoQuality q;
  q.background_hex = "#fefefe";
  q.white_background = true;
  q.white_border_share = 0.98;
  q.sharpness = 412.5;
  ai.quality = q;
  ai.blurhash = "LEHV6nWB2yk8pyo0adR*.7kCMdnj";
  ai.confidence = 0.7;
  auto stored = store_->add_ai_analysis(ai);
  ASSERT_TRUE(stored.ok()) << stored.status();

  // A failed attempt is kept with its reason but is no answer.
  AiAnalysis failed;
  failed.image_id = b->image.id;
  failed.sha256 = b->image.sha256;
  failed.schema_version = 1;
  failed.provider = "offline";
  failed.model = "offline-1";
  failed.error = quota_exhausted_error("offline: quota used up");
  ASSERT_TRUE(store_->add_ai_analysis(failed).ok());

  auto hit = store_->find_ai_analysis(a->image.sha256, offline);
  ASSERT_TRUE(hit.ok()) << hit.status();
  ASSERT_TRUE(hit->has_value());
  AiAnalysis expected = ai;
  expected.id = stored->id;
  expected.created_ms = stored->created_ms;
  EXPECT_EQ(**hit, expected);  // every field round-trips
  EXPECT_FALSE(store_->find_ai_analysis(b->image.sha256, offline)->has_value());
  EXPECT_FALSE(
      store_->find_ai_analysis(a->image.sha256, {"offline", "offline-1", 2})
          ->has_value());
  EXPECT_FALSE(
      store_->find_ai_analysis(a->image.sha256, {"openai", "offline-1", 1})
          ->has_value());
  auto b_rows = store_->ai_analyses(b->image.id);
  ASSERT_TRUE(b_rows.ok());
  ASSERT_EQ(b_rows->size(), 1u);
  EXPECT_EQ((*b_rows)[0].error.code(), ErrorCode::kQuotaExhausted);
  EXPECT_EQ((*b_rows)[0].error.message(), "offline: quota used up");

  auto left = store_->list_images(missing);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->items.size(), 1u);
  EXPECT_EQ(left->items[0].id, b->image.id);
  missing.missing_analysis->schema_version = 2;
  EXPECT_EQ(store_->list_images(missing)->items.size(), 2u);

  AiAnalysis bad = ai;
  bad.colors[0].share = 1.5;
  EXPECT_EQ(store_->add_ai_analysis(bad).status().code(),
            ErrorCode::kInvalidArgument);
  bad = ai;
  bad.input_tokens = -1;
  EXPECT_EQ(store_->add_ai_analysis(bad).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, ListingPagesWithKeysetsAndFilters) {
  auto f = make_collection(*store_);
  // The images of a batch: the batch comes from the queue of the database.
  auto queue = db_.open();
  ASSERT_TRUE(queue.ok()) << queue.status();
  auto batch = (*queue)->create_batch(f.collection.id, "upload 1");
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::vector<ImageRecord> images;
  for (int n = 1; n <= 25; ++n) {
    ImageRecord img = image(n, n % 2 ? "ODD" : "EVEN");
    img.collection_id = f.collection.id;
    if (n <= 10) img.batch_id = batch->id;
    images.push_back(img);
  }
  ASSERT_TRUE(store_->insert_images(images).ok());
  ImageQuery query;
  query.limit = 10;
  std::vector<RowId> seen;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 5);
    auto page = store_->list_images(query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& img : page->items) seen.push_back(img.id);
    if (page->next_after == 0) break;
    query.after_id = page->next_after;
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<RowId>(seen.begin(), seen.end()).size(), 25u);

  ImageQuery odd;
  odd.sku_base = "ODD";
  odd.limit = 100;
  EXPECT_EQ(store_->list_images(odd)->items.size(), 13u);
  ImageQuery in_batch;
  in_batch.batch_id = batch->id;
  in_batch.sku_base = "EVEN";
  EXPECT_EQ(store_->list_images(in_batch)->items.size(), 5u);
  ASSERT_TRUE(store_->set_image_status(seen[0], ImageStatus::kApproved).ok());
  ImageQuery approved;
  approved.status = ImageStatus::kApproved;
  approved.collection_id = f.collection.id;
  auto page = store_->list_images(approved);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, seen[0]);
  ImageQuery bad;
  bad.limit = 0;
  EXPECT_EQ(store_->list_images(bad).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(CatalogStoreConformance, ReportsCountPhotosPerProductAndView) {
  auto f = make_collection(*store_);
  auto other = store_->upsert_collection(f.brand.id, "Inverno 2027", "");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(
      import(*store_, f.collection.id,
             {product("P1"), product("P2"), product("P3"), product("P4")})
          .ok());
  ASSERT_TRUE(import(*store_, other->id, {product("Q1")}).ok());
  auto link = [&](int n, const std::string& sku, const std::string& view) {
    auto p = store_->find_product(f.collection.id, sku);
    auto img = store_->insert_image(image(n, sku, view));
    ASSERT_TRUE(p.ok() && img.ok());
    ASSERT_TRUE(store_->link_image(img->image.id, p->id, "test", "").ok());
  };
  link(1, "P1", "frente");
  link(2, "P1", "costas");
  link(3, "P2", "frente");
  const RowId rejected = [&] {
    auto p = store_->find_product(f.collection.id, "P3");
    auto img = store_->insert_image(image(4, "P3", "frente"));
    EXPECT_TRUE(store_->link_image(img->image.id, p->id, "test", "").ok());
    return img->image.id;
  }();
  ASSERT_TRUE(store_->set_image_status(rejected, ImageStatus::kRejected).ok());
  ASSERT_TRUE(store_->insert_image(image(5, "NOSKU")).ok());

  auto missing = store_->products_without_photos(f.collection.id, 0, 100);
  ASSERT_TRUE(missing.ok()) << missing.status();
  std::vector<std::string> skus;
  for (const auto& p : missing->items) skus.push_back(p.sku);
  EXPECT_EQ(skus, (std::vector<std::string>{"P3", "P4"}))
      << "a rejected photo does not cover its product";
  auto all_missing = store_->products_without_photos(std::nullopt, 0, 1);
  ASSERT_TRUE(all_missing.ok());
  ASSERT_EQ(all_missing->items.size(), 1u);
  EXPECT_NE(all_missing->next_after, 0);
  auto rest = store_->products_without_photos(std::nullopt,
                                              all_missing->next_after, 10);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->items.size(), 2u);  // P4 and Q1
  EXPECT_EQ(rest->next_after, 0);

  const std::vector<std::string> views = {"frente", "costas", "detalhe"};
  auto coverage = store_->coverage(std::nullopt, views);
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  ASSERT_EQ(coverage->size(), 2u);
  const Coverage& c = (*coverage)[0];
  EXPECT_EQ(c.collection, "Verão 2027");
  EXPECT_EQ(c.brand, "Marca A");
  EXPECT_EQ(c.products, 4);
  EXPECT_EQ(c.products_with_photo, 2);
  ASSERT_EQ(c.views.size(), 3u);
  EXPECT_EQ(c.views[0], (ViewCoverage{"frente", 2}));
  EXPECT_EQ(c.views[1], (ViewCoverage{"costas", 1}));
  EXPECT_EQ(c.views[2], (ViewCoverage{"detalhe", 0}));
  EXPECT_EQ((*coverage)[1].products, 1);
  EXPECT_EQ((*coverage)[1].products_with_photo, 0);
  auto one = store_->coverage(other->id, {});
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(store_->coverage(555, {}).status().code(), ErrorCode::kNotFound);

  auto counts = store_->image_counts();
  ASSERT_TRUE(counts.ok()) << counts.status();
  std::vector<ImageCount> expected = {
      {"", "", ImageStatus::kPending, 1},
      {"Marca A", "Verão 2027", ImageStatus::kPending, 3},
      {"Marca A", "Verão 2027", ImageStatus::kRejected, 1}};
  EXPECT_EQ(*counts, expected);
}

TEST_P(CatalogStoreConformance, ImagesListByLinkAndHashesPage) {
  auto brand = store_->upsert_brand("Marca A");
  ASSERT_TRUE(brand.ok());
  auto collection = store_->upsert_collection(brand->id, "Verão", "");
  ASSERT_TRUE(collection.ok());
  CarteiraImportRequest request;
  request.collection_id = collection->id;
  request.file = "c.xlsx";
  for (const char* sku : {"A1", "A2", "A3"}) {
    ProductUpsert p;
    p.sku = sku;
    request.products.push_back(p);
  }
  ASSERT_TRUE(store_->import_products(request).ok());
  std::vector<RowId> ids;
  for (int n = 1; n <= 3; ++n) {
    auto r = store_->insert_image(image(n));
    ASSERT_TRUE(r.ok());
    ids.push_back(r->image.id);
  }
  auto product = store_->find_product(collection->id, "A2");
  ASSERT_TRUE(product.ok());
  ASSERT_TRUE(store_->link_image(ids[1], product->id, "test", "").ok());
  ImageQuery linked;
  linked.linked = true;
  auto with = store_->list_images(linked);
  ASSERT_TRUE(with.ok());
  ASSERT_EQ(with->items.size(), 1u);
  EXPECT_EQ(with->items[0].id, ids[1]);
  ImageQuery unlinked;
  unlinked.linked = false;
  auto without = store_->list_images(unlinked);
  ASSERT_TRUE(without.ok());
  ASSERT_EQ(without->items.size(), 2u);
  EXPECT_EQ(without->items[0].id, ids[0]);
  EXPECT_EQ(without->items[1].id, ids[2]);

  auto hashes = store_->image_hashes(0, 2);
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  ASSERT_EQ(hashes->size(), 2u);
  EXPECT_EQ((*hashes)[0].id, ids[0]);
  EXPECT_EQ((*hashes)[0].phash, image(1).phash);
  auto rest = store_->image_hashes((*hashes)[1].id, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].phash, image(3).phash);
  EXPECT_EQ(store_->image_hashes(0, 0).status().code(),
            ErrorCode::kInvalidArgument);

  auto products = store_->list_products(collection->id, 0, 2);
  ASSERT_TRUE(products.ok()) << products.status();
  ASSERT_EQ(products->items.size(), 2u);
  EXPECT_EQ(products->items[0].sku, "A1");
  auto more = store_->list_products(collection->id, products->next_after, 2);
  ASSERT_TRUE(more.ok());
  ASSERT_EQ(more->items.size(), 1u);
  EXPECT_EQ(more->items[0].sku, "A3");
  EXPECT_EQ(more->next_after, 0);
  EXPECT_EQ(*store_->get_product(more->items[0].id), more->items[0]);
}

}  // namespace imagebank::testing
