// BlobStore: where the bytes of originals and variants live.
//
// A blob store maps keys ("originals/ab/cd/<sha256>.jpg") to immutable byte
// strings. Adapters: local disk (`file:///abs/path`), S3-compatible object
// storage (`s3://bucket/prefix?...`) and memory (tests). The ingest pipeline,
// the CLI, Python and the server see only this interface.
//
// Semantics every adapter keeps (the conformance suite checks them):
// - put() is atomic: a reader sees either no object or the whole new one,
//   never a prefix, also when the write fails midway or the process dies.
//   Writing an existing key replaces it (content-addressed keys make that a
//   no-op in practice).
// - Keys are validated before any I/O (validate_blob_key); a bad key is
//   `invalid_argument` and touches nothing.
// - get()/head() of a missing key is `not_found`; remove() of a missing key
//   is OK (deleting is idempotent, as in S3).
// - Failures of the device or the network are `io_error`; an endpoint that
//   stays unreachable after the adapter's bounded retries is `unavailable`.
//
// Threading: every method may be called concurrently from several threads on
// one instance. Instances are not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank {

// A byte range of an object: `length` bytes from `offset`; no length = to the
// end. A range starting past the end is `invalid_argument`; one running past
// the end is clipped (as HTTP ranges are).
struct ByteRange {
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
};

// The part of an object of `size` bytes that `range` selects, by the
// interface's rules (for adapters, and for serving HTTP Range requests): an
// offset past the end is `invalid_argument` naming `key`, an offset at the
// end selects nothing, a length running past the end is clipped.
struct ResolvedRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};
Result<ResolvedRange> resolve_range(std::string_view key, std::uint64_t size,
                                    const ByteRange& range);

// `key` quoted for an error message or a log: bytes outside printable ASCII
// escaped, keys past 200 bytes cut with "...".
std::string quote_blob_key(std::string_view key);

struct BlobInfo {
  std::string key;
  std::uint64_t size = 0;
  // Milliseconds since the Unix epoch (0 when the store does not know).
  std::int64_t modified_ms = 0;
};

struct BlobListPage {
  std::vector<BlobInfo> blobs;  // in key order (bytewise)
  // Pass back as `start_after` for the next page; empty on the last page.
  std::string next_start_after;
};

// Receives the bytes of a streamed get(), in order. Returning an error stops
// the transfer and becomes the result of get().
using BlobSink = std::function<Status(std::span<const std::byte>)>;

class BlobStore {
 public:
  BlobStore() = default;
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;
  virtual ~BlobStore() = default;

  // Stores `data` under `key`, atomically and durably (on return the object
  // survives a crash of the process or, for the local disk, of the machine).
  virtual Status put(std::string_view key, std::span<const std::byte> data) = 0;
  // Stores the contents of a local file under `key`, streaming it (large
  // files are never read whole into memory). Same guarantees as put().
  virtual Status put_file(std::string_view key,
                          const std::filesystem::path& file) = 0;

  // Streams the object (or a range of it) to `sink`.
  virtual Status get(std::string_view key, const BlobSink& sink,
                     ByteRange range = {}) = 0;
  virtual Result<BlobInfo> head(std::string_view key) = 0;
  virtual Status remove(std::string_view key) = 0;
  // Up to `max_keys` objects whose key starts with `prefix` and sorts after
  // `start_after`.
  virtual Result<BlobListPage> list(std::string_view prefix,
                                    std::string_view start_after = {},
                                    std::size_t max_keys = 1000) = 0;

  // "file:///srv/bank/files", "s3://bucket/prefix", "memory:": for messages.
  virtual std::string uri() const = 0;

  // The whole object (or range) in memory: get() into a vector.
  Result<std::vector<std::byte>> get_bytes(std::string_view key,
                                           ByteRange range = {});
};

// Keys: 1-1024 bytes of [A-Za-z0-9._-/]; '/' separates segments; no empty,
// "." or ".." segment; no leading or trailing '/'. Such keys are safe as
// relative paths under a root on every file system and need no escaping in an
// S3 URL. `invalid_argument` names the key and the reason.
Status validate_blob_key(std::string_view key);

// "originals/ab/cd/<sha256>.<ext>" (sha256: 64 lowercase hex digits; ext:
// "jpg", "png", ...).
Result<std::string> original_blob_key(std::string_view sha256_hex,
                                      std::string_view extension);
// Variant keys come from variant_key() (imagebank/variants/variants.hpp).

// An in-memory store (uri "memory:"): the test double of the interface, and a
// scratch store for tools. Thread-safe.
std::unique_ptr<BlobStore> make_memory_blob_store();

}  // namespace imagebank
