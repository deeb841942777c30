// The analysis stage of ingest: analyze jobs beside the files, a provider
// outage that never holds variants back and resumes like any job, a batch
// whose analyzers are reopened by Bank::resume; and the picture every
// analyzer receives.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>

#include "imagebank/image/decode.hpp"
#include "imagebank/ingest/analysis.hpp"
#include "ingest/ingest_test_util.hpp"

namespace imagebank::testing {
namespace {

// Calls a colour by the photo's name; fails with `failure` while it is set.
class Namer : public VisionAnalyzer {
 public:
  std::string provider() const override { return "namer"; }
  std::string model() const override { return "n1"; }
  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest&) override {
    {
      std::lock_guard lock(mu);
      seen.insert(image.sha256);
    }
    ++calls;
    if (fail_all.load()) return unavailable_error("namer is down");
    VisionResult r;
    r.provider = "namer";
    r.model = "n1";
    r.description = "foto " + image.name;
    r.colors = {{"verde", "#2e7d32", 0.7}};
    r.confidence = 0.6;
    return r;
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail_all{false};
  std::mutex mu;
  std::set<std::string> seen;
};

class AnalysisJobTest : public IngestTest {
 protected:
  void three_photos() {
    carteira("ABC1;Vestido\nABC2;Blusa\n");
    write_bytes(photos_ / "ABC1_FRENTE.jpg", synthetic_photo(11));
    write_bytes(photos_ / "ABC2_FRENTE.jpg", synthetic_photo(12));
    write_bytes(photos_ / "XYZ9_COSTAS.jpg", synthetic_photo(13));
  }
  std::shared_ptr<VisionChain> chain(std::shared_ptr<VisionAnalyzer> a) {
    AnalyzeOptions o;
    o.vision.clear();
    o.analyzers = {std::move(a)};
    o.chain.max_tries = 1;
    auto c = bank_->open_vision(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : nullptr;
  }
  std::vector<Job> of_kind(RowId batch, JobKind kind) {
    std::vector<Job> out;
    for (Job& j : jobs(batch)) {
      if (j.kind == kind) out.push_back(std::move(j));
    }
    return out;
  }
  std::vector<AiAnalysis> answers(RowId image) {
    auto all = bank_->catalog().ai_analyses(image);
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<AiAnalysis> out;
    for (AiAnalysis& a : *all) {
      if (a.error.ok() && !a.item_position) out.push_back(std::move(a));
    }
    return out;
  }
};

TEST_F(AnalysisJobTest, EveryNewImageIsAnalysedAsAJobOfItsOwn) {
  three_photos();
  auto c = bank_->collection("Verão");
  ASSERT_TRUE(c.ok());
  auto before = bank_->catalog().find_product(c->id, "ABC1");
  ASSERT_TRUE(before.ok());
  auto namer = std::make_shared<Namer>();
  IngestOptions o = options();
  o.analysis.chain = chain(namer);
  o.analysis.label = "namer://";
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, BatchState::kDone);
  EXPECT_EQ(batch->analysis, "namer://");

