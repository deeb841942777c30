// validate_vision_result and the default analyze_batch.
#include "imagebank/catalog/vision.hpp"

#include <gtest/gtest.h>

namespace imagebank {
namespace {

VisionResult good() {
  VisionResult r;
  r.provider = "offline";
  r.model = "offline-1";
  r.description = "vestido azul";
  r.tags = {"vestido", "azul"};
  r.colors = {{"azul", "#1f3a93", 0.7}, {"branco", "#ffffff", 0.3}};
  r.confidence = 0.8;
  VisionItem item;
  item.label = "vestido";
  item.box = {0.1, 0.2, 0.5, 0.7};
  item.confidence = 0.9;
  r.items = {item};
  return r;
}

TEST(VisionResult, AGoodResultPasses) {
  EXPECT_TRUE(validate_vision_result(good()).ok());
  EXPECT_EQ(main_color(good()), "azul");
  EXPECT_EQ(main_color(VisionResult{}), "");
}

TEST(VisionResult, EachBreachOfTheContractIsNamed) {
  struct Case {
    const char* what;
    void (*spoil)(VisionResult&);
  };
  const Case cases[] = {
      {"names no provider", [](VisionResult& r) { r.provider.clear(); }},
      {"names no model", [](VisionResult& r) { r.model.clear(); }},
      {"confidence", [](VisionResult& r) { r.confidence = 1.5; }},
      {"an empty tag", [](VisionResult& r) { r.tags.push_back(""); }},
      {"the tag 'azul' twice",
       [](VisionResult& r) { r.tags.push_back("azul"); }},
      {"colors[0].hex", [](VisionResult& r) { r.colors[0].hex = "#ABCDEF"; }},
      {"colors[1].share", [](VisionResult& r) { r.colors[1].share = -0.1; }},
      {"colors[0] has no name", [](VisionResult& r) { r.colors[0].name = ""; }},
      {"5 items, more than 4",
       [](VisionResult& r) { r.items.resize(5, r.items[0]); }},
      {"items[0].box",
       [](VisionResult& r) {
         r.items[0].box = {0.6, 0, 0.5, 1};
       }},
      {"items[0].box",
       [](VisionResult& r) {
         r.items[0].box = {0, 0, 0, 0.5};
       }},
      {"items[0].confidence",
       [](VisionResult& r) { r.items[0].confidence = 2; }},
      {"negative token", [](VisionResult& r) { r.input_tokens = -1; }},
      {"photo-quality",
       [](VisionResult& r) {
         r.quality = PhotoQuality{};
         r.quality->foreground_share = 3;
       }},
  };
  for (const Case& c : cases) {
    VisionResult r = good();
    c.spoil(r);
    const Status s = validate_vision_result(r);
    EXPECT_EQ(s.code(), ErrorCode::kCorruptData) << c.what;
    EXPECT_NE(s.message().find(c.what), std::string::npos)
        << c.what << " / " << s.message();
  }
}

class CountingAnalyzer : public VisionAnalyzer {
 public:
  std::string provider() const override { return "count"; }
  std::string model() const override { return "c1"; }
  Result<VisionResult> analyze(const VisionImage& image,
                               const VisionRequest&) override {
    ++calls;
    if (image.sha256 == "bad") return refused_error("count: refused");
    VisionResult r;
    r.provider = provider();
    r.model = model();
    r.description = image.sha256;
    return r;
  }
  int calls = 0;
};

TEST(VisionAnalyzer, TheDefaultBatchCallsAnalyzeForEachInOrder) {
  CountingAnalyzer a;
  std::vector<VisionImage> images(3);
  images[0].sha256 = "a";
  images[1].sha256 = "bad";
  images[2].sha256 = "c";
  const auto results = a.analyze_batch(images, VisionRequest{});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(a.calls, 3);
  EXPECT_EQ(results[0]->description, "a");
  EXPECT_EQ(results[1].status().code(), ErrorCode::kRefused);
  EXPECT_EQ(results[2]->description, "c");
}

}  // namespace
}  // namespace imagebank
