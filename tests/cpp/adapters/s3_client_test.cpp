// The S3 store against a scripted loopback server: retries and backoff,
// deadlines (a silent server, a closed port), the mapping of S3 errors,
// hostile answers, keep-alive and resumed reads.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "adapters/s3/crypto.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"
#include "s3_loopback_server.hpp"

namespace imagebank {
namespace {

using imagebank::testing::closed_loopback_port;
using imagebank::testing::http_reply;
using imagebank::testing::LoopbackReply;
using imagebank::testing::LoopbackRequest;
using imagebank::testing::LoopbackServer;
using imagebank::testing::s3_error_xml;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

S3Options options_for(const std::string& endpoint) {
  S3Options o;
  o.bucket = "bucket";
  o.prefix = "pre";
  o.endpoint = endpoint;
  o.credentials = S3Credentials{"AKIDTEST", "secret", ""};
  o.check_bucket = false;
  o.connect_timeout = milliseconds(500);
  o.request_timeout = milliseconds(500);
  o.max_attempts = 3;
  o.backoff_base = milliseconds(20);
  o.backoff_cap = milliseconds(50);
  return o;
}

std::unique_ptr<BlobStore> open_or_die(const S3Options& o) {
  auto store = open_s3_blob_store(o);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

TEST(S3Client, RetriesTwo503ThenSucceeds) {
  LoopbackServer server(
      [](const LoopbackRequest& req) -> std::optional<LoopbackReply> {
        static int count = 0;
        if (req.method == "PUT" && ++count <= 2) {
          return http_reply(503, s3_error_xml("SlowDown", "Reduce your rate"));
        }
        return http_reply(200, "", "ETag: \"e\"\r\n");
      });
  auto store = open_or_die(options_for(server.endpoint()));
  ASSERT_NE(store, nullptr);
  const std::string data = "hello, bucket";
  Status s = store->put("a/b.jpg", bytes_of(data));
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(server.requests(), 3);
  for (const LoopbackRequest& req : server.seen()) {
    EXPECT_EQ(req.method, "PUT");
    EXPECT_EQ(req.target, "/bucket/pre/a/b.jpg");
    EXPECT_EQ(req.body, data);
    EXPECT_EQ(req.headers.at("host"),
              "127.0.0.1:" + std::to_string(server.port()));
    // Plain http: the payload is hashed and signed, never UNSIGNED-PAYLOAD.
    EXPECT_EQ(req.headers.at("x-amz-content-sha256"), s3::sha256_hex(data));
    EXPECT_TRUE(req.headers.at("authorization")
                    .starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"))
        << req.headers.at("authorization");
    EXPECT_NE(req.headers.at("authorization")
                  .find("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"),
              std::string::npos);
  }
}

TEST(S3Client, PersistentFiveHundredsBecomeUnavailable) {
  LoopbackServer server([](const LoopbackRequest&) {
    return std::optional(
        http_reply(500, s3_error_xml("InternalError", "We encountered...")));
  });
  auto store = open_or_die(options_for(server.endpoint()));
  auto info = store->head("k");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), ErrorCode::kUnavailable) << info.status();
  EXPECT_EQ(server.requests(), 3);
  EXPECT_NE(info.status().message().find("s3://bucket/pre/k"),
            std::string::npos)
      << info.status();
}

TEST(S3Client, SilentServerEndsUnavailableWithinTheDeadline) {
  LoopbackServer server(
      [](const LoopbackRequest&) -> std::optional<LoopbackReply> {
        return std::nullopt;  // accept, read, never answer
      });
  S3Options o = options_for(server.endpoint());
  o.request_timeout = milliseconds(300);
  o.max_attempts = 2;
  auto store = open_or_die(o);
  const auto start = Clock::now();
  std::vector<std::byte> out;
  Status s = store->get("k", [&](std::span<const std::byte> b) {
    out.insert(out.end(), b.begin(), b.end());
    return ok_status();
  });
  const long long elapsed = ms_since(start);
  ASSERT_EQ(s.code(), ErrorCode::kUnavailable) << s;
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s;
  EXPECT_EQ(server.requests(), 2);
  // Two attempts of 300 ms plus at most 50 ms of backoff, with slack for a
  // loaded machine; without deadlines this would hang forever.
  EXPECT_GE(elapsed, 550);
  EXPECT_LT(elapsed, 3000);
}

TEST(S3Client, ClosedPortIsUnavailableAfterBoundedRetries) {
  const std::uint16_t port = closed_loopback_port();
  S3Options o = options_for("http://127.0.0.1:" + std::to_string(port));
  o.max_attempts = 4;
  auto store = open_or_die(o);
  const auto start = Clock::now();
  Status s = store->put("k", bytes_of("x"));
  const long long elapsed = ms_since(start);
  ASSERT_EQ(s.code(), ErrorCode::kUnavailable) << s;
  EXPECT_NE(s.message().find("4 attempts"), std::string::npos) << s;
  EXPECT_NE(s.message().find("s3://bucket/pre/k"), std::string::npos) << s;
  // 3 backoffs of at most 50 ms; refused connections fail at once.
  EXPECT_LT(elapsed, 2000);

  // open_s3_blob_store's bucket check fails the same way.
  o.check_bucket = true;
  auto opened = open_s3_blob_store(o);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kUnavailable);
}

TEST(S3Client, ErrorAnswersMapToCodes) {
  LoopbackServer server(
      [](const LoopbackRequest& req) -> std::optional<LoopbackReply> {
        if (req.target.starts_with("/bucket/pre/missing")) {
          if (req.method == "HEAD") return http_reply(404);
          return http_reply(404, s3_error_xml("NoSuchKey", "no such key"));
        }
        if (req.target.starts_with("/bucket/pre/denied")) {
          return http_reply(403, s3_error_xml("SignatureDoesNotMatch",
                                              "The request signature we "
                                              "calculated does not match"));
        }
        if (req.target.starts_with("/bucket/pre/conflict")) {
          return http_reply(409, s3_error_xml("OperationAborted", "busy"));
        }
        return http_reply(400, s3_error_xml("InvalidArgument", "bad"));
      });
  auto store = open_or_die(options_for(server.endpoint()));
  auto sink = [](std::span<const std::byte>) { return ok_status(); };

  Status s = store->get("missing", sink);
  EXPECT_EQ(s.code(), ErrorCode::kNotFound) << s;
  EXPECT_NE(s.message().find("s3://bucket/pre/missing"), std::string::npos);
  EXPECT_NE(s.message().find("NoSuchKey"), std::string::npos) << s;
  EXPECT_EQ(store->head("missing").status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(store->remove("missing").ok());  // idempotent

  const int before = server.requests();
  s = store->put("denied", bytes_of("x"));
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s;
  EXPECT_NE(s.message().find("SignatureDoesNotMatch"), std::string::npos) << s;
  EXPECT_NE(s.message().find("s3://bucket/pre/denied"), std::string::npos);
  EXPECT_EQ(server.requests(), before + 1) << "a 403 must not be retried";

  EXPECT_EQ(store->put("conflict", bytes_of("x")).code(), ErrorCode::kConflict);
  EXPECT_EQ(store->put("other", bytes_of("x")).code(), ErrorCode::kIoError);
}

TEST(S3Client, RangePastTheEndIsInvalidArgument) {
  LoopbackServer server(
      [](const LoopbackRequest& req) -> std::optional<LoopbackReply> {
        if (req.method == "HEAD") {
          return LoopbackReply{
              "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
              "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
              false};
        }
        return http_reply(416, s3_error_xml("InvalidRange", "not satisfiable"));
      });
  auto store = open_or_die(options_for(server.endpoint()));
  auto info = store->head("k");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->size, 10u);
  EXPECT_EQ(info->modified_ms, 784111777000LL);
  auto past = store->get_bytes("k", ByteRange{11, std::nullopt});
  EXPECT_EQ(past.status().code(), ErrorCode::kInvalidArgument) << past.status();
  auto at_end = store->get_bytes("k", ByteRange{10, std::nullopt});
  ASSERT_TRUE(at_end.ok()) << at_end.status();
  EXPECT_TRUE(at_end->empty());
}

TEST(S3Client, HostileAnswersAreErrorsNotCrashes) {
  LoopbackServer server(
      [](const LoopbackRequest& req) -> std::optional<LoopbackReply> {
        if (req.target.starts_with("/bucket/pre/garbage")) {
          return LoopbackReply{"SSH-2.0-OpenSSH\r\n\r\n", true};
        }
        if (req.target.starts_with("/bucket/pre/nolength")) {
          return LoopbackReply{"HTTP/1.1 200 OK\r\n\r\n", false};
        }
        if (req.target.find("list-type=2") != std::string::npos) {
          if (req.target.find("prefix=pre%2Fbig") != std::string::npos) {
            // Larger than any listing the client accepts.
            return http_reply(200, std::string((8u << 20) + 10, 'x'));
          }
          return http_reply(200, "<ListBucketResult><Contents>");
        }
        return http_reply(200, "", "Content-Length: 5\r\n");
      });
  S3Options o = options_for(server.endpoint());
  o.max_attempts = 1;
  auto store = open_or_die(o);
  auto garbage = store->head("garbage");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), ErrorCode::kCorruptData)
      << garbage.status();
  auto nolength = store->head("nolength");
  EXPECT_EQ(nolength.status().code(), ErrorCode::kCorruptData)
      << nolength.status();
  auto bad_xml = store->list("");
  EXPECT_EQ(bad_xml.status().code(), ErrorCode::kCorruptData)
      << bad_xml.status();
  auto big = store->list("big");
  EXPECT_EQ(big.status().code(), ErrorCode::kCorruptData) << big.status();
  EXPECT_NE(big.status().message().find("larger than"), std::string::npos)
      << big.status();
}

