#include "target.hpp"

#include <gtest/gtest.h>

namespace imagebank::server {
namespace {

TEST(Target, DecodesPathAndQuery) {
  auto t = parse_target("/images/ABC%20123?w=200&view=front&view=back&flag");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->path, "/images/ABC 123");
  EXPECT_EQ(t->segments, (std::vector<std::string>{"images", "ABC 123"}));
  EXPECT_EQ(t->query.find("w"), "200");
  EXPECT_EQ(t->query.all("view"),
            (std::vector<std::string_view>{"front", "back"}));
  EXPECT_TRUE(t->query.contains("flag"));
  EXPECT_EQ(t->query.size(), 4u);
}

TEST(Target, Root) {
  auto t = parse_target("/");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/");
  EXPECT_TRUE(t->segments.empty());
}

TEST(Target, QueryPlusIsSpace) {
  auto t = parse_target("/s?q=a+b%2Bc");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->query.find("q"), "a b+c");
}

TEST(Target, OnlyOriginForm) {
  EXPECT_FALSE(parse_target("http://example/a").ok());
  EXPECT_FALSE(parse_target("*").ok());
  EXPECT_FALSE(parse_target("example:80").ok());
  EXPECT_FALSE(parse_target("").ok());
}

TEST(Target, RefusesTraversal) {
  EXPECT_FALSE(parse_target("/a/../b").ok());
  EXPECT_FALSE(parse_target("/a/%2e%2e/b").ok());
  EXPECT_FALSE(parse_target("/a/%2E%2E").ok());
  EXPECT_FALSE(parse_target("/a/./b").ok());
  EXPECT_FALSE(parse_target("/a/.%2e/b").ok());
  EXPECT_TRUE(parse_target("/a/..b/c").ok());
}

TEST(Target, RefusesEncodedSlashes) {
  EXPECT_FALSE(parse_target("/images/a%2Fb").ok());
  EXPECT_FALSE(parse_target("/images/a%2fb").ok());
  EXPECT_FALSE(parse_target("/images/a%5Cb").ok());
}

TEST(Target, RefusesControlCharacters) {
  EXPECT_FALSE(parse_target("/a%00b").ok());
  EXPECT_FALSE(parse_target("/a%0d%0aSet-Cookie:x").ok());
  EXPECT_FALSE(parse_target("/a%7f").ok());
  EXPECT_FALSE(parse_target(std::string_view("/a\0b", 4)).ok());
  EXPECT_FALSE(parse_target("/a b").ok());
  EXPECT_FALSE(parse_target("/q?x=%00").ok());
  EXPECT_FALSE(parse_target("/a#frag").ok());
}

}  // namespace
}  // namespace imagebank::server
