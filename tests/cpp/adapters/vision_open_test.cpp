// Analyzer URIs, --vision lists and the photo every analyzer receives.
#include <gtest/gtest.h>

#include <filesystem>

#include "imagebank/adapters/vision.hpp"
#include "imagebank/image/decode.hpp"
#include "support/test_support.hpp"

namespace imagebank {
namespace {

using testing::data_path;

TEST(VisionUri, ParsesProviderModelAndParams) {
  auto u = parse_vision_uri(
      "openai://gpt-4o-mini?detail=low&endpoint=http%3A%2F%2F127.0.0.1%3A9");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->scheme, "openai");
  EXPECT_EQ(u->model, "gpt-4o-mini");
  EXPECT_EQ(u->params.at("detail"), "low");
  EXPECT_EQ(u->params.at("endpoint"), "http://127.0.0.1:9");
  auto bare = parse_vision_uri("offline://");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->model, "");
  EXPECT_TRUE(bare->params.empty());
}

TEST(VisionUri, RefusesMalformedUris) {
  for (const char* bad :
       {"openai", "://x", "Open AI://x", "openai://m?a=1&a=2", "openai://m?=1",
        "openai://m?a=%zz", "openai://m?a=%0a", "openai://m%"}) {
    const auto u = parse_vision_uri(bad);
    EXPECT_EQ(u.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(VisionUri, ListsExpandBareNames) {
  auto list = parse_vision_list("openai, gemini ,offline://?x=1");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(*list, (std::vector<std::string>{"openai://", "gemini://",
                                             "offline://?x=1"}));
  EXPECT_FALSE(parse_vision_list("").ok());
  EXPECT_FALSE(parse_vision_list("openai,,offline").ok());
  EXPECT_FALSE(parse_vision_list("openai,openai://").ok());
}

TEST(VisionOpen, UnknownProvidersAndMissingKeysAreNamed) {
  auto unknown = open_vision_analyzer("claude://x");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown provider 'claude'"),
            std::string::npos);
  EXPECT_NE(unknown.status().message().find("offline"), std::string::npos);
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
}  // namespace imagebank
