// Bank::analyze on a real SQLite catalog and local disk, with plug-in
// analyzers: answers stored apart from the Carteira, the review workflow,
// the cache, failures kept with their reason, and the colour review.
#include <gtest/gtest.h>

#include <atomic>

#include "imagebank/adapters/vision.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

// Says every photo is "vermelho"; fails with `failure` when it is set.
class Vermelho : public VisionAnalyzer {
 public:
  explicit Vermelho(std::string provider = "fake") : provider_(provider) {}
  std::string provider() const override { return provider_; }
  std::string model() const override { return "v1"; }
  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest&) override {
    ++calls;
    EXPECT_LE(std::max(image.width, image.height), kVisionMaxSide);
    EXPECT_EQ(image.rgb.size(),
              static_cast<std::size_t>(image.width) * image.height * 3);
    EXPECT_EQ(image.sha256.size(), 64u);
    if (!failure.ok()) return failure;
    VisionResult r;
    r.provider = provider_;
    r.model = "v1";
    r.description = "Vestido vermelho";
    r.colors = {{"vermelho", "#c0392b", 0.8}};
    r.tags = {"vestido"};
    r.garment_type = "vestido";
    r.input_tokens = 100;
    r.output_tokens = 20;
    VisionItem item;
    item.label = "vestido";
    item.box = {0.2, 0.1, 0.6, 0.8};
    item.colors = {{"vermelho", "#c0392b", 1.0}};
    item.confidence = 0.9;
    r.items = {item};
    r.confidence = 0.8;
    return r;
  }
  std::atomic<int> calls{0};
  Status failure;

 private:
  std::string provider_;
};

class BankAnalyzeTest : public IngestTest {
 protected:
  void ingest_three() {
    const auto path = scratch_.path() / "carteira.csv";
    write_text(path,
               "SKU;Descrição;Cor;Material\nABC1;Vestido;Azul;Seda\n"
               "ABC2;Blusa;Vermelho;Algodão\n");
    CarteiraImportOptions co;
    co.brand = "Aurora";
    co.collection = "Verão";
    ASSERT_TRUE(bank_->import_carteira(path, co).ok());
    write_bytes(photos_ / "ABC1_FRENTE.jpg", synthetic_photo(1));
    write_bytes(photos_ / "ABC2_FRENTE.jpg", synthetic_photo(2));
    write_bytes(photos_ / "XYZ9_FRENTE.jpg", synthetic_photo(3));
    const std::vector<std::filesystem::path> paths = {photos_};
    auto batch = bank_->ingest(paths, options());
    ASSERT_TRUE(batch.ok()) << batch.status();
    batch_ = batch->id;
  }
  Product product(const std::string& sku) {
    auto c = bank_->collection("Verão");
    auto p = bank_->catalog().find_product(c->id, sku);
    EXPECT_TRUE(p.ok()) << p.status();
    return *p;
  }
  RowId batch_ = 0;
};

TEST_F(BankAnalyzeTest, AnswersNeverTouchTheCarteiraAndDisagreementsAreListed) {
  ingest_three();
  const Product before = product("ABC1");
  ASSERT_EQ(before.fields.cor, "Azul");
  auto fake = std::make_shared<Vermelho>();
  AnalyzeOptions o;
  o.vision.clear();
  o.analyzers = {fake};
  o.workers = 2;
  auto report = bank_->analyze(o);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->progress.selected, 3);
  EXPECT_EQ(report->progress.analysed, 3);
  EXPECT_EQ(report->progress.failed, 0);
  EXPECT_EQ(report->progress.input_tokens, 300);
  EXPECT_EQ(report->by_provider.at("fake"), 3);
  // The Carteira's fields are byte-identical.
  const Product after = product("ABC1");
  EXPECT_EQ(after.fields, before.fields);
  EXPECT_EQ(after.extra, before.extra);
  EXPECT_EQ(after.updated_ms, before.updated_ms);
  // The answer is stored: the whole photo, its item and the item's colour.
  auto images = bank_->catalog().list_images(ImageQuery{});
  ASSERT_TRUE(images.ok());
  for (const ImageRecord& image : images->items) {
    auto analyses = bank_->catalog().ai_analyses(image.id);
    ASSERT_TRUE(analyses.ok());
    ASSERT_EQ(analyses->size(), 2u);
    EXPECT_EQ((*analyses)[0].color, "vermelho");
    EXPECT_EQ((*analyses)[0].garment_type, "vestido");
    EXPECT_EQ((*analyses)[0].sha256, image.sha256);
    EXPECT_EQ((*analyses)[0].schema_version, kVisionSchemaVersion);
    EXPECT_EQ((*analyses)[1].item_position, 0);
    auto items = bank_->catalog().image_items(image.id);
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ((*items)[0].label, "vestido");
  }
  // Side by side: ABC1 (Azul) disagrees, ABC2 (Vermelho) agrees; XYZ9 has
  // no product.
  auto review = bank_->color_review(std::string("Verão"));
  ASSERT_TRUE(review.ok()) << review.status();
  ASSERT_EQ(review->size(), 2u);
  EXPECT_EQ((*review)[0].sku, "ABC1");
  EXPECT_EQ((*review)[0].carteira_color, "Azul");
  EXPECT_EQ((*review)[0].ai_color, "vermelho");
  EXPECT_EQ((*review)[0].agreement, "disagree");
  EXPECT_EQ((*review)[1].agreement, "agree");
  auto only = bank_->color_review(std::nullopt, true);
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].sku, "ABC1");

  // A second run costs nothing: every image has its answer.
  auto again = bank_->analyze(o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->progress.selected, 0);
  EXPECT_EQ(fake->calls.load(), 3);
  // Forced, the cache is skipped... and with another provider first, the
  // cached answers of the chain's second analyzer cost no call.
  auto other = std::make_shared<Vermelho>("other");
  o.analyzers = {other, fake};
  auto cached = bank_->analyze(o);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->progress.selected, 3);
  EXPECT_EQ(cached->progress.cached, 3);
  EXPECT_EQ(other->calls.load(), 0);
  EXPECT_EQ(fake->calls.load(), 3);
  o.force = true;
  o.analyzers = {fake};
  auto forced = bank_->analyze(o);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->progress.analysed, 3);
  EXPECT_EQ(fake->calls.load(), 6);
}

