// The offline analyzer on synthetic photos: colours, background, items,
// quality, determinism, and the pictures with nothing to separate.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <random>

#include "imagebank/adapters/vision.hpp"
#include "imagebank/image/colour.hpp"
#include "imagebank/image/encode.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

struct Picture {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;
  Picture(int w, int h, Rgb8 colour) : width(w), height(h), rgb(w * h * 3) {
    fill(0, 0, w, h, colour);
  }
  void fill(int x0, int y0, int x1, int y1, Rgb8 colour) {
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        for (int c = 0; c < 3; ++c) rgb[(y * width + x) * 3 + c] = colour[c];
      }
    }
  }
  VisionImage view() const {
    VisionImage v;
    v.name = "synthetic.jpg";
    v.sha256 = std::string(64, 'a');
    v.width = width;
    v.height = height;
    v.rgb = rgb;
    return v;
  }
};

std::unique_ptr<VisionAnalyzer> offline(const std::string& uri = "offline://") {
  auto analyzer = open_vision_analyzer(uri);
  EXPECT_TRUE(analyzer.ok()) << analyzer.status();
  return std::move(analyzer).value();
}

VisionResult analyze(const Picture& picture,
                     const VisionRequest& request = {}) {
  auto result = offline()->analyze(picture.view(), request);
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(validate_vision_result(*result).ok());
  return std::move(result).value();
}

bool has_tag(const VisionResult& r, const std::string& tag) {
  return std::find(r.tags.begin(), r.tags.end(), tag) != r.tags.end();
}

