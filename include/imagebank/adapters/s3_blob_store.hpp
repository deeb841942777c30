// The S3-compatible BlobStore: objects live in a bucket of Amazon S3 or of any
// server that speaks its REST API (MinIO, Ceph RGW, ...), under an optional
// key prefix ("s3://bank/photos" stores "originals/ab/..." as the S3 key
// "photos/originals/ab/...").
//
// How the BlobStore contract maps onto S3:
// - put() is one PutObject (S3 makes it visible atomically) or, above
//   multipart_threshold, a multipart upload that is aborted on any failure,
//   so no partial object ever becomes visible.
// - put_file() streams the file (one part at a time for multipart), so large
//   files are never held in memory. Over plain http every payload is hashed
//   and signed; over https a streamed file is sent as UNSIGNED-PAYLOAD (TLS
//   protects it) to avoid reading it twice.
// - get() streams the body to the sink; a transfer cut midway is resumed
//   with a Range request pinned to the object's ETag (If-Match).
// - Requests are signed with AWS Signature Version 4.
//
// Errors: a missing key or bucket is `not_found`; a refusal by the server
// (403: bad credentials, denied policy) is `io_error` naming the key and the
// S3 error code, and is not retried; connection failures, timeouts, 5xx and
// 429 answers are retried with exponential backoff and full jitter, up to
// max_attempts, then become `unavailable`; a response that cannot be parsed
// is `corrupt_data`. Every connect, read and write has a deadline, so an
// unreachable or silent server ends in `unavailable`, never in a hang.
//
// Threading: as BlobStore (any number of threads on one instance; each
// request takes its own connection from a small keep-alive pool).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none (long-term keys)
};

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (unset
// variables give empty fields).
S3Credentials s3_credentials_from_env();

enum class S3Addressing {
  // Path-style for a custom endpoint and for bucket names with dots (they
  // break TLS wildcard certificates), virtual-host style for AWS otherwise.
  kAuto,
  kPath,         // http://endpoint/bucket/key
  kVirtualHost,  // http://bucket.endpoint/key
};

struct S3Options {
  std::string bucket;
  // Key prefix inside the bucket, without leading or trailing '/'; empty
  // for the whole bucket. Same character rules as blob keys.
  std::string prefix;
  // "http://127.0.0.1:9000" or "https://host[:port]" (scheme, host and an
  // optional port; nothing else). Empty: https://s3.<region>.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";
  S3Addressing addressing = S3Addressing::kAuto;
  // Unset: read from the environment when the store is opened.
  std::optional<S3Credentials> credentials;

  // Bounds the TCP connect plus the TLS handshake of one attempt.
  std::chrono::milliseconds connect_timeout{5000};
  // Bounds every single read or write of a request: a stalled server is
  // detected within this time, while a long transfer that keeps moving is
  // never cut off.
  std::chrono::milliseconds request_timeout{30000};
  // Attempts per request (1 = no retry). Retries wait a random time in
  // [0, min(backoff_cap, backoff_base * 2^(attempt-1))] ("full jitter").
  int max_attempts = 4;
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_cap{5000};

  // Objects larger than this go up as multipart uploads of part_size parts
  // (S3: parts of 5 MiB to 5 GiB, at most 10,000 of them; the part size is
  // raised as needed to stay under that count).
  std::uint64_t multipart_threshold = 16ull << 20;
  std::uint64_t part_size = 8ull << 20;

  // TLS (https endpoints): the server's certificate is verified against the
  // system's trust store, or against ca_file when set.
  bool verify_tls = true;
  std::string ca_file;

  // At open: check that the bucket exists (HEAD), and create it when it does
  // not and create_bucket is set. Without the check, open does no I/O.
  bool check_bucket = true;
  bool create_bucket = false;
};

// Parses "s3://bucket[/prefix][?key=value&...]". Query keys: endpoint,
// region, addressing (auto|path|virtual), verify_tls (true|false), ca_file,
// connect_timeout_ms, request_timeout_ms, max_attempts, multipart_threshold
// and part_size (bytes), create_bucket (true|false), check_bucket
// (true|false). Values are percent-decoded.
// Credentials are never taken from a URI (URIs end up in logs); they come
// from S3Options::credentials or the environment. `invalid_argument` names
// the URI and the reason: bad bucket name (S3 rules: 3-63 characters of
// [a-z0-9.-], starting and ending with a letter or digit, no "..", not an IP
// address), bad prefix, endpoint scheme other than http/https, unknown or
// repeated query key, malformed value.
Result<S3Options> parse_s3_uri(std::string_view uri);

// Opens the store. `invalid_argument` for bad options (the same rules as
// parse_s3_uri, plus missing credentials and part sizes out of S3's range);
// with check_bucket, `not_found` when the bucket does not exist (and
// create_bucket is off), `io_error` when the server refuses the credentials,
// `unavailable` when the endpoint cannot be reached after the retries.
Result<std::unique_ptr<BlobStore>> open_s3_blob_store(const S3Options& options);

// Aborts the multipart uploads under the store's prefix that were started
// more than `older_than` ago and never completed: those of a writer killed
// midway, or whose abort failed because the server was down at the time
// (S3 keeps, and bills, their parts until they are aborted; the objects
// themselves never became visible). Returns how many were aborted; a store
// that is not S3 has none (0). An upload younger than `older_than` may
// still be in flight, so give an age longer than any upload takes, or 0
// only when no writer is running. invalid_argument for a negative age;
// unavailable / io_error as the store's calls.
Result<std::int64_t> abort_stale_uploads(BlobStore& store,
                                         std::chrono::milliseconds older_than);

}  // namespace imagebank
