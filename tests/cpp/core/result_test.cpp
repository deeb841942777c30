#include "imagebank/core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace imagebank {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return invalid_argument_error("not positive");
  return v;
}

Result<int> doubled(int v) {
  IMAGEBANK_ASSIGN_OR_RETURN(const int x, parse_positive(v));
  return 2 * x;
}

Status check_both(int a, int b) {
  IMAGEBANK_RETURN_IF_ERROR(parse_positive(a));
  IMAGEBANK_RETURN_IF_ERROR(parse_positive(b).status());
  return ok_status();
}

TEST(Result, HoldsValue) {
  Result<std::string> r = std::string("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(*r, "abc");
  EXPECT_EQ(r->size(), 3u);
}

TEST(Result, HoldsError) {
  Result<int> r = not_found_error("gone");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(r.value_or(7), 7);
}

TEST(Result, AssignOrReturnPropagatesAndUnwraps) {
  EXPECT_EQ(*doubled(21), 42);
  Result<int> bad = doubled(-1);
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "not positive");
}

TEST(Result, ReturnIfErrorAcceptsResultsAndStatuses) {
  EXPECT_TRUE(check_both(1, 2).ok());
  EXPECT_EQ(check_both(-1, 2).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(check_both(1, -2).code(), ErrorCode::kInvalidArgument);
}

TEST(Result, MoveOnlyValuesAndConversions) {
  struct Base {
    virtual ~Base() = default;
    virtual int id() const { return 1; }
  };
  struct Derived : Base {
    int id() const override { return 2; }
  };
  Result<std::unique_ptr<Base>> r = std::make_unique<Derived>();
  ASSERT_TRUE(r.ok());
  std::unique_ptr<Base> p = std::move(r).value();
  EXPECT_EQ(p->id(), 2);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Result<int> r = corrupt_data_error("broken");
  EXPECT_DEATH((void)r.value(), "broken");
}

TEST(ResultDeathTest, OkStatusIsNotAnError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH({ Result<int> r = ok_status(); }, "OK Status");
}

}  // namespace
}  // namespace imagebank