TEST(S3Client, KeepAliveReusesOneConnection) {
  LoopbackServer server([](const LoopbackRequest&) {
    return std::optional(http_reply(200, "", "ETag: \"e\"\r\n"));
  });
  auto store = open_or_die(options_for(server.endpoint()));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->put("k" + std::to_string(i), bytes_of("x")).ok());
  }
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(server.connections(), 1);
}

TEST(S3Client, ServerClosingAnIdleConnectionIsNotAFailure) {
  // The server drops each connection after answering, without saying so
  // (as servers do with idle keep-alive connections): the next request
  // finds the pooled connection dead and must quietly use a new one.
  LoopbackServer server([](const LoopbackRequest&) {
    LoopbackReply reply = http_reply(200, "", "ETag: \"e\"\r\n");
    reply.close_after = true;
    return std::optional(reply);
  });
  S3Options o = options_for(server.endpoint());
  o.max_attempts = 1;  // no retry budget to hide behind
  auto store = open_or_die(o);
  for (int i = 0; i < 3; ++i) {
    Status s = store->put("k", bytes_of("x"));
    ASSERT_TRUE(s.ok()) << "put " << i << ": " << s;
  }
  EXPECT_EQ(server.requests(), 3);
}

TEST(S3Client, CutTransferIsResumedFromWhereItStopped) {
  std::string object(100000, '\0');
  for (std::size_t i = 0; i < object.size(); ++i) {
    object[i] = static_cast<char>((i * 7919) >> 3);
  }
  LoopbackServer server(
      [&](const LoopbackRequest& req) -> std::optional<LoopbackReply> {
        auto range = req.headers.find("range");
        if (range == req.headers.end()) {
          // Promise everything, send 40%, hang up.
          LoopbackReply reply{"HTTP/1.1 200 OK\r\nContent-Length: " +
                                  std::to_string(object.size()) +
                                  "\r\nETag: \"v1\"\r\n\r\n" +
                                  object.substr(0, 40000),
                              true};
          return reply;
        }
        EXPECT_EQ(range->second, "bytes=40000-");
        EXPECT_EQ(req.headers.at("if-match"), "\"v1\"");
        const std::string rest = object.substr(40000);
        return http_reply(206, rest,
                          "Content-Range: bytes 40000-99999/100000\r\n"
                          "ETag: \"v1\"\r\n");
      });
  auto store = open_or_die(options_for(server.endpoint()));
  auto got = store->get_bytes("k");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), object.size());
  EXPECT_TRUE(std::equal(got->begin(), got->end(),
                         reinterpret_cast<const std::byte*>(object.data())));
  EXPECT_EQ(server.requests(), 2);
}

TEST(S3Client, SinkErrorIsReturnedAndNotRetried) {
  LoopbackServer server([](const LoopbackRequest&) {
    return std::optional(http_reply(200, std::string(1000, 'z')));
  });
  auto store = open_or_die(options_for(server.endpoint()));
  Status s = store->get("k", [](std::span<const std::byte>) {
    return unavailable_error("the consumer went away");
  });
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(s.message(), "the consumer went away");
  EXPECT_EQ(server.requests(), 1);
}

TEST(S3Client, UriNamesBucketPrefixAndEndpoint) {
  auto store = open_or_die(options_for("http://127.0.0.1:9"));
  EXPECT_EQ(store->uri(),
            "s3://bucket/pre?endpoint=http://127.0.0.1:9&region=us-east-1");
  auto reparsed = parse_s3_uri(store->uri());
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ(reparsed->endpoint, "http://127.0.0.1:9");
}

}  // namespace
}  // namespace imagebank
