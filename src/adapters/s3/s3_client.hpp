// Signed S3 REST calls with the retry policy and the mapping of S3 answers
// to imagebank error codes. The BlobStore and the multipart upload are
// written on top of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/s3/retry.hpp"
#include "adapters/s3/sigv4.hpp"
#include "imagebank/adapters/http/client.hpp"
#include "imagebank/adapters/s3_blob_store.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::s3 {

// Default cap on bodies collected in memory (listings, error documents).
inline constexpr std::size_t kMaxXmlBody = 8u << 20;
inline constexpr std::size_t kMaxErrorBody = 64u << 10;

struct S3Config {
  http::Endpoint endpoint;  // as configured (without the bucket)
  std::string bucket;
  std::string prefix;  // validated; "" or "a/b"
  std::string region;
  bool path_style = true;
  S3Credentials credentials;
  http::HttpClientOptions http;
  RetryPolicy retry;
  std::uint64_t multipart_threshold = 16ull << 20;
  std::uint64_t part_size = 8ull << 20;
};

struct S3Call {
  std::string method;
  std::string key;  // the full S3 key (prefix included); "" for the bucket
  std::vector<NameValue> query;    // not encoded
  std::vector<NameValue> headers;  // besides the ones the client adds
  http::BodySource* body = nullptr;
  // Hex SHA-256 of the body when already known; otherwise the body is
  // hashed, or sent as UNSIGNED-PAYLOAD when unsigned_payload_ok and the
  // connection is TLS.
  std::string payload_hash;
  bool unsigned_payload_ok = false;
};

class S3Client {
 public:
  static Result<std::unique_ptr<S3Client>> create(const S3Config& config);

  // Sends `call` with the retry policy. Returns the last answer when it is
  // not retryable (2xx or an error for error_status()); `unavailable` when
  // the attempts ran out on transport failures or retryable answers.
  // `before_retry` may adjust the call between attempts (get() uses it to
  // resume a cut transfer). `what` names the operation in messages
  // ("GET s3://bucket/key").
  Result<http::HttpResponse> call(
      S3Call& call, std::string_view what,
      const http::ResponseSink* sink = nullptr,
      std::size_t max_body = kMaxXmlBody,
      const std::function<void(S3Call&)>& before_retry = {});

  // The Status of a non-2xx answer: 404 not_found, 403 io_error naming the
  // S3 code, 416 invalid_argument, 409/412 conflict, others io_error.
  Status error_status(const http::HttpResponse& response,
                      std::string_view what) const;

  // "s3://bucket/<full key>".
  std::string uri_of(std::string_view full_key) const;
  const S3Config& config() const { return config_; }
  bool tls() const { return config_.endpoint.tls; }

 private:
  explicit S3Client(const S3Config& config) : config_(config) {}
  http::HttpRequest build(const S3Call& call,
                          const std::string& payload_hash) const;

  S3Config config_;
  http::Endpoint connect_endpoint_;
  std::unique_ptr<http::HttpClient> http_;
};

}  // namespace imagebank::s3