TEST_F(BankAnalyzeTest, TheWorkflowMovesOnOnlyWhenAnalysed) {
  ingest_three();
  auto images = bank_->catalog().list_images(ImageQuery{});
  ASSERT_TRUE(images.ok());
  ASSERT_EQ(images->items.size(), 3u);
  for (const ImageRecord& image : images->items) {
    ASSERT_TRUE(bank_->catalog()
                    .set_image_status(image.id, ImageStatus::kPendingAiAnalysis)
                    .ok());
  }
  auto down = std::make_shared<Vermelho>("down");
  down->failure = quota_exhausted_error("down: insufficient_quota");
  AnalyzeOptions o;
  o.vision.clear();
  o.analyzers = {down};
  o.status = ImageStatus::kPendingAiAnalysis;
  o.workers = 1;  // calls in flight together may all meet the quota
  auto failed = bank_->analyze(o);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->progress.failed, 3);
  ASSERT_EQ(failed->failures.size(), 3u);
  EXPECT_EQ(failed->failures[0].error.code(), ErrorCode::kQuotaExhausted);
  ASSERT_EQ(failed->given_up.size(), 1u);
  // Only one call: the provider was given up after its quota ran out.
  EXPECT_EQ(down->calls.load(), 1);
  for (const ImageRecord& image : images->items) {
    auto now = bank_->catalog().get_image(image.id);
    EXPECT_EQ(now->status, ImageStatus::kPendingAiAnalysis);
  }
  // The attempt that was made is recorded with its reason.
  auto rows = bank_->catalog().ai_analyses(images->items[0].id);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].error.code(), ErrorCode::kQuotaExhausted);

  // With a fallback, everything is analysed and moves to pending.
  auto good = std::make_shared<Vermelho>("good");
  auto down2 = std::make_shared<Vermelho>("down");
  down2->failure = quota_exhausted_error("down: insufficient_quota");
  o.analyzers = {down2, good};
  auto report = bank_->analyze(o);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->progress.analysed, 3);
  EXPECT_EQ(report->by_provider.at("good"), 3);
  for (const ImageRecord& image : images->items) {
    EXPECT_EQ(bank_->catalog().get_image(image.id)->status,
              ImageStatus::kPending);
  }
}

TEST_F(BankAnalyzeTest, SelectionsAndBadOptions) {
  ingest_three();
  auto fake = std::make_shared<Vermelho>();
  AnalyzeOptions o;
  o.vision.clear();
  o.analyzers = {fake};
  auto images = bank_->catalog().list_images(ImageQuery{});
  o.image_ids = {images->items[1].id};
  auto one = bank_->analyze(o);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->progress.selected, 1);
  o.image_ids = {987654};
  EXPECT_EQ(bank_->analyze(o).status().code(), ErrorCode::kNotFound);
  o.image_ids.clear();
  o.collection = "Inverno";
  EXPECT_EQ(bank_->analyze(o).status().code(), ErrorCode::kNotFound);
  o.collection.reset();
  o.batch_id = batch_;
  auto rest = bank_->analyze(o);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->progress.selected, 2);
  o.vision = {"nonsense://"};
  EXPECT_EQ(bank_->analyze(o).status().code(), ErrorCode::kInvalidArgument);
  o.vision.clear();
  o.analyzers.clear();
  EXPECT_EQ(bank_->analyze(o).status().code(), ErrorCode::kInvalidArgument);
}

TEST(CompareColors, FamiliesAccentsAndCase) {
  EXPECT_EQ(compare_colors("AZUL", "azul"), "agree");
  EXPECT_EQ(compare_colors("Azul Marinho", "azul-marinho"), "agree");
  EXPECT_EQ(compare_colors("Lilás", "lilas"), "agree");
  EXPECT_EQ(compare_colors("Azul", "azul-marinho"), "partial");
  EXPECT_EQ(compare_colors("Verde", "vermelho"), "disagree");
  EXPECT_EQ(compare_colors("", "azul"), "");
  EXPECT_EQ(compare_colors("Azul", ""), "");
}

}  // namespace
}  // namespace imagebank::testing
