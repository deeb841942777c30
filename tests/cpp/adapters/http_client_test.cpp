// The shared HTTP client (include/imagebank/adapters/http/): what the
// vision providers added to what S3 already used (its own tests cover the
// rest): base URLs, Retry-After, send_text and the deadline of a call.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "imagebank/adapters/http/client.hpp"
#include "imagebank/adapters/http/endpoint.hpp"
#include "imagebank/adapters/http/retry.hpp"
#include "s3_loopback_server.hpp"

namespace imagebank {
namespace {

using std::chrono::milliseconds;
using testing::http_reply;
using testing::LoopbackReply;
using testing::LoopbackRequest;
using testing::LoopbackServer;

TEST(HttpBaseUrl, SplitsEndpointAndPath) {
  auto a = http::parse_base_url("http://127.0.0.1:8080/v1/");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE(a->endpoint.tls);
  EXPECT_EQ(a->endpoint.host, "127.0.0.1");
  EXPECT_EQ(a->endpoint.port, 8080);
  EXPECT_EQ(a->path, "/v1");
  auto b = http::parse_base_url("https://api.openai.com");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->endpoint.tls);
  EXPECT_EQ(b->endpoint.port, 443);
  EXPECT_EQ(b->path, "");
  auto c = http::parse_base_url("http://[::1]:9/api/v1beta");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->endpoint.host, "::1");
  EXPECT_EQ(c->path, "/api/v1beta");
  for (const char* bad :
       {"ftp://x", "http://x/a?b=1", "http://user@x/", "http://x/a#f",
        "http://x/a b", "http://x:0/", "http:///v1", "http://x/\x01"}) {
    EXPECT_EQ(http::parse_base_url(bad).status().code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
  // S3's endpoints stay path-free.
  EXPECT_FALSE(http::parse_endpoint("http://127.0.0.1:9000/v1").ok());
}

TEST(HttpRetryAfter, ReadsSecondsAndDates) {
  const auto now = std::chrono::system_clock::time_point(
      std::chrono::seconds(1445412480));  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(http::parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(http::parse_retry_after(" 0 ", now), milliseconds(0));
  EXPECT_EQ(http::parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            milliseconds(30000));
  // A date already past means now.
  EXPECT_EQ(http::parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            milliseconds(0));
  EXPECT_EQ(http::parse_retry_after("99999999999999999999999", now),
            milliseconds(24LL * 3600 * 1000));
  for (const char* bad :
       {"", "soon", "-5", "1.5", "Wed, 32 Oct 2015 07:28:30 GMT",
        "Wed, 21 Foo 2015 07:28:30 GMT"}) {
    EXPECT_FALSE(http::parse_retry_after(bad, now).has_value()) << bad;
  }
  EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_FALSE(http::parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
}

TEST(HttpClient, SendTextPostsTheBodyAndReadsHeadersInAnyCase) {
  LoopbackServer server([](const LoopbackRequest& req) {
    return http_reply(200, "{\"echo\":" + std::to_string(req.body.size()) + "}",
                      "X-Request-Id: abc\r\n");
  });
  auto ep = http::parse_endpoint(server.endpoint());
  ASSERT_TRUE(ep.ok());
  auto client = http::HttpClient::create(*ep, {});
  ASSERT_TRUE(client.ok()) << client.status();
  auto answer = (*client)->send_text(
      "POST", "/v1/chat/completions",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer k"}},
      "{\"a\":1}", 1024, http::Clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "{\"echo\":7}");
  ASSERT_NE(answer->header("X-Request-ID"), nullptr);
  EXPECT_EQ(*answer->header("x-request-id"), "abc");
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/v1/chat/completions");
  EXPECT_EQ(seen[0].body, "{\"a\":1}");
  EXPECT_EQ(seen[0].headers.at("content-length"), "7");
  EXPECT_EQ(seen[0].headers.at("authorization"), "Bearer k");
}

TEST(HttpClient, ASilentServerEndsAtTheDeadline) {
  LoopbackServer server(
      [](const LoopbackRequest&) -> std::optional<LoopbackReply> {
        return std::nullopt;  // accepts, reads, never answers
      });
  auto ep = http::parse_endpoint(server.endpoint());
  ASSERT_TRUE(ep.ok());
  http::HttpClientOptions options;
  options.io_timeout = std::chrono::seconds(30);  // not what stops it
  auto client = http::HttpClient::create(*ep, options);
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  auto answer = (*client)->send_text("POST", "/", {}, "x", 1024,
                                     http::Clock::now() + milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answer.status().code(), ErrorCode::kDeadlineExceeded)
      << answer.status();
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_GE(took, milliseconds(250));
}

TEST(HttpClient, APassedDeadlineFailsWithoutWaiting) {
  LoopbackServer server(
      [](const LoopbackRequest&) { return http_reply(200, "late"); });
  auto ep = http::parse_endpoint(server.endpoint());
  ASSERT_TRUE(ep.ok());
  auto client = http::HttpClient::create(*ep, {});
  ASSERT_TRUE(client.ok());
  auto answer = (*client)->send_text("POST", "/", {}, "x", 1024,
                                     http::Clock::now() - milliseconds(1));
  EXPECT_EQ(answer.status().code(), ErrorCode::kDeadlineExceeded)
      << answer.status();
}

TEST(HttpClient, AStepTimeoutWithoutDeadlineStaysUnavailable) {
  LoopbackServer server(
      [](const LoopbackRequest&) -> std::optional<LoopbackReply> {
        return std::nullopt;
      });
  auto ep = http::parse_endpoint(server.endpoint());
  ASSERT_TRUE(ep.ok());
  http::HttpClientOptions options;
  options.io_timeout = milliseconds(200);
  auto client = http::HttpClient::create(*ep, options);
  ASSERT_TRUE(client.ok());
  http::HttpRequest request;
  request.method = "GET";
  request.target = "/";
  auto answer = (*client)->send(request, nullptr, 1024);
  EXPECT_EQ(answer.status().code(), ErrorCode::kUnavailable) << answer.status();
}

}  // namespace
}  // namespace imagebank
