// ImageService's background "removed" (bg=removed): a logo cut out onto
// transparency, made on demand, kept apart from the normal variants.
#include <gtest/gtest.h>

#include "adapters/fs_test_util.hpp"
#include "imagebank/bank/bank.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/serve/image_service.hpp"
#include "support/test_support.hpp"

namespace imagebank::testing {
namespace {

std::string header(const ImagePlan& plan, std::string_view name) {
  for (const auto& [k, v] : plan.headers) {
    if (k == name) return v;
  }
  return {};
}

class BackgroundServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = open_catalog_store("sqlite://" +
                                 (scratch_.path() / "bank.db").string());
    ASSERT_TRUE(db.ok()) << db.status();
    catalog_ = std::shared_ptr<CatalogDatabase>(std::move(*db));
    // A dark-blue square "logo" on white, 120 x 80.
    Image logo = std::move(Image::create(120, 80, 3)).value();
    for (std::uint32_t y = 0; y < 80; ++y) {
      for (std::uint32_t x = 0; x < 120; ++x) {
        const bool ink = x >= 30 && x < 90 && y >= 20 && y < 60;
        std::uint8_t* p = logo.row(y) + 3 * x;
        p[0] = ink ? 10 : 255;
        p[1] = ink ? 30 : 255;
        p[2] = ink ? 120 : 255;
      }
    }
    EncodeOptions png;
    png.format = Format::kPng;
    const std::vector<std::byte> bytes = *encode(logo, png);
    ImageRecord record;
    record.sha256 = to_hex(sha256(bytes));
    record.format = "png";
    record.width = 120;
    record.height = 80;
    record.bytes = bytes.size();
    record.original_name = "logo.png";
    record.blob_key = *original_blob_key(record.sha256, "png");
    ASSERT_TRUE(blobs_->put(record.blob_key, bytes).ok());
    auto inserted = catalog_->insert_image(record);
    ASSERT_TRUE(inserted.ok()) << inserted.status();
    image_ = inserted->image;
    auto made = ImageService::create(catalog_, blobs_);
    ASSERT_TRUE(made.ok()) << made.status();
    service_ = std::move(made).value();
  }

  ImageRequest request(std::string accept, std::string format = "auto",
                       std::string background = "removed") {
    ImageRequest r;
    r.id = std::to_string(image_.id);
    r.size = "thumbnail";
    r.accept = std::move(accept);
    r.format = std::move(format);
    r.background = std::move(background);
    return r;
  }

  ScratchDir scratch_;
  std::shared_ptr<CatalogStore> catalog_;
  std::shared_ptr<BlobStore> blobs_ = make_memory_blob_store();
  ImageRecord image_;
  std::unique_ptr<ImageService> service_;
};

TEST_F(BackgroundServiceTest, CutOutIsMadeStoredAndServedWithAlpha) {
  const ImagePlan first = service_->plan(request(""));
  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_TRUE(first.generated);
  EXPECT_EQ(first.format, "png");  // the fallback every client takes
  EXPECT_EQ(header(first, "Vary"), "Accept");
  EXPECT_EQ(first.blob_key.rfind(
                "variants/" + image_.sha256 + "/thumbnail.nobg1.", 0),
            0u)
      << first.blob_key;
  auto bytes = blobs_->get_bytes(first.blob_key);
  ASSERT_TRUE(bytes.ok());
  auto cut = decode(*bytes);
  ASSERT_TRUE(cut.ok()) << cut.status();
  ASSERT_EQ(cut->channels(), 4);
  EXPECT_EQ(cut->row(0)[3], 0);  // a background corner
  const std::uint8_t* middle =
      cut->row(cut->height() / 2) + 4 * (cut->width() / 2);
  EXPECT_EQ(middle[3], 255);
  // Not a catalog variant; served from storage the second time.
  EXPECT_TRUE(catalog_->variants(image_.id)->empty());
  const ImagePlan again = service_->plan(request(""));
  ASSERT_EQ(again.status, 200);
  EXPECT_FALSE(again.generated);
  EXPECT_EQ(again.blob_key, first.blob_key);
  EXPECT_EQ(header(again, "ETag"), header(first, "ETag"));
  // The normal variant is another key and another ETag.
  const ImagePlan normal = service_->plan(request("", "auto", ""));
  ASSERT_EQ(normal.status, 200) << normal.error;
  EXPECT_EQ(normal.format, "jpeg");
  EXPECT_NE(normal.blob_key, first.blob_key);
  EXPECT_NE(header(normal, "ETag"), header(first, "ETag"));
}

TEST_F(BackgroundServiceTest, NegotiatesFormatsWithAlphaOnly) {
  const ImagePlan webp = service_->plan(request("image/webp,*/*"));
  ASSERT_EQ(webp.status, 200) << webp.error;
  EXPECT_EQ(webp.format, "webp");
  const ImagePlan png = service_->plan(request("image/avif", "png"));
  ASSERT_EQ(png.status, 200) << png.error;
  EXPECT_EQ(png.format, "png");
  EXPECT_EQ(header(png, "Vary"), "");
  const ImagePlan jpeg = service_->plan(request("", "jpeg"));
  EXPECT_EQ(jpeg.status, 400);
  EXPECT_NE(jpeg.error.message().find("png"), std::string::npos);
}

TEST_F(BackgroundServiceTest, RefusesWhatItCannotServe) {
  EXPECT_EQ(service_->plan(request("", "auto", "blurred")).status, 400);
  ImageRequest original = request("");
  original.size = "original";
  EXPECT_EQ(service_->plan(original).status, 400);
  // Memory alone never makes a cut-out.
  EXPECT_FALSE(service_->plan_cached(request("")).has_value());
}

}  // namespace
}  // namespace imagebank::testing
