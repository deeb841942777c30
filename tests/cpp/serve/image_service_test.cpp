// ImageService over a real SQLite catalog and the memory blob store.
#include "imagebank/serve/image_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "adapters/fs_test_util.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/hash/sha256.hpp"
#include "support/test_support.hpp"

namespace imagebank::testing {
namespace {

// The memory store, whose reads of originals wait at a gate while it is
// closed: a leader's encode can be held while other requests arrive.
class GatedStore final : public BlobStore {
 public:
  Status put(std::string_view key, std::span<const std::byte> data) override {
    return inner_->put(key, data);
  }
  Status put_file(std::string_view key,
                  const std::filesystem::path& file) override {
    return inner_->put_file(key, file);
  }
  Status get(std::string_view key, const BlobSink& sink,
             ByteRange range) override {
    if (key.rfind("originals/", 0) == 0) {
      std::unique_lock lock(mu_);
      ++waiting_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
    }
    return inner_->get(key, sink, range);
  }
  Result<BlobInfo> head(std::string_view key) override {
    return inner_->head(key);
  }
  Status remove(std::string_view key) override { return inner_->remove(key); }
  Result<BlobListPage> list(std::string_view prefix,
                            std::string_view start_after,
                            std::size_t max_keys) override {
    return inner_->list(prefix, start_after, max_keys);
  }
  std::string uri() const override { return "memory:gated"; }

  void close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  void wait_for_readers(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return waiting_ >= n; });
  }

 private:
  std::unique_ptr<BlobStore> inner_ = make_memory_blob_store();
  std::mutex mu_;
  std::condition_variable changed_;
  bool open_ = true;
  int waiting_ = 0;
};

std::string header(const ImagePlan& plan, std::string_view name) {
  for (const auto& [k, v] : plan.headers) {
    if (k == name) return v;
  }
  return {};
}

class ImageServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = open_catalog_store("sqlite://" +
                                 (scratch_.path() / "bank.db").string());
    ASSERT_TRUE(db.ok()) << db.status();
    catalog_ = std::shared_ptr<CatalogDatabase>(std::move(*db));
    image_ = store("orient1.jpg");
  }

  ImageRecord store(const std::string& name) {
    original_ = read_file(data_path(name));
    const Bytes* bytes = &original_;
    ImageRecord record;
    record.sha256 = to_hex(sha256(*bytes));
    record.format = "jpeg";
    record.width = 64;
    record.height = 48;
    record.bytes = bytes->size();
    record.original_name = name;
    record.blob_key = *original_blob_key(record.sha256, "jpg");
    EXPECT_TRUE(blobs_->put(record.blob_key, *bytes).ok());
    auto inserted = catalog_->insert_image(record);
    EXPECT_TRUE(inserted.ok()) << inserted.status();
    return inserted->image;
  }

  std::unique_ptr<ImageService> service(ImageServiceOptions options = {}) {
    auto made = ImageService::create(catalog_, blobs_, std::move(options));
    EXPECT_TRUE(made.ok()) << made.status();
    return std::move(made).value();
  }

  ImageRequest request(std::string size, std::string accept = "",
                       std::string format = "auto") {
    ImageRequest r;
    r.id = std::to_string(image_.id);
    r.size = std::move(size);
    r.accept = std::move(accept);
    r.format = std::move(format);
    return r;
  }

  ScratchDir scratch_;
  std::shared_ptr<CatalogStore> catalog_;
  std::shared_ptr<GatedStore> blobs_ = std::make_shared<GatedStore>();
  ImageRecord image_;
  std::vector<std::byte> original_;
};

TEST_F(ImageServiceTest, AMissingVariantIsMadeStoredRecordedThenServed) {
  auto svc = service();
  const ImagePlan first =
      svc->plan(request("grid", "image/avif,image/webp,*/*;q=0.8"));
  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_TRUE(first.generated);
  EXPECT_EQ(first.format, "avif");
  EXPECT_EQ(first.content_type, "image/avif");
  EXPECT_EQ(header(first, "Vary"), "Accept");
  EXPECT_EQ(header(first, "Cache-Control"),
            "public, max-age=31536000, immutable");
  const std::string etag = header(first, "ETag");
  EXPECT_EQ(etag.size(), 35u) << etag;  // "v + 32 hex + "
  EXPECT_EQ(first.blob_key.rfind("variants/" + image_.sha256 + "/grid.", 0),
            0u);
  auto stored = blobs_->head(first.blob_key);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->size, first.blob_size);
  EXPECT_EQ(first.length, first.blob_size);
  auto recorded = catalog_->variants(image_.id);
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->size(), 1u);
  EXPECT_EQ(recorded->front().blob_key, first.blob_key);
  EXPECT_EQ(recorded->front().format, "avif");

  const ImagePlan again =
      svc->plan(request("grid", "image/avif,image/webp,*/*;q=0.8"));
  ASSERT_EQ(again.status, 200);
  EXPECT_FALSE(again.generated);
  EXPECT_EQ(header(again, "ETag"), etag);
  EXPECT_EQ(again.blob_key, first.blob_key);
  EXPECT_EQ(svc->stats().variants_generated, 1u);
}

