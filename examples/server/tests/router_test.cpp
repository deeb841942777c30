#include "router.hpp"

#include <gtest/gtest.h>

namespace imagebank::server {
namespace {

Handler reply(int status) {
  return [status](Request&) -> Result<Response> {
    return Response::text(status, "");
  };
}

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size() && path.size() > 1) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(router_.add("GET", "/images/{id}", reply(200)).ok());
    ASSERT_TRUE(router_.add("DELETE", "/images/{id}", reply(204)).ok());
    ASSERT_TRUE(router_.add("GET", "/images/latest", reply(201)).ok());
    ASSERT_TRUE(
        router_.add("POST", "/api/v1/batches/{id}/files", reply(202)).ok());
    ASSERT_TRUE(router_.add("GET", "/", reply(200)).ok());
  }
  Router router_;
};

TEST_F(RouterTest, MatchesParameters) {
  auto m = router_.match("POST", split("/api/v1/batches/12/files"));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/batches/{id}/files");
  EXPECT_EQ(m.path_params.find("id"), "12");
}

TEST_F(RouterTest, LiteralBeatsParameter) {
  auto m = router_.match("GET", split("/images/latest"));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/images/latest");
  m = router_.match("GET", split("/images/7"));
  EXPECT_EQ(m.route->pattern, "/images/{id}");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  auto m = router_.match("HEAD", split("/images/7"));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->method, "GET");
}

TEST_F(RouterTest, MethodNotAllowedListsMethods) {
  auto m = router_.match("PUT", split("/images/7"));
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
  // Methods are case-sensitive.
  EXPECT_EQ(router_.match("get", split("/images/7")).kind,
            RouteMatch::Kind::kMethodNotAllowed);
}

TEST_F(RouterTest, NotFound) {
  EXPECT_EQ(router_.match("GET", split("/nope")).kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.match("GET", split("/images/7/x")).kind,
            RouteMatch::Kind::kNotFound);
  // A parameter never matches an empty segment ("/images/").
  EXPECT_EQ(router_.match("GET", {"images", ""}).kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router_.match("GET", {}).kind, RouteMatch::Kind::kFound);
}

TEST(Router, RefusesBadPatterns) {
  Router r;
  EXPECT_FALSE(r.add("GET", "images", reply(200)).ok());
  EXPECT_FALSE(r.add("GET", "/a//b", reply(200)).ok());
  EXPECT_FALSE(r.add("GET", "/a/{}", reply(200)).ok());
  EXPECT_TRUE(r.add("GET", "/a/{id}", reply(200)).ok());
  EXPECT_FALSE(r.add("GET", "/a/{id}", reply(200)).ok());
}

TEST(BodySpec, Limits) {
  EXPECT_EQ(BodySpec{}.limit(), 0u);
  EXPECT_EQ(json_body().body.limit(), kMaxMemoryBody);
  EXPECT_EQ(json_body(10).body.limit(), 10u);
  EXPECT_EQ(json_body(1ull << 30).body.limit(), kMaxMemoryBody);
  EXPECT_EQ(file_body().body.limit(), Limits{}.max_file_bytes);
  EXPECT_EQ(file_body(5).body.limit(), 5u);
}

TEST(Headers, CaseInsensitive) {
  Headers h;
  h.add("Content-Type", "a");
  h.add("X-Tag", "1");
  h.add("x-tag", "2");
  EXPECT_EQ(*h.find("content-type"), "a");
  EXPECT_EQ(h.all("X-TAG"), (std::vector<std::string_view>{"1", "2"}));
  h.set("X-Tag", "3");
  EXPECT_EQ(h.all("x-tag"), (std::vector<std::string_view>{"3"}));
  h.remove("CONTENT-TYPE");
  EXPECT_FALSE(h.contains("Content-Type"));
}

}  // namespace
}  // namespace imagebank::server
