#include "imagebank/core/status.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace imagebank {
namespace {

TEST(Status, DefaultIsOkWithEmptyMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(Status, FactoriesCarryTheirCode) {
  struct Case {
    Status status;
    ErrorCode code;
    const char* name;
  };
  const Case cases[] = {
      {invalid_argument_error("m"), ErrorCode::kInvalidArgument,
       "invalid_argument"},
      {not_found_error("m"), ErrorCode::kNotFound, "not_found"},
      {corrupt_data_error("m"), ErrorCode::kCorruptData, "corrupt_data"},
      {unsupported_format_error("m"), ErrorCode::kUnsupportedFormat,
       "unsupported_format"},
      {limit_exceeded_error("m"), ErrorCode::kLimitExceeded, "limit_exceeded"},
      {io_error("m"), ErrorCode::kIoError, "io_error"},
      {unavailable_error("m"), ErrorCode::kUnavailable, "unavailable"},
      {conflict_error("m"), ErrorCode::kConflict, "conflict"},
      {internal_error("m"), ErrorCode::kInternal, "internal"},
      {deadline_exceeded_error("m"), ErrorCode::kDeadlineExceeded,
       "deadline_exceeded"},
      {unauthenticated_error("m"), ErrorCode::kUnauthenticated,
       "unauthenticated"},
      {permission_denied_error("m"), ErrorCode::kPermissionDenied,
       "permission_denied"},
      {rate_limited_error("m"), ErrorCode::kRateLimited, "rate_limited"},
      {quota_exhausted_error("m"), ErrorCode::kQuotaExhausted,
       "quota_exhausted"},
      {refused_error("m"), ErrorCode::kRefused, "refused"},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(c.status.ok());
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(code_name(c.code), c.name);
    EXPECT_EQ(c.status.message(), "m");
    EXPECT_EQ(c.status.to_string(), std::string(c.name) + ": m");
    EXPECT_EQ(parse_error_code(c.name), c.code) << c.name;
  }
}

TEST(Status, RetryAfterIsCarriedThroughContext) {
  using std::chrono::milliseconds;
  EXPECT_EQ(ok_status().retry_after(), std::nullopt);
  EXPECT_TRUE(ok_status().with_retry_after(milliseconds(5)).ok());
  const Status plain = rate_limited_error("slow down");
  EXPECT_EQ(plain.retry_after(), std::nullopt);
  const Status delayed = plain.with_retry_after(milliseconds(1500));
  EXPECT_EQ(delayed.retry_after(), milliseconds(1500));
  EXPECT_EQ(delayed.code(), ErrorCode::kRateLimited);
  EXPECT_EQ(delayed.message(), "slow down");
  EXPECT_EQ(plain.retry_after(), std::nullopt);  // the original is unchanged
  const Status named = delayed.with_context("openai");
  EXPECT_EQ(named.message(), "openai: slow down");
  EXPECT_EQ(named.retry_after(), milliseconds(1500));
  EXPECT_EQ(
      unavailable_error("x").with_retry_after(milliseconds(-3)).retry_after(),
      milliseconds(0));
}

TEST(Status, CodeNamesParseBack) {
  EXPECT_EQ(parse_error_code("ok"), ErrorCode::kOk);
  EXPECT_EQ(parse_error_code("deadline_exceeded"),
            ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(parse_error_code(""), std::nullopt);
  EXPECT_EQ(parse_error_code("Internal"), std::nullopt);
  EXPECT_EQ(parse_error_code("io_error: disk full"), std::nullopt);
}

TEST(Status, ErrorWithOkCodeIsOk) {
  // Keeps the invariant that an OK status carries no payload.
  Status s(ErrorCode::kOk, "ignored");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
}

TEST(Status, WithContextPrefixesTheMessage) {
  Status s = corrupt_data_error("truncated").with_context("a.jpg");
  EXPECT_EQ(s.code(), ErrorCode::kCorruptData);
  EXPECT_EQ(s.message(), "a.jpg: truncated");
  EXPECT_TRUE(Status().with_context("a.jpg").ok());
}

TEST(Status, CopiesCompareEqual) {
  Status a = io_error("disk");
  Status b = a;
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == io_error("other"));
  EXPECT_FALSE(a == not_found_error("disk"));
}

TEST(Status, StreamsAsToString) {
  std::ostringstream os;
  os << not_found_error("x.png: no such file");
  EXPECT_EQ(os.str(), "not_found: x.png: no such file");
}

TEST(Status, UnknownCodeNameIsInternal) {
  EXPECT_EQ(code_name(static_cast<ErrorCode>(999)), "internal");
}

}  // namespace
}  // namespace imagebank