TEST_F(ImageServiceTest, TheJpegFallbackVariesOnAcceptToo) {
  auto svc = service();
  const ImagePlan plain = svc->plan(request("thumbnail", ""));
  ASSERT_EQ(plain.status, 200) << plain.error;
  EXPECT_EQ(plain.format, "jpeg");
  EXPECT_EQ(plain.content_type, "image/jpeg");
  EXPECT_EQ(header(plain, "Vary"), "Accept");
  const ImagePlan webp = svc->plan(request("thumbnail", "image/webp,*/*"));
  EXPECT_EQ(webp.format, "webp");
  EXPECT_NE(header(webp, "ETag"), header(plain, "ETag"));
  // An explicit format is not negotiated: no Vary.
  const ImagePlan fixed = svc->plan(request("thumbnail", "image/avif", "jpeg"));
  ASSERT_EQ(fixed.status, 200);
  EXPECT_EQ(fixed.format, "jpeg");
  EXPECT_EQ(header(fixed, "Vary"), "");
  EXPECT_EQ(header(fixed, "ETag"), header(plain, "ETag"));
}

TEST_F(ImageServiceTest, ConditionalRequestsAre304WithTheirHeaders) {
  auto svc = service();
  const ImagePlan first = svc->plan(request("small", "image/webp"));
  ASSERT_EQ(first.status, 200);
  ImageRequest r = request("small", "image/webp");
  r.if_none_match = "\"other\", " + header(first, "ETag");
  const ImagePlan cached = svc->plan(r);
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.blob_key.empty());
  EXPECT_EQ(header(cached, "ETag"), header(first, "ETag"));
  EXPECT_EQ(header(cached, "Vary"), "Accept");
  EXPECT_EQ(svc->stats().not_modified, 1u);
  // A 304 needs no encode: a variant not made yet is not made for it.
  ImageRequest fresh = request("zoom", "image/jpeg");
  fresh.if_none_match = "*";
  EXPECT_EQ(svc->plan(fresh).status, 304);
  EXPECT_EQ(svc->stats().variants_generated, 1u);
}

TEST_F(ImageServiceTest, OriginalsServeRangesByTheirSha256) {
  auto svc = service();
  ImageRequest r = request("original");
  r.id = image_.sha256;
  r.range = "bytes=0-9";
  const ImagePlan part = svc->plan(r);
  ASSERT_EQ(part.status, 206) << part.error;
  EXPECT_EQ(part.offset, 0u);
  EXPECT_EQ(part.length, 10u);
  EXPECT_EQ(part.blob_size, original_.size());
  EXPECT_EQ(part.blob_key, image_.blob_key);
  EXPECT_EQ(header(part, "Content-Range"),
            "bytes 0-9/" + std::to_string(original_.size()));
  EXPECT_EQ(header(part, "ETag"), "\"" + image_.sha256 + "\"");
  EXPECT_EQ(header(part, "Vary"), "");
  EXPECT_EQ(part.content_type, "image/jpeg");
  r.range = "bytes=" + std::to_string(original_.size()) + "-";
  const ImagePlan beyond = svc->plan(r);
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(header(beyond, "Content-Range"),
            "bytes */" + std::to_string(original_.size()));
  r.range = "";
  const ImagePlan whole = svc->plan(r);
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.length, original_.size());
  // The original exists in its own format only.
  r.format = "webp";
  EXPECT_EQ(svc->plan(r).status, 404);
  r.format = "jpeg";
  EXPECT_EQ(svc->plan(r).status, 200);
}

TEST_F(ImageServiceTest, BadRequestsGetTheirStatusAndReason) {
  auto svc = service();
  ImageRequest r = request("grid");
  r.id = "12abc";
  EXPECT_EQ(svc->plan(r).status, 400);
  r.id = "../../etc/passwd";
  EXPECT_EQ(svc->plan(r).status, 400);
  r.id = "999999";
  const ImagePlan missing = svc->plan(r);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error.code(), ErrorCode::kNotFound);
  r.id = std::string(64, 'f');
  EXPECT_EQ(svc->plan(r).status, 404);
  const ImagePlan size = svc->plan(request("huge"));
  EXPECT_EQ(size.status, 400);
  EXPECT_NE(size.error.message().find("thumbnail"), std::string::npos)
      << size.error;
  EXPECT_EQ(svc->plan(request("grid", "", "gif")).status, 400);
  EXPECT_EQ(svc->plan(request("grid", "", "png")).status, 400);
  const ImagePlan none = svc->plan(request("grid", "text/html"));
  EXPECT_EQ(none.status, 406);
  EXPECT_EQ(header(none, "Vary"), "Accept");
  EXPECT_EQ(svc->stats().variants_generated, 0u);
}