  const auto files = of_kind(batch->id, JobKind::kProcess);
  const auto analyses = of_kind(batch->id, JobKind::kAnalyze);
  ASSERT_EQ(files.size(), 3u);
  ASSERT_EQ(analyses.size(), 3u);
  std::map<std::string, RowId> image_of;
  for (const Job& f : files) {
    EXPECT_EQ(f.state, JobState::kDone) << f.source_path;
    image_of[f.source_path] = f.image_id.value_or(0);
  }
  for (const Job& a : analyses) {
    EXPECT_EQ(a.state, JobState::kDone) << a.source_path << a.error;
    ASSERT_TRUE(a.image_id.has_value());
    EXPECT_EQ(*a.image_id, image_of.at(a.source_path));
    const auto stored = answers(*a.image_id);
    ASSERT_EQ(stored.size(), 1u) << a.source_path;
    EXPECT_EQ(stored[0].provider, "namer");
    EXPECT_EQ(stored[0].color, "verde");
  }
  EXPECT_EQ(namer->calls.load(), 3);
  auto progress = bank_->batch(batch->id);
  ASSERT_TRUE(progress.ok()) << progress.status();
  EXPECT_EQ(progress->counts.total(), 3);  // files only
  EXPECT_EQ(progress->counts.done, 3);
  EXPECT_EQ(progress->analysis.done, 3);
  EXPECT_EQ(progress->analysis.total(), 3);
  // The Carteira's fields are the Carteira's.
  auto after = bank_->catalog().find_product(c->id, "ABC1");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->fields, before->fields);
  EXPECT_EQ(after->fields.cor, "");
}

TEST_F(AnalysisJobTest, AnAnalyzerThatIsDownNeverHoldsVariantsBack) {
  three_photos();
  auto namer = std::make_shared<Namer>();
  namer->fail_all = true;
  IngestOptions o = options();
  o.max_attempts = 2;
  o.analysis.chain = chain(namer);
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, o);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->state, BatchState::kDone);
  // The label names the chain's provider and model when none is given.
  EXPECT_EQ(batch->analysis, "namer:n1");
  for (const Job& f : of_kind(batch->id, JobKind::kProcess)) {
    EXPECT_EQ(f.state, JobState::kDone) << f.source_path;
  }
  expect_blobs_match_rows(batch->id);
  const auto failed = of_kind(batch->id, JobKind::kAnalyze);
  ASSERT_EQ(failed.size(), 3u);
  for (const Job& a : failed) {
    EXPECT_EQ(a.state, JobState::kFailed);
    EXPECT_EQ(a.attempts, 2);
    EXPECT_EQ(a.error.code(), ErrorCode::kUnavailable) << a.error;
    EXPECT_NE(a.error.message().find(a.source_path), std::string::npos)
        << a.error;
    EXPECT_NE(a.error.message().find("namer is down"), std::string::npos);
    auto image = bank_->catalog().get_image(*a.image_id);
    ASSERT_TRUE(image.ok());
    // Left where it was: waiting for its analysis.
    EXPECT_EQ(image->status, ImageStatus::kPendingAiAnalysis);
    EXPECT_TRUE(answers(*a.image_id).empty());
  }
  EXPECT_EQ(namer->calls.load(), 6);

  // The provider is back: a resume re-queues what it may now answer.
  namer->fail_all = false;
  auto resumed = bank_->resume(batch->id, o);
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  for (const Job& a : of_kind(batch->id, JobKind::kAnalyze)) {
    EXPECT_EQ(a.state, JobState::kDone) << a.error;
    EXPECT_EQ(answers(*a.image_id).size(), 1u);
    auto image = bank_->catalog().get_image(*a.image_id);
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->status, ImageStatus::kPending);
  }
  EXPECT_EQ(namer->calls.load(), 9);
}

TEST_F(AnalysisJobTest, WithoutAnAnalyzerAnalysesWaitAndBankResumeReopensIt) {
  three_photos();
  auto offline = bank_->open_vision(AnalyzeOptions{});  // offline://
  ASSERT_TRUE(offline.ok()) << offline.status();
  IngestOptions with = options();
  with.analysis.chain = *offline;
  with.analysis.label = "offline://";
  auto maker = bank_->ingestor(with);
  ASSERT_TRUE(maker.ok()) << maker.status();
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = (*maker)->enqueue(paths);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->analysis, "offline://");

  // A worker without analyzers stores the files and leaves the analyses.
  auto plain = bank_->ingestor(options());
  ASSERT_TRUE(plain.ok());
  auto ended = (*plain)->resume(batch->id);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->state, BatchState::kRunning);
  auto progress = bank_->batch(batch->id);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->counts.done, 3);
  EXPECT_EQ(progress->analysis.received, 3);

  // Bank::resume opens the batch's own analyzers.
  auto resumed = bank_->resume(batch->id, options());
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(resumed->state, BatchState::kDone);
  progress = bank_->batch(batch->id);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->analysis.done, 3);
  for (const Job& a : of_kind(batch->id, JobKind::kAnalyze)) {
    const auto stored = answers(*a.image_id);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].provider, "offline");
    EXPECT_FALSE(stored[0].blurhash.empty());
  }
}

