#include "problem.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace imagebank::server {
namespace {

TEST(Problem, StatusTable) {
  EXPECT_EQ(http_status_for(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::kConflict), 409);
  EXPECT_EQ(http_status_for(ErrorCode::kLimitExceeded), 413);
  EXPECT_EQ(http_status_for(ErrorCode::kUnsupportedFormat), 415);
  EXPECT_EQ(http_status_for(ErrorCode::kCorruptData), 422);
  EXPECT_EQ(http_status_for(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(http_status_for(ErrorCode::kDeadlineExceeded), 504);
  EXPECT_EQ(http_status_for(ErrorCode::kIoError), 500);
  EXPECT_EQ(http_status_for(ErrorCode::kInternal), 500);
  EXPECT_EQ(http_status_for(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(http_status_for(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(code_name_for_http_status(404), "not_found");
  EXPECT_EQ(code_name_for_http_status(431), "limit_exceeded");
  EXPECT_EQ(code_name_for_http_status(418), "invalid_argument");
  EXPECT_EQ(code_name_for_http_status(599), "internal");
}

TEST(Problem, Json) {
  Response r = problem_response(not_found_error("no image 12 \"x\""));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(*r.headers.find("content-type"), "application/problem+json");
  auto v = boost::json::parse(std::get<std::string>(r.body)).as_object();
  EXPECT_EQ(v.at("type"), "about:blank");
  EXPECT_EQ(v.at("title"), "Not Found");
  EXPECT_EQ(v.at("status"), 404);
  EXPECT_EQ(v.at("detail"), "no image 12 \"x\"");
  EXPECT_EQ(v.at("code"), "not_found");
}

TEST(Problem, HttpLevel) {
  Response r = problem_response(431, "too big");
  auto v = boost::json::parse(std::get<std::string>(r.body)).as_object();
  EXPECT_EQ(v.at("title"), "Request Header Fields Too Large");
  EXPECT_EQ(v.at("code"), "limit_exceeded");
  EXPECT_EQ(reason_phrase(299), "");
}

}  // namespace
}  // namespace imagebank::server