TEST_F(ImageServiceTest, WithoutOnDemandOnlyStoredVariantsAreServed) {
  ImageServiceOptions options;
  options.generate_on_demand = false;
  auto svc = service(options);
  EXPECT_EQ(svc->plan(request("grid", "image/webp")).status, 404);
  // Make the WebP one with an on-demand service; the other then serves it
  // even to a client that prefers AVIF.
  ASSERT_EQ(service()->plan(request("grid", "", "webp")).status, 200);
  const ImagePlan plan = svc->plan(request("grid", "image/avif,image/webp"));
  ASSERT_EQ(plan.status, 200) << plan.error;
  EXPECT_EQ(plan.format, "webp");
  EXPECT_FALSE(plan.generated);
}

TEST_F(ImageServiceTest, ConcurrentRequestsForOneMissingVariantShareOneEncode) {
  auto svc = service();
  blobs_->close();
  constexpr int kRequests = 8;
  std::vector<ImagePlan> plans(kRequests);
  std::vector<std::thread> threads;
  threads.emplace_back(
      [&] { plans[0] = svc->plan(request("detail", "image/webp")); });
  blobs_->wait_for_readers(1);  // the leader holds the encode
  for (int i = 1; i < kRequests; ++i) {
    threads.emplace_back(
        [&, i] { plans[i] = svc->plan(request("detail", "image/webp")); });
  }
  while (svc->stats().generation_joined < kRequests - 1) {
    std::this_thread::yield();
  }
  blobs_->open();
  for (auto& t : threads) t.join();
  for (const ImagePlan& p : plans) {
    ASSERT_EQ(p.status, 200) << p.error;
    EXPECT_EQ(p.blob_key, plans[0].blob_key);
  }
  EXPECT_EQ(svc->stats().variants_generated, 1u);
  EXPECT_EQ(svc->stats().generation_joined,
            static_cast<std::uint64_t>(kRequests - 1));
}

TEST_F(ImageServiceTest, AFullEncodeQueueIs503WithRetryAfter) {
  ImageServiceOptions options;
  options.max_encodes = 1;
  options.max_waiting_encodes = 0;
  options.retry_after_s = 7;
  auto svc = service(options);
  blobs_->close();
  ImagePlan held;
  std::thread leader([&] { held = svc->plan(request("detail", "", "webp")); });
  blobs_->wait_for_readers(1);
  const ImagePlan busy = svc->plan(request("detail", "", "jpeg"));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.error.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(header(busy, "Retry-After"), "7");
  blobs_->open();
  leader.join();
  EXPECT_EQ(held.status, 200) << held.error;
  EXPECT_EQ(svc->plan(request("detail", "", "jpeg")).status, 200);
  EXPECT_EQ(svc->stats().rejected_busy, 1u);
}

TEST_F(ImageServiceTest, OptionsThatCannotWorkAreRefused) {
  ImageServiceOptions options;
  options.variants.formats = {};
  EXPECT_FALSE(ImageService::create(catalog_, blobs_, options).ok());
  options = {};
  options.variants.formats = {Format::kGif};
  EXPECT_FALSE(ImageService::create(catalog_, blobs_, options).ok());
  options = {};
  options.max_encodes = 0;
  EXPECT_FALSE(ImageService::create(catalog_, blobs_, options).ok());
  options = {};
  options.variants.presets = {Preset{"original", Geometry{}}};
  EXPECT_FALSE(ImageService::create(catalog_, blobs_, options).ok());
  EXPECT_FALSE(ImageService::create(nullptr, blobs_, {}).ok());
}

}  // namespace
}  // namespace imagebank::testing

namespace imagebank::testing {
namespace {

TEST_F(ImageServiceTest, PlanCachedAnswersOnlyFromMemory) {
  auto svc = service();
  const ImageRequest grid = request("grid", "image/webp");
  EXPECT_FALSE(svc->plan_cached(grid).has_value());  // nothing cached yet
  const ImagePlan made = svc->plan(grid);
  ASSERT_EQ(made.status, 200) << made.error;
  // The entry was dropped when the variant was made: the next full plan
  // caches it, then memory alone answers.
  ASSERT_EQ(svc->plan(grid).status, 200);
  const auto cached = svc->plan_cached(grid);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->status, 200);
  EXPECT_EQ(cached->blob_key, made.blob_key);
  EXPECT_EQ(cached->blob_size, made.blob_size);
  // A variant not made yet needs an encode; an original needs the storage.
  EXPECT_FALSE(svc->plan_cached(request("zoom", "image/webp")).has_value());
  EXPECT_FALSE(svc->plan_cached(request("original")).has_value());
  // A bad request needs nothing.
  const auto bad = svc->plan_cached(request("huge"));
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(svc->stats().variants_generated, 1u);
}

}  // namespace
}  // namespace imagebank::testing
