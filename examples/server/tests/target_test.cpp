#include "target.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

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

void expect_same(std::string_view target) {
  const auto fast = parse_target(target);
  const auto url = parse_target_url(target);
  ASSERT_EQ(fast.ok(), url.ok()) << target;
  if (!fast.ok()) {
    EXPECT_EQ(fast.status().message(), url.status().message()) << target;
    return;
  }
  EXPECT_EQ(fast->path, url->path) << target;
  EXPECT_EQ(fast->segments, url->segments) << target;
  EXPECT_EQ(fast->query.entries(), url->query.entries()) << target;
}

TEST(Target, PlainTargetsAsBoostUrlReadsThem) {
  for (const char* t :
       {"/",
        "/images/12",
        "/images/12?size=grid&format=auto",
        "/images/1?size=grid&exp=1796635619&kid=k1&sig=5hqwgDivik-_x",
        "/a/",
        "//a",
        "/a//b",
        "/a?",
        "/a?&",
        "/a?x&&y",
        "/a?=",
        "/a?==b",
        "/a?x=1=2",
        "/a??b=/c",
        "/a/./b",
        "/a/..",
        "/..",
        "/.",
        "/...",
        "/a:b@c!$'()*,;=~",
        "/a?k=v;w",
        "/a?&x=1",
        "/a?x=1&"}) {
    expect_same(t);
  }
  // Random targets over the characters whose handling differs.
  const std::string_view alphabet = "/?&=.a%2F+ #:@";
  std::uint32_t seed = 12345;
  for (int i = 0; i < 20000; ++i) {
    std::string t = "/";
    seed = seed * 1664525u + 1013904223u;
    const int n = static_cast<int>(seed >> 28);
    for (int k = 0; k < n; ++k) {
      seed = seed * 1664525u + 1013904223u;
      t += alphabet[(seed >> 16) % alphabet.size()];
    }
    expect_same(t);
  }
}

}  // namespace
}  // namespace imagebank::server