TEST_F(AnalysisJobTest, AnalysisOptionsAreChecked) {
  IngestOptions o = options();
  o.analysis.workers = 0;
  EXPECT_EQ(validate(o).code(), ErrorCode::kInvalidArgument);
  o.analysis.workers = 65;
  EXPECT_EQ(validate(o).code(), ErrorCode::kInvalidArgument);
  o.analysis.workers = 2;
  o.analysis.request.schema_version = 0;
  EXPECT_NE(validate(o).message().find("schema_version"), std::string::npos);
  o.analysis.request.schema_version = 1;
  o.analysis.label = std::string(5000, 'x');
  EXPECT_EQ(validate(o).code(), ErrorCode::kInvalidArgument);
}

TEST_F(AnalysisJobTest, AnalyzeImageStoresTheAnswerAndReusesIt) {
  three_photos();
  const std::vector<std::filesystem::path> paths = {photos_};
  auto batch = bank_->ingest(paths, options());
  ASSERT_TRUE(batch.ok()) << batch.status();
  const Job file = of_kind(batch->id, JobKind::kProcess).front();
  auto image = bank_->catalog().get_image(*file.image_id);
  ASSERT_TRUE(image.ok());
  auto namer = std::make_shared<Namer>();
  auto c = chain(namer);
  auto first = analyze_image(bank_->catalog(), bank_->blobs(), *c, *image, {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->error.ok());
  EXPECT_EQ(first->provider, "namer");
  EXPECT_FALSE(first->cached);
  auto again = analyze_image(bank_->catalog(), bank_->blobs(), *c, *image, {});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->cached);
  EXPECT_EQ(namer->calls.load(), 1);
  auto forced =
      analyze_image(bank_->catalog(), bank_->blobs(), *c, *image, {}, true);
  ASSERT_TRUE(forced.ok());
  EXPECT_FALSE(forced->cached);
  EXPECT_EQ(namer->calls.load(), 2);
  // A down analyzer: no answer, the reason, and a later try may pass.
  namer->fail_all = true;
  auto down =
      analyze_image(bank_->catalog(), bank_->blobs(), *c, *image, {}, true);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->error.code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(down->retryable);
  ASSERT_EQ(down->attempts.size(), 1u);
  // A missing original is the image's failure, not the run's.
  ImageRecord lost = *image;
  lost.blob_key = "originals/00/00/missing.jpg";
  auto missing =
      analyze_image(bank_->catalog(), bank_->blobs(), *c, lost, {}, true);
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->error.code(), ErrorCode::kNotFound);
  EXPECT_FALSE(missing->retryable);
}

TEST(VisionPrepare, FitsUprightAndEncodes) {
  auto source = Source::file(data_path("orient6.jpg"));
  ASSERT_TRUE(source.ok());
  auto prepared = prepare_vision_image(**source);
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  const auto upright = decode(data_path("orient6.jpg"));
  ASSERT_TRUE(upright.ok());
  EXPECT_EQ(prepared->width, static_cast<int>(upright->width()));
  EXPECT_EQ(prepared->height, static_cast<int>(upright->height()));
  EXPECT_EQ(prepared->rgb.size(),
            static_cast<std::size_t>(prepared->width) * prepared->height * 3);
  EXPECT_EQ(prepared->sha256.size(), 64u);
  ASSERT_GT(prepared->jpeg.size(), 2u);
  EXPECT_EQ(prepared->jpeg[0], 0xFF);
  EXPECT_EQ(prepared->jpeg[1], 0xD8);
  const VisionImage view = prepared->view();
  EXPECT_EQ(view.rgb.data(), prepared->rgb.data());
  EXPECT_EQ(view.name, prepared->name);
}

TEST(VisionPrepare, AlphaIsFlattenedOntoWhite) {
  auto source = Source::file(data_path("gray_alpha.png"));
  ASSERT_TRUE(source.ok());
  auto prepared = prepare_vision_image(**source, std::string(64, 'a'));
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  EXPECT_EQ(prepared->sha256, std::string(64, 'a'));
  EXPECT_EQ(prepared->rgb.size(),
            static_cast<std::size_t>(prepared->width) * prepared->height * 3);
}

TEST(VisionPrepare, DamagedInputIsNamed) {
  const std::vector<std::byte> junk(100, std::byte{0x42});
  auto source = Source::memory(junk, "junk.jpg");
  auto prepared = prepare_vision_image(*source);
  EXPECT_FALSE(prepared.ok());
  EXPECT_NE(prepared.status().message().find("junk.jpg"), std::string::npos);
}

}  // namespace
}  // namespace imagebank::testing
