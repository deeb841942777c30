// The readers of S3's XML answers, on good documents and on garbage.
#include <gtest/gtest.h>

#include <string>

#include "adapters/s3/multipart.hpp"
#include "adapters/s3/retry.hpp"
#include "adapters/s3/xml.hpp"

namespace imagebank::s3 {
namespace {

TEST(S3Xml, ListObjectsV2) {
  const std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount>"
      "<MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>tok+/=</NextContinuationToken>"
      "<Contents><Key>p/a&amp;b</Key><LastModified>2026-11-27T14:20:00.123Z"
      "</LastModified><ETag>&quot;x&quot;</ETag><Size>42</Size></Contents>"
      "<Contents><Key>p/c</Key><LastModified>1970-01-01T00:00:01Z"
      "</LastModified><Size>0</Size></Contents>"
      "</ListBucketResult>";
  auto page = parse_list_objects_v2(doc);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "tok+/=");
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "p/a&b");
  EXPECT_EQ(page->objects[0].size, 42u);
  EXPECT_EQ(page->objects[0].modified_ms, 1795789200123LL);
  EXPECT_EQ(page->objects[1].modified_ms, 1000);
}

TEST(S3Xml, GarbageIsCorruptData) {
  for (const std::string& doc : {
           std::string(""),
           std::string("not xml"),
           std::string("<ListBucketResult><IsTruncated>true"),
           std::string("<Other/>"),
           std::string("<ListBucketResult><IsTruncated>maybe</IsTruncated>"
                       "</ListBucketResult>"),
           std::string("<ListBucketResult><IsTruncated>false</IsTruncated>"
                       "<Contents><Size>1</Size></Contents>"
                       "</ListBucketResult>"),
           std::string("<ListBucketResult><IsTruncated>false</IsTruncated>"
                       "<Contents><Key>k</Key><Size>-1</Size></Contents>"
                       "</ListBucketResult>"),
           std::string("<ListBucketResult><IsTruncated>true</IsTruncated>"
                       "</ListBucketResult>"),
           // Entity expansion needs a DOCTYPE: refused outright.
           std::string("<!DOCTYPE l [<!ENTITY a \"aaaaaaaa\">]>"
                       "<ListBucketResult>&a;</ListBucketResult>"),
       }) {
    auto page = parse_list_objects_v2(doc);
    ASSERT_FALSE(page.ok()) << doc;
    EXPECT_EQ(page.status().code(), ErrorCode::kCorruptData) << page.status();
  }
}

TEST(S3Xml, DeepOrHugeTreesAreRefused) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  EXPECT_EQ(parse_xml(deep, "t").status().code(), ErrorCode::kCorruptData);
  std::string wide = "<r>";
  for (std::size_t i = 0; i < kMaxXmlElements + 1; ++i) wide += "<e/>";
  wide += "</r>";
  EXPECT_EQ(parse_xml(wide, "t").status().code(), ErrorCode::kCorruptData);
}

TEST(S3Xml, ErrorBodies) {
  auto e = parse_error_body(
      "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The "
      "specified key does not exist.</Message><Key>k</Key></Error>");
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_TRUE(parse_error_body("").code.empty());
  EXPECT_TRUE(parse_error_body("<html>502</html>").code.empty());
  EXPECT_TRUE(parse_error_body("\x01\x02garbage").code.empty());
  // Server text is cut and cleaned before it reaches a message.
  auto long_message =
      parse_error_body("<Error><Code>X</Code><Message>" +
                       std::string(5000, 'm') + "&#10;</Message></Error>");
  EXPECT_LE(long_message.message.size(), 310u);
}

