#include <gtest/gtest.h>

#include "imagebank/serve/image_service.hpp"

namespace imagebank {
namespace {

TEST(IfNoneMatch, WeakComparisonOverAList) {
  EXPECT_TRUE(if_none_match_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("\"x\", W/\"abc\" ,\"y\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches(" * ", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("\"a,b\", \"abc\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"a,b\"", "\"a\""));
  EXPECT_FALSE(if_none_match_matches("", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("abc", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"abc", "\"abc\""));
}

TEST(ByteRange, OneRangeOfEachForm) {
  auto r = parse_byte_range("bytes=0-9", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 0u);
  EXPECT_EQ(r->length, 10u);
  r = parse_byte_range("bytes=90-", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 90u);
  EXPECT_EQ(r->length, 10u);
  r = parse_byte_range("bytes=-30", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 70u);
  EXPECT_EQ(r->length, 30u);
  r = parse_byte_range("bytes=-300", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 0u);
  EXPECT_EQ(r->length, 100u);
  r = parse_byte_range("bytes=50-500", 100);  // clipped
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 50u);
}

TEST(ByteRange, UnsatisfiableIsEmptyAndOddFormsAreIgnored) {
  auto r = parse_byte_range("bytes=100-", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 0u);
  r = parse_byte_range("bytes=-0", 100);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 0u);
  EXPECT_FALSE(parse_byte_range("", 100));
  EXPECT_FALSE(parse_byte_range("bytes=0-1,5-6", 100));
  EXPECT_FALSE(parse_byte_range("items=0-1", 100));
  EXPECT_FALSE(parse_byte_range("bytes=9-1", 100));
  EXPECT_FALSE(parse_byte_range("bytes=a-b", 100));
  EXPECT_FALSE(parse_byte_range("bytes=99999999999999999999-", 100));
}

TEST(HttpStatus, EveryCodeHasItsStatus) {
  EXPECT_EQ(http_status(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(http_status(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(http_status(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status(ErrorCode::kConflict), 409);
  EXPECT_EQ(http_status(ErrorCode::kLimitExceeded), 413);
  EXPECT_EQ(http_status(ErrorCode::kUnsupportedFormat), 415);
  EXPECT_EQ(http_status(ErrorCode::kCorruptData), 422);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::kDeadlineExceeded), 504);
  EXPECT_EQ(http_status(ErrorCode::kIoError), 500);
  EXPECT_EQ(http_status(ErrorCode::kInternal), 500);
}

}  // namespace
}  // namespace imagebank
