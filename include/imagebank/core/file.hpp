// The file layer every module shares: an owned descriptor, opening with
// O_CLOEXEC and EINTR retries, a bounded read of a whole file, an atomic and
// durable write, and errno text.
//
// Errors are Status codes whose message names the file and the reason:
// not_found when the file (or a directory on its path) does not exist,
// invalid_argument for an empty path or something that is not a regular file
// where one is needed, limit_exceeded for a file over the caller's bound,
// io_error for everything the system refuses.
//
// Threading: every function may be called from any thread at once; a UniqueFd
// is one owner's, like any other value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"

namespace imagebank {

// A file descriptor, closed when the owner goes away. Move-only; -1 when
// empty.
class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  // Gives up ownership: the caller closes the returned descriptor.
  [[nodiscard]] int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes the owned descriptor (ignoring close()'s error) and owns `fd`.
  void reset(int fd = -1) noexcept;
  // Closes now and returns close()'s errno (0 on success): on some file
  // systems (NFS) a failed write shows up only here. Never retried: Linux
  // has released the descriptor even when close() fails.
  [[nodiscard]] int close() noexcept;

 private:
  int fd_ = -1;
};

// The system's text for an errno value ("No such file or directory").
std::string errno_text(int err);

// Opens `path` with open(2) `flags` (O_CLOEXEC is added) and `mode`,
// retrying EINTR. invalid_argument for an empty path; not_found
// "<path>: no such file" for ENOENT and ENOTDIR; otherwise io_error
// "<path>: cannot open: <reason>".
[[nodiscard]] Result<UniqueFd> open_file(const std::filesystem::path& path,
                                         int flags, unsigned mode = 0);

// An open regular file and its size when it was opened.
struct RegularFile {
  UniqueFd fd;
  std::uint64_t size = 0;
};

// Opens an existing regular file for reading. Errors as open_file, plus
// io_error "<path>: cannot stat: <reason>" and invalid_argument
// "<path>: is a directory" or "<path>: is not a regular file". Never blocks:
// a FIFO without a writer is refused at once, not waited for.
[[nodiscard]] Result<RegularFile> open_regular_file(
    const std::filesystem::path& path);

// The whole content of the regular file at `path`, read once (no copy).
// limit_exceeded naming the file when it holds more than `max_bytes`, whether
// it had them when opened or grew past them while being read; a file that
// grows within the bound is read to its end, one that shrinks gives what is
// left. Pseudo files that report size 0 (procfs) are read to their end.
// Errors of opening as open_regular_file; io_error "<path>: read failed:
// <reason>".
[[nodiscard]] Result<std::vector<std::byte>> read_file(
    const std::filesystem::path& path, std::uint64_t max_bytes);

// Reads `fd` from its current offset to its end: a regular file, a pipe or a
// device, whatever the caller opened. `size_hint` (the size fstat gave, or 0)
// sizes the first allocation. limit_exceeded "<name>: more than the limit of
// <max_bytes> bytes" as soon as one byte more than `max_bytes` has arrived;
// io_error "<name>: read failed: <reason>". For callers that open the file
// their own way (blocking on a FIFO as `cat` does, say).
[[nodiscard]] Result<std::vector<std::byte>> read_all(int fd,
                                                      std::uint64_t size_hint,
                                                      std::uint64_t max_bytes,
                                                      std::string_view name);

// write(2)s all of `data` to `fd`, retrying EINTR and short writes. io_error
// "<name>: cannot write: <reason>".
[[nodiscard]] Status write_all(int fd, std::span<const std::byte> data,
                               std::string_view name);

// Replaces the file at `path` with `data` atomically and durably: writes a new
// temporary file next to it, fsyncs it, renames it over `path` and fsyncs the
// directory. Readers see the old content or the new, never a mix; after a
// crash, the old content or the new. On failure `path` is untouched and the
// temporary file is removed. invalid_argument for an empty path; every other
// failure is io_error naming `path` and the reason (a missing directory too).
// The file is created with mode 0644 less the umask.
[[nodiscard]] Status write_file_atomic(const std::filesystem::path& path,
                                       std::span<const std::byte> data);

// The same for content produced by `fill`, which writes to the temporary
// file's descriptor (positioned at 0, opened O_WRONLY; it may seek and
// pwrite) and returns OK or the error to report as it is.
[[nodiscard]] Status write_file_atomic(
    const std::filesystem::path& path,
    const std::function<Status(int fd)>& fill);

}  // namespace imagebank
