// Analyzer URIs and --vision lists.
#include <gtest/gtest.h>

#include <filesystem>

#include "imagebank/adapters/vision.hpp"

namespace imagebank {
namespace {

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

}  // namespace
}  // namespace imagebank
