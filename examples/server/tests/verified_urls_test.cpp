#include "verified_urls.hpp"

#include <gtest/gtest.h>

#include <string>

namespace imagebank::server {
namespace {

TEST(VerifiedUrls, FindsWhatWasAdded) {
  VerifiedUrls urls(4);
  EXPECT_FALSE(urls.find("/images/1?size=grid&exp=9&kid=k&sig=x"));
  urls.add("/images/1?size=grid&exp=9&kid=k&sig=x", 9);
  EXPECT_EQ(urls.find("/images/1?size=grid&exp=9&kid=k&sig=x"), 9);
  EXPECT_FALSE(urls.find("/images/1?size=grid&exp=9&kid=k&sig=y"));
}

TEST(VerifiedUrls, BoundedByTwoGenerations) {
  VerifiedUrls urls(3);
  for (int i = 0; i < 100; ++i) {
    urls.add("/t" + std::to_string(i), i);
    EXPECT_LE(urls.size(), 6u);
  }
  // The latest are kept, the oldest forgotten.
  EXPECT_EQ(urls.find("/t99"), 99);
  EXPECT_FALSE(urls.find("/t0"));
}

TEST(VerifiedUrls, AUrlFoundInTheOlderGenerationIsKept) {
  VerifiedUrls urls(2);
  urls.add("/hot", 1);
  urls.add("/a", 2);
  urls.add("/b", 3);                // newer full: /hot and /a become the older
  EXPECT_EQ(urls.find("/hot"), 1);  // moved to the newer
  urls.add("/c", 4);                // newer full again: /a dropped
  urls.add("/d", 5);
  EXPECT_EQ(urls.find("/hot"), 1);
  EXPECT_FALSE(urls.find("/a"));
}

TEST(VerifiedUrls, LongTargetsAreNotKept) {
  VerifiedUrls urls(4);
  const std::string long_target(VerifiedUrls::kMaxTargetBytes + 1, 'a');
  urls.add(long_target, 1);
  EXPECT_FALSE(urls.find(long_target));
  EXPECT_EQ(urls.size(), 0u);
}

}  // namespace
}  // namespace imagebank::server
