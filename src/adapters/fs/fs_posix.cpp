#include "adapters/fs/fs_posix.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace imagebank::fs_internal {
namespace {

constexpr std::size_t kCopyChunk = 1u << 20;

int openat2_beneath(int root_fd, const char* path, int flags, unsigned mode) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags);
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd = -1;
  do {
    fd = ::syscall(SYS_openat2, root_fd, path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

int openat_retry(int dir_fd, const char* name, int flags, unsigned mode) {
  int fd = -1;
  do {
    fd = ::openat(dir_fd, name, flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd < 0 ? -errno : fd;
}

// Applies the armed WriteFault to a write of `size` bytes: returns how many
// of them may go through, and whether the write must then fail.
std::size_t fault_allowance(std::size_t size, bool& fail) {
  fail = false;
  WriteFault& fault = write_fault();
  const long long limit =
      fault.fail_after_bytes.load(std::memory_order_relaxed);
  if (limit < 0) return size;
  const long long done = fault.written.load();
  if (done + static_cast<long long>(size) <= limit) {
    fault.written.fetch_add(static_cast<long long>(size));
    return size;
  }
  fail = true;
  fault.disarm();
  return static_cast<std::size_t>(std::max(0LL, limit - done));
}

int write_loop(int fd, const std::byte* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // a regular file never accepts nothing
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

int read_write_copy(int src_fd, int dst_fd, bool& source_failed) {
  std::vector<std::byte> buffer(kCopyChunk);
  for (;;) {
    const ssize_t n = ::read(src_fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      source_failed = true;
      return errno;
    }
    if (n == 0) return 0;
    if (const int err = write_all(
            dst_fd, std::span(buffer.data(), static_cast<std::size_t>(n))))
      return err;
  }
}

// Whether a failed in-kernel copy should fall back to a plainer method
// (the call is unsupported for this pair of files) rather than fail.
bool unsupported_copy(int err) {
  return err == EXDEV || err == EINVAL || err == ENOSYS || err == EOPNOTSUPP ||
         err == ENOTSUP || err == EBADF || err == EPERM;
}

}  // namespace

Resolver detect_resolver(int root_fd) {
  const UniqueFd fd(
      openat2_beneath(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0));
  if (fd.valid()) return Resolver::kOpenat2;
  // ENOSYS: an old kernel; EPERM: a seccomp filter that does not know it.
  return Resolver::kComponentWalk;
}

int open_beneath(Resolver resolver, int root_fd, std::string_view relative,
                 int flags, unsigned mode) {
  const std::string path = relative.empty() ? "." : std::string(relative);
  if (resolver == Resolver::kOpenat2) {
    return openat2_beneath(root_fd, path.c_str(), flags, mode);
  }
  // Walk the directories with O_NOFOLLOW, then open the last component
  // with O_NOFOLLOW too. Keys are validated: no "", "." or ".." segments.
  UniqueFd dir;
  int current = root_fd;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string part = path.substr(
        start, slash == std::string::npos ? std::string::npos : slash - start);
    if (slash == std::string::npos) {
      return openat_retry(current, part.c_str(), flags | O_NOFOLLOW, mode);
    }
    const int next =
        openat_retry(current, part.c_str(),
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (next < 0) return next;
    dir.reset(next);
    current = next;
    start = slash + 1;
  }
}

int write_all(int fd, std::span<const std::byte> data) {
  bool fail = false;
  const std::size_t allowed = fault_allowance(data.size(), fail);
  if (const int err = write_loop(fd, data.data(), allowed)) return err;
  return fail ? write_fault().error.load() : 0;
}

int pread_exact(int fd, std::span<std::byte> data, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pread(fd, data.data() + done, data.size() - done,
                              static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return -1;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

int sync_fd(int fd, bool data_only) {
  for (;;) {
    const int rc = data_only ? ::fdatasync(fd) : ::fsync(fd);
    if (rc == 0) return 0;
    if (errno != EINTR) return errno;
  }
}

namespace {

// Copies with one in-kernel call (copy_file_range or sendfile) until the end
// of the source. Returns 0 when done, an errno on failure, or -1 when the
// call cannot serve these files (nothing copied yet): the caller tries the
// next way.
template <typename Copy>
int kernel_copy(Copy copy, bool& source_failed) {
  bool first = true;
  for (;;) {
    const ssize_t n = copy();
    if (n > 0) {
      first = false;
      continue;
    }
    if (n == 0) {
      // End of file - or, on the first call, possibly a pseudo file (procfs,
      // sysfs) that reports size 0 to the kernel's copy: let read() decide.
      return first ? -1 : 0;
    }
    if (errno == EINTR) continue;
    if (!first || !unsupported_copy(errno)) {
      // We cannot tell which side failed; ENOSPC/EDQUOT/EFBIG/EROFS are the
      // destination's, others are most likely the source's.
      source_failed = errno != ENOSPC && errno != EDQUOT && errno != EFBIG &&
                      errno != EROFS;
      return errno;
    }
    return -1;
  }
}

}  // namespace

int copy_fd(int src_fd, int dst_fd, bool& source_failed) {
  source_failed = false;
  // The fault hook counts bytes through write_all only, so an armed test
  // goes the read/write way.
  if (write_fault().fail_after_bytes.load() < 0) {
    int rc = kernel_copy(
        [&] {
          return ::copy_file_range(src_fd, nullptr, dst_fd, nullptr, kCopyChunk,
                                   0);
        },
        source_failed);
    if (rc < 0) {
      rc = kernel_copy(
          [&] { return ::sendfile(dst_fd, src_fd, nullptr, kCopyChunk); },
          source_failed);
    }
    if (rc >= 0) return rc;
  }
  return read_write_copy(src_fd, dst_fd, source_failed);
}

Status io_status(std::string_view what, int err) {
  return io_error(std::string(what) + ": " + errno_text(err));
}

WriteFault& write_fault() {
  static WriteFault fault;
  return fault;
}

}  // namespace imagebank::fs_internal
