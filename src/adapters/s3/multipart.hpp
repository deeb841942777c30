// Multipart upload: objects above the threshold go up in parts, and the
// upload is aborted on any failure, so a partial object never becomes
// visible (S3 shows the object only after CompleteMultipartUpload).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/s3/s3_client.hpp"
#include "adapters/s3/xml.hpp"
#include "imagebank/adapters/http/body.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::s3 {

inline constexpr std::uint64_t kMinPartSize = 5ull << 20;
inline constexpr std::uint64_t kMaxPartSize = 5ull << 30;
inline constexpr std::uint64_t kMaxParts = 10'000;

// The part size for an object of `total` bytes: `preferred`, raised (to a
// whole MiB) until the object fits in kMaxParts parts.
std::uint64_t choose_part_size(std::uint64_t total, std::uint64_t preferred);

// Makes the body of the part [offset, offset + length).
using PartSourceFactory = std::function<std::unique_ptr<http::BodySource>(
    std::uint64_t offset, std::uint64_t length)>;

// Uploads `total` bytes under `full_key` in parts of `part_size`.
// unsigned_payload_ok: parts may go as UNSIGNED-PAYLOAD over TLS.
Status multipart_upload(S3Client& client, const std::string& full_key,
                        std::uint64_t total, std::uint64_t part_size,
                        const PartSourceFactory& make_part,
                        bool unsigned_payload_ok);

// Pending (neither completed nor aborted) uploads under a full-key prefix,
// every page of them; for tests and for cleaning up after crashed writers.
// The bucket's whole listing is read and filtered here: MinIO answers a
// `prefix` that is not a whole key with nothing.
Result<std::vector<PendingUpload>> list_multipart_uploads(
    S3Client& client, const std::string& full_prefix);

Status abort_multipart_upload(S3Client& client, const std::string& full_key,
                              const std::string& upload_id);

}  // namespace imagebank::s3
