#include "api_support.hpp"

#include <gtest/gtest.h>

namespace imagebank::server {
namespace {

TEST(ApiSupport, RowIds) {
  EXPECT_EQ(*parse_row_id("1", "id"), 1);
  EXPECT_EQ(*parse_row_id("9223372036854775807", "id"), 9223372036854775807);
  for (const char* bad : {"", "0", "-1", "+1", " 1", "1 ", "1.0", "0x1", "abc",
                          "9223372036854775808"}) {
    auto id = parse_row_id(bad, "batch id");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(id.status().message().find("batch id"), std::string::npos);
  }
}

TEST(ApiSupport, QueryParameters) {
  Request r;
  r.query.add("limit", "5");
  r.query.add("status", "");
  EXPECT_TRUE(check_query(r, {"limit", "status"}).ok());
  EXPECT_EQ(query_value(r, "limit"), "5");
  EXPECT_EQ(query_value(r, "status"), std::nullopt);  // empty: any
  EXPECT_EQ(check_query(r, {"limit"}).code(), ErrorCode::kInvalidArgument);
  r.query.add("limit", "6");
  EXPECT_EQ(check_query(r, {"limit", "status"}).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(*parse_query_bool("true", "x"));
  EXPECT_FALSE(*parse_query_bool("0", "x"));
  EXPECT_FALSE(parse_query_bool("yes", "x").ok());
}

TEST(ApiSupport, JsonBodies) {
  Request r;
  r.body = std::string(R"({"status":"approved"})");
  EXPECT_EQ(json_object_body(r)->at("status"), "approved");
  for (const char* bad : {"", "{", "[]", "\"x\"", "{} {}"}) {
    r.body = std::string(bad);
    EXPECT_EQ(json_object_body(r).status().code(), ErrorCode::kInvalidArgument)
        << bad;
  }
}

TEST(ApiSupport, CsvRecords) {
  EXPECT_EQ(csv_record({"a", "b c", ""}), "a,b c,\r\n");
  EXPECT_EQ(csv_record({"Verão, 2027", "say \"hi\"", "two\nlines"}),
            "\"Verão, 2027\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  EXPECT_EQ(csv_record({"=1+1", "-2", "@x", "+y"}), "'=1+1,'-2,'@x,'+y\r\n");
  Response r = csv_response("a\r\n", "x.csv");
  EXPECT_EQ(std::get<std::string>(r.body),
            "\xEF\xBB\xBF"
            "a\r\n");
  EXPECT_EQ(*r.headers.find("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(*r.headers.find("Content-Disposition"),
            "attachment; filename=\"x.csv\"");
}

}  // namespace
}  // namespace imagebank::server