TEST(OfflineAnalyzer, OpensAndRefusesUnknownParams) {
  auto analyzer = offline();
  EXPECT_EQ(analyzer->provider(), "offline");
  EXPECT_EQ(analyzer->model(), "offline-1");
  EXPECT_TRUE(open_vision_analyzer("offline://offline-1?colors=2").ok());
  for (const char* bad :
       {"offline://?x=1", "offline://?colors=0", "offline://?colors=7",
        "offline://?colors=two", "offline://?tolerance=0", "offline://?size=8",
        "offline://gpt-4o"}) {
    EXPECT_EQ(open_vision_analyzer(bad).status().code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(OfflineAnalyzer, NavyGarmentOnWhite) {
  Picture p(300, 400, {255, 255, 255});
  p.fill(75, 50, 225, 350, {0x1f, 0x2a, 0x44});
  const VisionResult r = analyze(p);
  ASSERT_EQ(r.colors.size(), 1u);
  EXPECT_EQ(r.colors[0].name, "azul-marinho");
  EXPECT_EQ(r.colors[0].hex, "#1f2a44");
  EXPECT_DOUBLE_EQ(r.colors[0].share, 1.0);
  EXPECT_TRUE(has_tag(r, "azul-marinho"));
  EXPECT_TRUE(has_tag(r, "fundo-branco"));
  EXPECT_EQ(r.description, "Peça em azul-marinho sobre fundo branco.");
  ASSERT_TRUE(r.quality);
  EXPECT_TRUE(r.quality->white_background);
  EXPECT_EQ(r.quality->background_hex, "#ffffff");
  EXPECT_NEAR(r.quality->foreground_share, 150.0 * 300 / (300 * 400), 0.01);
  EXPECT_EQ(r.quality->clipped_highlights, 0.0);
  EXPECT_EQ(r.quality->clipped_shadows, 0.0);
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_NEAR(r.items[0].box[0], 0.25, 0.01);
  EXPECT_NEAR(r.items[0].box[1], 0.125, 0.01);
  EXPECT_NEAR(r.items[0].box[2], 0.5, 0.01);
  EXPECT_NEAR(r.items[0].box[3], 0.75, 0.01);
  EXPECT_EQ(r.items[0].label, "");
  ASSERT_FALSE(r.items[0].colors.empty());
  EXPECT_EQ(r.items[0].colors[0].name, "azul-marinho");
  EXPECT_GT(r.confidence, 0.5);
  EXPECT_EQ(r.garment_type, "");
  EXPECT_EQ(r.material, "");
  EXPECT_EQ(r.style, "");
  EXPECT_EQ(r.blurhash.size(), 28u);
  EXPECT_EQ(r.provider, "offline");
  EXPECT_EQ(r.model, "offline-1");
  const auto raw = boost::json::parse(r.raw_json).as_object();
  EXPECT_EQ(raw.at("mask").as_string(), "ok");
  EXPECT_EQ(raw.at("colors").as_array().size(), 1u);
}

TEST(OfflineAnalyzer, TwoColoursLargestFirst) {
  // A navy piece with a white band inside it (not touching the border).
  Picture p(200, 200, {255, 255, 255});
  p.fill(40, 40, 160, 160, {0x1f, 0x2a, 0x44});
  p.fill(60, 60, 140, 90, {250, 250, 250});
  const VisionResult r = analyze(p);
  ASSERT_EQ(r.colors.size(), 2u);
  EXPECT_EQ(r.colors[0].name, "azul-marinho");
  EXPECT_EQ(r.colors[1].name, "branco");
  EXPECT_GT(r.colors[0].share, r.colors[1].share);
  EXPECT_NEAR(r.colors[1].share, 80.0 * 30 / (120 * 120), 0.04);
  EXPECT_EQ(r.description, "Peça em azul-marinho e branco sobre fundo branco.");
}

TEST(OfflineAnalyzer, TwoBlobsAreTwoItems) {
  Picture p(400, 200, {255, 255, 255});
  p.fill(20, 40, 180, 180, {0x80, 0x00, 0x20});   // larger: vinho
  p.fill(250, 60, 350, 160, {0x80, 0x80, 0x00});  // olive
  const VisionResult r = analyze(p);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].colors.at(0).name, "vinho");
  EXPECT_EQ(r.items[1].colors.at(0).name, "verde-oliva");
  EXPECT_NEAR(r.items[0].box[0], 20.0 / 400, 0.01);
  EXPECT_NEAR(r.items[1].box[0], 250.0 / 400, 0.01);
  EXPECT_EQ(r.colors.at(0).name, "vinho");
  EXPECT_EQ(r.description.rfind("Peças em vinho e verde-oliva", 0), 0u)
      << r.description;
  VisionRequest no_items;
  no_items.want_items = false;
  EXPECT_TRUE(analyze(p, no_items).items.empty());
}

TEST(OfflineAnalyzer, ColoredBackgroundIsPlainNotWhite) {
  Picture p(120, 120, {150, 150, 150});
  p.fill(30, 30, 90, 90, {0xcc, 0x00, 0x00});
  const VisionResult r = analyze(p);
  EXPECT_FALSE(r.quality->white_background);
  EXPECT_TRUE(has_tag(r, "fundo-liso"));
  EXPECT_EQ(r.description, "Peça em vermelho sobre fundo cinza.");
}

TEST(OfflineAnalyzer, AllBackgroundTinyAndGreyMeasureNothingOfAPiece) {
  for (const Picture& p :
       {Picture(200, 100, {255, 255, 255}), Picture(1, 1, {10, 200, 10}),
        Picture(2, 3, {128, 128, 128}), Picture(64, 64, {128, 128, 128})}) {
    const VisionResult r = analyze(p);
    EXPECT_TRUE(r.colors.empty());
    EXPECT_TRUE(r.items.empty());
    EXPECT_EQ(r.description, "");
    EXPECT_EQ(r.confidence, 0.0);
    ASSERT_TRUE(r.quality);
    EXPECT_EQ(r.quality->foreground_share, 0.0);
    EXPECT_FALSE(r.blurhash.empty());
    const auto raw = boost::json::parse(r.raw_json).as_object();
    EXPECT_EQ(raw.at("mask").as_string(), "all-background");
  }
}

TEST(OfflineAnalyzer, BusyBorderIsNotGuessed) {
  Picture p(128, 128, {0, 0, 0});
  std::mt19937 random(11);
  for (auto& v : p.rgb) v = static_cast<std::uint8_t>(random());
  const VisionResult r = analyze(p);
  EXPECT_TRUE(r.colors.empty());
  EXPECT_TRUE(r.items.empty());
  EXPECT_EQ(r.confidence, 0.0);
  EXPECT_TRUE(has_tag(r, "fundo-variado"));
  // Quality is still measured, over the whole picture: noise is "sharp".
  EXPECT_GT(r.quality->sharpness, 1000.0);
}

TEST(OfflineAnalyzer, ExposureAndSharpness) {
  Picture blown(100, 100, {255, 255, 255});
  blown.fill(20, 20, 80, 80, {0, 0, 0});
  blown.fill(20, 20, 80, 30, {5, 5, 5});  // not clipped
  const VisionResult r = analyze(blown);
  EXPECT_NEAR(r.quality->clipped_shadows, 50.0 / 60.0, 0.02);
  // A flat-coloured block is perfectly flat inside: little Laplacian.
  Picture flat(100, 100, {255, 255, 255});
  flat.fill(10, 10, 90, 90, {100, 40, 40});
  Picture striped = flat;
  for (int x = 10; x < 90; x += 2)
    striped.fill(x, 10, x + 1, 90, {200, 40, 40});
  EXPECT_GT(analyze(striped).quality->sharpness,
            10 * analyze(flat).quality->sharpness + 100);
}

TEST(OfflineAnalyzer, SameInputSameBytes) {
  Picture p(333, 444, {250, 250, 250});
  std::mt19937 random(7);
  p.fill(50, 60, 280, 400, {30, 60, 160});
  for (int y = 60; y < 400; ++y) {
    for (int x = 50; x < 280; ++x) {
      p.rgb[(y * 333 + x) * 3] = static_cast<std::uint8_t>(random() % 200);
    }
  }
  const VisionResult first = analyze(p);
  const VisionResult second = analyze(p);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.raw_json, second.raw_json);
}

