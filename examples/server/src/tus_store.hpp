// TusStore: the resumable uploads of the tus 1.0.0 protocol, on disk, so an
// upload goes on after a client or a server restart.
//
// Each upload is two files in the store's folder: `<id>.json` (length,
// batch, name, metadata, expiry; rewritten atomically) and `<id>.part` (the
// bytes received so far; its size is the offset). A PATCH body is spooled
// by the session and then appended here (renamed into place when it is the
// whole upload from offset 0, which is the common case). When the offset
// reaches the length, the file is handed to the batch (Ingestor::
// receive_upload) and the part is removed; the record stays until it
// expires so a client asking for the offset sees the upload complete.
//
// Threading: every call may come from any worker; calls on one upload are
// serialised.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "http_types.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/ingest/ingest.hpp"

namespace imagebank::server {

struct TusUpload {
  std::string id;  // 32 hex digits
  std::uint64_t length = 0;
  std::uint64_t offset = 0;
  RowId batch_id = 0;
  std::string name;      // the file's name (relativePath when sent)
  std::string metadata;  // Upload-Metadata as the client sent it
  std::string owner;     // the API key's prefix
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  // Set once handed to the batch.
  std::optional<RowId> job_id;
  std::string job_state;
  // Set when the batch refused it for good (it stopped receiving, the name
  // is not usable): the upload is over, and this says why.
  std::string failure;
  bool complete() const noexcept { return offset == length; }
};

// Whether a hand-over that failed with `code` can never succeed (the batch
// refused the file), as opposed to storage or catalog trouble (retried).
bool permanent_hand_over_failure(ErrorCode code) noexcept;

// Upload-Metadata: comma-separated "key base64value" pairs (the value may be
// absent). invalid_argument for a malformed list, a repeated key or a value
// that is not base64.
Result<std::map<std::string, std::string>> parse_upload_metadata(
    std::string_view header);
// Strict standard base64 (padding required when the length needs it).
Result<std::string> base64_decode(std::string_view text);

// Upload-Checksum: "<algorithm> <base64 digest>", sha1 or sha256.
struct UploadChecksum {
  std::string algorithm;
  std::string digest;  // raw bytes
};
Result<UploadChecksum> parse_upload_checksum(std::string_view header);

class TusStore {
 public:
  // `dir` is created; `ingestor` receives completed uploads.
  static Result<std::unique_ptr<TusStore>> open(std::filesystem::path dir,
                                                Ingestor& ingestor,
                                                std::chrono::hours expiry);

  // A new upload of `length` bytes for the batch (which must be an upload
  // batch that receives: not_found / conflict otherwise).
  Result<TusUpload> create(std::uint64_t length, RowId batch_id,
                           std::string name, std::string metadata,
                           std::string owner);
  // not_found for an unknown (or expired and swept) id. An upload whose
  // bytes are all in but whose hand-over failed is handed over again here:
  // its error when that fails again (transient), or the upload with
  // `failure` set (for good).
  Result<TusUpload> get(std::string_view id);
  // Appends the spooled chunk at `offset` (conflict when it is not the
  // upload's offset; limit_exceeded when it would pass the length). With a
  // checksum that does not match, the chunk is dropped, *mismatch is set and
  // the upload is returned as it was. A partial chunk (the client left) is
  // kept unless a checksum was given. Hands the upload over once complete
  // (an error then: the bytes are kept, and sweep() retries).
  Result<TusUpload> append(std::string_view id, std::uint64_t offset,
                           const UploadedFile& chunk,
                           const std::optional<UploadChecksum>& checksum,
                           bool* mismatch);
  // Termination: the upload and its bytes are gone.
  Status remove(std::string_view id);
  // Removes expired uploads (and records that cannot be read, leftovers of
  // a crash, once as old as the expiry); retries hand-overs that failed.
  // Returns how many uploads were removed.
  std::size_t sweep();

  std::chrono::hours expiry() const noexcept { return expiry_; }

 private:
  TusStore(std::filesystem::path dir, Ingestor& ingestor,
           std::chrono::hours expiry);
  std::shared_ptr<std::mutex> lock_for(const std::string& id);
  Result<TusUpload> load(const std::string& id);
  Status save(const TusUpload& upload);
  // Hands a complete upload to its batch. A permanent failure is recorded
  // in the upload (and is not an error here); a transient one is returned.
  Status hand_over(TusUpload& upload, const std::string& sha256);

  std::filesystem::path dir_;
  Ingestor& ingestor_;
  std::chrono::hours expiry_;
  std::mutex mu_;
  std::map<std::string, std::weak_ptr<std::mutex>> locks_;
};

}  // namespace imagebank::server