TEST(S3Xml, MultipartDocuments) {
  auto id = parse_initiate_multipart(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>abc-123</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "abc-123");
  EXPECT_FALSE(
      parse_initiate_multipart("<InitiateMultipartUploadResult/>").ok());
  auto uploads = parse_list_multipart_uploads(
      "<ListMultipartUploadsResult><Upload><Key>k</Key><UploadId>u1</UploadId>"
      "</Upload></ListMultipartUploadsResult>");
  ASSERT_TRUE(uploads.ok()) << uploads.status();
  ASSERT_EQ(uploads->uploads.size(), 1u);
  EXPECT_EQ(uploads->uploads[0].upload_id, "u1");
  EXPECT_EQ(uploads->uploads[0].initiated_ms, -1);
  EXPECT_FALSE(uploads->truncated);

  // A page of a longer listing: the markers where the next one starts.
  auto page = parse_list_multipart_uploads(
      "<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/"
      "2006-03-01/\"><IsTruncated>true</IsTruncated>"
      "<NextKeyMarker>a/b.jpg</NextKeyMarker>"
      "<NextUploadIdMarker>u9</NextUploadIdMarker>"
      "<Upload><Key>a/b.jpg</Key><UploadId>u9</UploadId>"
      "<Initiated>2026-12-07T17:18:13.433Z</Initiated></Upload>"
      "</ListMultipartUploadsResult>");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_key_marker, "a/b.jpg");
  EXPECT_EQ(page->next_upload_id_marker, "u9");
  ASSERT_EQ(page->uploads.size(), 1u);
  EXPECT_EQ(page->uploads[0].initiated_ms, 1796663893433LL);
  // Truncated with nowhere to go on from: refused, not looped on.
  EXPECT_FALSE(parse_list_multipart_uploads(
                   "<ListMultipartUploadsResult><IsTruncated>true</IsTruncated>"
                   "</ListMultipartUploadsResult>")
                   .ok());
}

TEST(S3Xml, Dates) {
  EXPECT_EQ(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            784111777000LL);
  EXPECT_EQ(parse_http_date_ms("Sun, 06 Foo 1994 08:49:37 GMT"), -1);
  EXPECT_EQ(parse_http_date_ms("garbage"), -1);
  EXPECT_EQ(parse_iso8601_ms("1994-11-06T08:49:37.5Z"), 784111777500LL);
  EXPECT_EQ(parse_iso8601_ms("1994-11-06T08:49:37"), -1);
  EXPECT_EQ(parse_iso8601_ms("1994-13-06T08:49:37Z"), -1);
}

TEST(S3Multipart, PartSizeStaysUnderTheCountLimit) {
  EXPECT_EQ(choose_part_size(40ull << 20, 8ull << 20), 8ull << 20);
  EXPECT_EQ(choose_part_size(1ull << 20, 1), kMinPartSize);
  // 1 TiB in at most 10,000 parts: at least 105 MiB each (whole MiB).
  const std::uint64_t part = choose_part_size(1ull << 40, 8ull << 20);
  EXPECT_LE((1ull << 40) / part + 1, kMaxParts);
  EXPECT_EQ(part % (1 << 20), 0u);
}

TEST(S3Retry, FullJitterBackoffIsBoundedAndGrows) {
  const RetryPolicy policy{4, std::chrono::milliseconds(100),
                           std::chrono::milliseconds(1000)};
  EXPECT_EQ(backoff_delay(policy, 1, 0.0).count(), 0);
  EXPECT_EQ(backoff_delay(policy, 1, 0.999).count(), 99);
  EXPECT_EQ(backoff_delay(policy, 2, 0.5).count(), 100);
  EXPECT_EQ(backoff_delay(policy, 3, 0.5).count(), 200);
  EXPECT_EQ(backoff_delay(policy, 10, 0.5).count(), 500);    // capped at 1000
  EXPECT_EQ(backoff_delay(policy, 1000, 0.5).count(), 500);  // no overflow
  for (int i = 0; i < 100; ++i) {
    EXPECT_LE(backoff_delay(policy, 5).count(), 1000);
  }
  EXPECT_TRUE(is_retryable_answer(503, "SlowDown"));
  EXPECT_TRUE(is_retryable_answer(500, ""));
  EXPECT_TRUE(is_retryable_answer(429, ""));
  EXPECT_TRUE(is_retryable_answer(400, "RequestTimeout"));
  EXPECT_FALSE(is_retryable_answer(403, "SignatureDoesNotMatch"));
  EXPECT_FALSE(is_retryable_answer(404, "NoSuchKey"));
}

}  // namespace
}  // namespace imagebank::s3