TEST(OfflineAnalyzer, DecodesTheJpegWhenThereAreNoPixels) {
  Image image = std::move(Image::create(120, 160, 3)).value();
  for (std::size_t i = 0; i < image.size_bytes(); ++i) image.data()[i] = 255;
  for (std::uint32_t y = 40; y < 120; ++y) {
    for (std::uint32_t x = 30; x < 90; ++x) {
      std::uint8_t* q = image.row(y) + 3 * x;
      q[0] = 0xcc, q[1] = 0, q[2] = 0;
    }
  }
  EncodeOptions options;
  options.quality = 95;
  auto jpeg = encode(image, options);
  ASSERT_TRUE(jpeg.ok());
  VisionImage v;
  v.name = "red.jpg";
  v.jpeg = std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(jpeg->data()), jpeg->size());
  auto r = offline()->analyze(v, {});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(r->colors.empty());
  EXPECT_EQ(r->colors[0].name, "vermelho");
  EXPECT_TRUE(r->quality->white_background);
}

TEST(OfflineAnalyzer, RefusesBadInput) {
  auto analyzer = offline();
  VisionImage none;
  none.name = "nothing.jpg";
  auto empty = analyzer->analyze(none, {});
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("nothing.jpg"), std::string::npos);
  Picture p(10, 10, {1, 2, 3});
  VisionImage wrong = p.view();
  wrong.width = 11;
  EXPECT_EQ(analyzer->analyze(wrong, {}).status().code(),
            ErrorCode::kInvalidArgument);
  const std::uint8_t garbage[] = {0xff, 0xd8, 0xff, 0x00, 1, 2, 3};
  VisionImage broken;
  broken.name = "broken.jpg";
  broken.jpeg = garbage;
  const auto bad = analyzer->analyze(broken, {});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("broken.jpg"), std::string::npos);
  VisionRequest english;
  english.locale = "en";
  EXPECT_EQ(analyzer->analyze(p.view(), english).status().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace imagebank
