// POSIX plumbing of the local-disk BlobStore: loops that survive EINTR and
// short transfers (with the failure hook the tests use), path resolution
// beneath a root, and in-kernel copies. Internal to the fs adapter; owned
// descriptors and errno text come from the core file layer.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "imagebank/core/file.hpp"
#include "imagebank/core/status.hpp"

namespace imagebank::fs_internal {

// Descriptors are owned by the core's UniqueFd (imagebank/core/file.hpp).
using imagebank::UniqueFd;

// How paths are resolved beneath the root. openat2(RESOLVE_BENEATH) lets
// symbolic links that stay inside the root work and refuses the others in
// one system call; where the kernel lacks it, components are opened one by
// one with O_NOFOLLOW, which refuses every symbolic link.
enum class Resolver { kOpenat2, kComponentWalk };
Resolver detect_resolver(int root_fd);

// Opens `relative` (a validated key or a directory part of one; "" is the
// root itself) beneath root_fd. Returns the descriptor or -errno. ELOOP or
// EXDEV mean a symbolic link would leave the root (or, for kComponentWalk,
// that there is a symbolic link at all).
int open_beneath(Resolver resolver, int root_fd, std::string_view relative,
                 int flags, unsigned mode = 0);

// write() all of `data`, retrying EINTR and short writes. 0 or an errno.
int write_all(int fd, std::span<const std::byte> data);
// pread() exactly data.size() bytes at `offset`. 0, an errno, or -1 when
// the file ended first.
int pread_exact(int fd, std::span<std::byte> data, std::uint64_t offset);
// fsync()/fdatasync(), retrying EINTR. 0 or an errno.
int sync_fd(int fd, bool data_only);

// Copies all of src_fd (from its start) to dst_fd: copy_file_range where the
// kernel allows, then sendfile, then read/write. 0 or an errno; on failure
// `source_failed` says whether reading the source (rather than writing) went
// wrong.
int copy_fd(int src_fd, int dst_fd, bool& source_failed);

// io_error "<what>: <errno_text(err)>" for device failures.
Status io_status(std::string_view what, int err);

// Fault injection for the tests: once armed, the write that would cross
// `fail_after_bytes` (counted across writes since arming) writes up to that
// point and fails with `error`. Disarmed after firing. Costs one relaxed
// atomic load per write when idle.
struct WriteFault {
  std::atomic<long long> fail_after_bytes{-1};
  std::atomic<int> error{0};
  std::atomic<long long> written{0};
  void arm(long long after_bytes, int err) {
    written.store(0);
    error.store(err);
    fail_after_bytes.store(after_bytes);
  }
  void disarm() { fail_after_bytes.store(-1); }
};
WriteFault& write_fault();

}  // namespace imagebank::fs_internal
