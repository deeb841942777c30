// parse_s3_uri, endpoint parsing, bucket rules and the option checks of
// open_s3_blob_store (which fail before any I/O).
#include <gtest/gtest.h>

#include <string>

#include "adapters/s3/s3_options.hpp"
#include "imagebank/adapters/http/client.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"

namespace imagebank {
namespace {

TEST(S3Uri, BucketPrefixAndQuery) {
  auto opts = parse_s3_uri(
      "s3://bank-photos/brand/2026?endpoint=http://127.0.0.1:9000&region=sa-"
      "east-1&addressing=path&max_attempts=2&connect_timeout_ms=250&"
      "request_timeout_ms=1500&create_bucket=true&verify_tls=false&ca_file=%"
      "2Fetc%2Fca.pem");
  ASSERT_TRUE(opts.ok()) << opts.status();
  EXPECT_EQ(opts->bucket, "bank-photos");
  EXPECT_EQ(opts->prefix, "brand/2026");
  EXPECT_EQ(opts->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(opts->region, "sa-east-1");
  EXPECT_EQ(opts->addressing, S3Addressing::kPath);
  EXPECT_EQ(opts->max_attempts, 2);
  EXPECT_EQ(opts->connect_timeout.count(), 250);
  EXPECT_EQ(opts->request_timeout.count(), 1500);
  EXPECT_TRUE(opts->create_bucket);
  EXPECT_FALSE(opts->verify_tls);
  EXPECT_EQ(opts->ca_file, "/etc/ca.pem");
  EXPECT_FALSE(opts->credentials.has_value());
}

TEST(S3Uri, DefaultsAndTrailingSlash) {
  auto bare = parse_s3_uri("s3://bucket");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->prefix, "");
  EXPECT_EQ(bare->endpoint, "");
  EXPECT_EQ(bare->region, "us-east-1");
  EXPECT_EQ(bare->addressing, S3Addressing::kAuto);
  EXPECT_TRUE(bare->verify_tls);
  EXPECT_EQ(bare->max_attempts, 4);
  EXPECT_EQ(bare->multipart_threshold, 16u << 20);
  auto slash = parse_s3_uri("s3://bucket/a/b/");
  ASSERT_TRUE(slash.ok()) << slash.status();
  EXPECT_EQ(slash->prefix, "a/b");
  auto root = parse_s3_uri("s3://bucket/");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->prefix, "");
}

TEST(S3Uri, RejectsWhatIsNotValid) {
  for (const char* uri : {"",
                          "bucket",
                          "http://bucket/x",
                          "s3://",
                          "s3:///prefix",
                          "s3://Bucket",
                          "s3://ab",
                          "s3://-bucket",
                          "s3://bucket-",
                          "s3://bu..cket",
                          "s3://bu_cket",
                          "s3://192.168.1.1",
                          "s3://xn--bucket",
                          "s3://bucket.-x",
                          "s3://user:secret@bucket/x",
                          "s3://bucket//double",
                          "s3://bucket/a/../b",
                          "s3://bucket/sp ace",
                          "s3://bucket/x#frag",
                          "s3://bucket?endpoint=ftp://host",
                          "s3://bucket?endpoint=host:9000",
                          "s3://bucket?endpoint=http://host:9000/path",
                          "s3://bucket?endpoint=http://host:0",
                          "s3://bucket?endpoint=http://host:70000",
                          "s3://bucket?endpoint=http://u:p@host",
                          "s3://bucket?unknown=1",
                          "s3://bucket?access_key=AKID",
                          "s3://bucket?region=us-east-1&region=eu-west-1",
                          "s3://bucket?region=",
                          "s3://bucket?region",
                          "s3://bucket?region=US",
                          "s3://bucket?addressing=sideways",
                          "s3://bucket?max_attempts=0",
                          "s3://bucket?max_attempts=x",
                          "s3://bucket?verify_tls=maybe",
                          "s3://bucket?connect_timeout_ms=-5",
                          "s3://bucket?ca_file=%zz",
                          "s3://bucket?ca_file=%0a",
                          "s3://bucket?ca_file=%4"}) {
    auto opts = parse_s3_uri(uri);
    EXPECT_FALSE(opts.ok()) << uri;
    if (!opts.ok()) {
      EXPECT_EQ(opts.status().code(), ErrorCode::kInvalidArgument) << uri;
      // The message names the URI it refuses.
      if (*uri != '\0') {
        EXPECT_NE(opts.status().message().find("S3 URI"), std::string::npos)
            << opts.status();
      }
    }
  }
}

TEST(S3Endpoint, Forms) {
  auto plain = http::parse_endpoint("http://127.0.0.1:9000");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 9000);
  EXPECT_EQ(http::host_header(*plain), "127.0.0.1:9000");

