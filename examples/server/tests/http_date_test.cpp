#include "http_date.hpp"

#include <gtest/gtest.h>

#include <string>

namespace imagebank::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

system_clock::time_point at_ms(long long ms) {
  return system_clock::time_point(milliseconds(ms));
}

TEST(HttpDate, Format) {
  EXPECT_EQ(http_date(system_clock::time_point(seconds(784111777))),
            "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpDateCache, SameTextAsHttpDateWithinAndAcrossSeconds) {
  HttpDateCache cache;
  const long long base = 784111777000;
  EXPECT_EQ(cache.at(at_ms(base)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(cache.at(at_ms(base + 999)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(cache.at(at_ms(base + 1000)), "Sun, 06 Nov 1994 08:49:38 GMT");
  // Back in time (a clock step): formatted again, not kept.
  EXPECT_EQ(cache.at(at_ms(base - 1)), "Sun, 06 Nov 1994 08:49:36 GMT");
  for (long long ms = base; ms < base + 5000; ms += 137) {
    EXPECT_EQ(std::string(cache.at(at_ms(ms))), http_date(at_ms(ms)));
  }
}

TEST(HttpDateCache, NowMatchesTheClock) {
  const auto before = system_clock::now();
  const std::string now(http_date_now());
  const auto after = system_clock::now();
  EXPECT_TRUE(now == http_date(before) || now == http_date(after)) << now;
}

}  // namespace
}  // namespace imagebank::server
