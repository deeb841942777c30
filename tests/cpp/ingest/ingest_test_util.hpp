// Shared by the ingest tests: a bank on a fresh SQLite file and local disk,
// distinct synthetic photos, a blob store that fails on demand.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "adapters/fs_test_util.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/image.hpp"
#include "support/test_support.hpp"

namespace imagebank::testing {

// A picture of its own for each seed: random colour blocks, so two seeds are
// far apart in pHash (not near duplicates).
inline std::vector<std::byte> synthetic_photo(std::uint32_t seed,
                                              std::uint32_t width = 320,
                                              std::uint32_t height = 240,
                                              Format format = Format::kJpeg,
                                              int quality = 90, int noise = 0) {
  std::mt19937 rng(seed * 7919u + 1u);
  auto image = Image::create(width, height, 3);
  EXPECT_TRUE(image.ok()) << image.status();
  constexpr int kBlocks = 6;
  std::uint8_t colour[kBlocks][kBlocks][3];
  for (auto& row : colour) {
    for (auto& c : row) {
      for (auto& v : c) v = static_cast<std::uint8_t>(rng() % 256);
    }
  }
  for (std::uint32_t y = 0; y < height; ++y) {
    std::uint8_t* p = image->row(y);
    for (std::uint32_t x = 0; x < width; ++x) {
      const auto& c = colour[y * kBlocks / height][x * kBlocks / width];
      for (int k = 0; k < 3; ++k) {
        const int v =
            c[k] +
            (noise > 0 ? static_cast<int>(rng() % (2 * noise + 1)) - noise : 0);
        p[x * 3 + k] = static_cast<std::uint8_t>(std::clamp(v, 0, 255));
      }
    }
  }
  EncodeOptions options;
  options.format = format;
  options.quality = quality;
  auto bytes = encode(*image, options);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::vector<std::byte>{};
}

inline void write_bytes(const std::filesystem::path& path,
                        const std::vector<std::byte>& bytes) {
  std::filesystem::create_directories(path.parent_path());
  write_file(path, bytes);
}

// Forwards to a real store; puts under `fail_prefix` fail with io_error while
// `failures_left` > 0 (or always, when it is negative).
class FlakyBlobStore final : public BlobStore {
 public:
  explicit FlakyBlobStore(std::shared_ptr<BlobStore> inner)
      : inner_(std::move(inner)) {}
  std::atomic<int> failures_left{0};
  std::atomic<int> failed{0};
  std::string fail_prefix = "variants/";

  Status put(std::string_view key, std::span<const std::byte> data) override {
    if (key.starts_with(fail_prefix)) {
      int left = failures_left.load();
      while (left != 0) {
        if (left < 0 || failures_left.compare_exchange_weak(left, left - 1)) {
          ++failed;
          return io_error("injected failure writing " + std::string(key));
        }
      }
    }
    return inner_->put(key, data);
  }
  Status put_file(std::string_view key,
                  const std::filesystem::path& file) override {
    return inner_->put_file(key, file);
  }
  Status get(std::string_view key, const BlobSink& sink,
             ByteRange range) override {
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
  std::string uri() const override { return inner_->uri(); }

 private:
  std::shared_ptr<BlobStore> inner_;
};

// Small and quick: two presets, JPEG only, no waiting between retries.
inline IngestOptions quick_options() {
  IngestOptions o;
  o.presets = {*find_preset("thumbnail"), *find_preset("small")};
  o.formats = {Format::kJpeg};
  o.retry_delay = std::chrono::milliseconds(1);
  o.workers = 2;
  o.progress_interval = std::chrono::milliseconds(50);
  return o;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    photos_ = scratch_.path() / "photos";
    std::filesystem::create_directories(photos_);
    reopen(scratch_.path() / "files");
  }
  // A bank on bank.db and a fs store at `files`, with a flaky wrapper.
  void reopen(const std::filesystem::path& files) {
    bank_.reset();
    auto catalog = open_catalog_store("sqlite://" +
                                      (scratch_.path() / "bank.db").string());
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    auto blobs = open_blob_store("file://" + files.string());
    ASSERT_TRUE(blobs.ok()) << blobs.status();
    flaky_ = std::make_shared<FlakyBlobStore>(std::move(*blobs));
    bank_ = std::make_unique<Bank>(std::move(*catalog), flaky_);
  }
  void carteira(const std::string& csv_rows) {
    const auto path = scratch_.path() / "carteira.csv";
    write_text(path, "SKU;Descrição\n" + csv_rows);
    CarteiraImportOptions o;
    o.brand = "Aurora";
    o.collection = "Verão";
    auto r = bank_->import_carteira(path, o);
    ASSERT_TRUE(r.ok()) << r.status();
  }
  IngestOptions options() {
    IngestOptions o = quick_options();
    o.brand = "Aurora";
    o.collection = "Verão";
    return o;
  }
  std::vector<Job> jobs(RowId batch, std::optional<JobState> state = {}) {
    auto page = bank_->jobs().list_jobs(batch, state, 0, 10000);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->items : std::vector<Job>{};
  }
  // Every variant row's blob exists with the row's size; every image's
  // original too.
  void expect_blobs_match_rows(RowId batch) {
    for (const Job& job : jobs(batch, JobState::kDone)) {
      ASSERT_TRUE(job.image_id.has_value());
      auto image = bank_->catalog().get_image(*job.image_id);
      ASSERT_TRUE(image.ok()) << image.status();
      auto original = bank_->blobs().head(image->blob_key);
      ASSERT_TRUE(original.ok()) << original.status();
      EXPECT_EQ(original->size, image->bytes);
      auto variants = bank_->catalog().variants(image->id);
      ASSERT_TRUE(variants.ok()) << variants.status();
      EXPECT_FALSE(variants->empty());
      for (const VariantRecord& v : *variants) {
        auto blob = bank_->blobs().get_bytes(v.blob_key);
        ASSERT_TRUE(blob.ok()) << v.blob_key << ": " << blob.status();
        EXPECT_EQ(blob->size(), v.bytes) << v.blob_key;
      }
    }
  }

  ScratchDir scratch_;
  std::filesystem::path photos_;
  std::shared_ptr<FlakyBlobStore> flaky_;
  std::unique_ptr<Bank> bank_;
};

}  // namespace imagebank::testing