  auto tls = http::parse_endpoint("https://s3.us-east-1.amazonaws.com/");
  ASSERT_TRUE(tls.ok()) << tls.status();
  EXPECT_TRUE(tls->tls);
  EXPECT_EQ(tls->port, 443);
  // The default port is left out of Host, as clients send it and sign it.
  EXPECT_EQ(http::host_header(*tls), "s3.us-east-1.amazonaws.com");

  auto v6 = http::parse_endpoint("http://[::1]:9000");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(http::host_header(*v6), "[::1]:9000");
  EXPECT_FALSE(http::parse_endpoint("http://[::1").ok());
  EXPECT_FALSE(http::parse_endpoint("http://[zz]:1").ok());
  EXPECT_FALSE(http::parse_endpoint("http://:9000").ok());
  EXPECT_FALSE(http::parse_endpoint("http://host:").ok());
}

S3Options valid_options() {
  S3Options o;
  o.bucket = "bucket";
  o.endpoint = "http://127.0.0.1:1";
  o.credentials = S3Credentials{"AKID", "SECRET", ""};
  o.check_bucket = false;
  return o;
}

TEST(S3Options, AddressingFollowsTheEndpoint) {
  auto custom = s3::make_s3_config(valid_options());
  ASSERT_TRUE(custom.ok()) << custom.status();
  EXPECT_TRUE(custom->path_style);
  S3Options aws = valid_options();
  aws.endpoint.clear();
  aws.region = "eu-west-1";
  auto config = s3::make_s3_config(aws);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->path_style);
  EXPECT_TRUE(config->endpoint.tls);
  EXPECT_EQ(config->endpoint.host, "s3.eu-west-1.amazonaws.com");
  aws.bucket = "with.dots";
  config = s3::make_s3_config(aws);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->path_style);
}

TEST(S3Options, BadOptionsAreRefusedBeforeAnyIo) {
  std::vector<S3Options> bad;
  auto with = [&](auto change) {
    S3Options o = valid_options();
    change(o);
    bad.push_back(o);
  };
  with([](S3Options& o) { o.bucket = "NO"; });
  with([](S3Options& o) { o.prefix = "/lead"; });
  with([](S3Options& o) { o.endpoint = "gopher://x"; });
  with([](S3Options& o) { o.region = ""; });
  with([](S3Options& o) { o.credentials = S3Credentials{"", "x", ""}; });
  with([](S3Options& o) { o.credentials = S3Credentials{"a\nb", "x", ""}; });
  with([](S3Options& o) { o.max_attempts = 0; });
  with([](S3Options& o) { o.connect_timeout = std::chrono::milliseconds(0); });
  with([](S3Options& o) { o.backoff_cap = std::chrono::milliseconds(1); });
  with([](S3Options& o) { o.part_size = 1 << 20; });
  with([](S3Options& o) { o.multipart_threshold = 0; });
  for (const S3Options& o : bad) {
    auto store = open_s3_blob_store(o);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), ErrorCode::kInvalidArgument)
        << store.status();
  }
}

TEST(S3Options, CredentialsComeFromTheEnvironmentByDefault) {
  ::setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SECRETENV", 1);
  ::setenv("AWS_SESSION_TOKEN", "TOKENENV", 1);
  S3Options o = valid_options();
  o.credentials.reset();
  auto config = s3::make_s3_config(o);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(config->credentials.secret_access_key, "SECRETENV");
  EXPECT_EQ(config->credentials.session_token, "TOKENENV");
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("AWS_SESSION_TOKEN");
  auto none = s3::make_s3_config(o);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(none.status().message().find("AWS_ACCESS_KEY_ID"),
            std::string::npos);
}

}  // namespace
}  // namespace imagebank
