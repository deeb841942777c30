// The local-disk BlobStore: each key is a file under a root directory
// ("originals/ab/cd/<sha256>.jpg" is <root>/originals/ab/cd/<sha256>.jpg).
//
// Writes are atomic and durable: the bytes go to a temporary file in the
// object's own directory (created with O_EXCL), which is fsync'ed, renamed
// over the key, and the directory is fsync'ed (so are directories the put had
// to create). A crash leaves at most a temporary file behind; those are named
// ".~ib-tmp.*" - '~' is not a key character, so they are never listed, read
// or removed as objects - and sweep_fs_blob_store_temp_files() deletes the
// stale ones.
//
// Keys cannot escape the root: they are validated (no "..", no absolute
// path) and every path is resolved beneath the root; a symbolic link inside
// the tree that points out of it is refused (`conflict`). Only regular files
// are objects: list() skips directories, symbolic links and files whose name
// is not a valid key segment.
//
// Because a key is a path, "a" and "a/b" cannot both exist: putting one
// while the other exists is `conflict` (the other stores allow it; content-
// addressed keys never do it).
//
// Errors: device failures (ENOSPC, EDQUOT, EIO, EROFS, ...) are `io_error`
// naming the key, the path and the system's reason; the failed write's
// temporary file is removed and the previous object, if any, is untouched.
//
// Threading: as BlobStore; any number of threads and processes may share a
// root (rename is the only publication step).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

struct FsBlobStoreOptions {
  // Create the root (and its missing parents) when it does not exist;
  // otherwise a missing root is `not_found`.
  bool create_root = true;
  // Permission bits of new files and directories (the umask still applies).
  unsigned file_mode = 0644;
  unsigned directory_mode = 0755;
  // Size of the reads a get() hands to its sink.
  std::size_t read_chunk_bytes = 256 * 1024;
  // When set, open_fs_blob_store() first deletes temporary files older than
  // this (see sweep_fs_blob_store_temp_files; it walks the whole tree).
  std::optional<std::chrono::seconds> sweep_temp_files_older_than;
};

// Opens (and with create_root, creates) the store rooted at `root`.
// `invalid_argument` when root is empty or names something that is not a
// directory; `not_found` when it is missing and create_root is off;
// `io_error` when it cannot be created or opened.
Result<std::unique_ptr<BlobStore>> open_fs_blob_store(
    const std::filesystem::path& root, const FsBlobStoreOptions& options = {});

struct FsSweepReport {
  std::size_t removed = 0;  // temporary files deleted
  std::size_t kept = 0;     // temporary files younger than the cutoff
  std::uint64_t removed_bytes = 0;
};

// Deletes the temporary files that writers left under `root` (a crash, a
// kill) whose last modification is older than `older_than`. Writers in
// progress keep theirs fresh, so pick a cutoff well above the longest put
// (an hour is safe). Never follows symbolic links.
Result<FsSweepReport> sweep_fs_blob_store_temp_files(
    const std::filesystem::path& root, std::chrono::seconds older_than);

}  // namespace imagebank
