#include "imagebank/core/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

namespace imagebank {
namespace {

// Growth step when an input outgrows the size it claimed.
constexpr std::size_t kGrowBytes = 64 * 1024;

std::atomic<unsigned> g_temp_counter{0};

// strerror_r has two signatures (XSI returns 0 or an error number and fills
// buf; GNU returns the text, in buf or static storage); the overload picks
// whichever this libc has. strerror() itself is not thread-safe.
[[maybe_unused]] const char* strerror_result(int rc, const char* buf) {
  return rc == 0 ? buf : nullptr;
}
[[maybe_unused]] const char* strerror_result(const char* text, const char*) {
  return text;
}

// The directory entry of a rename is durable only once its directory is
// flushed.
Status sync_parent(const std::filesystem::path& path, const std::string& name) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  int fd;
  do {
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  int err = fd < 0 ? errno : 0;
  if (fd >= 0) {
    UniqueFd dir_fd(fd);
    while (::fsync(fd) != 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
  }
  if (err == 0) return ok_status();
  return io_error(name + ": saved, but cannot flush its directory " +
                  dir.string() +
                  " (the rename may not survive a crash): " + errno_text(err));
}

}  // namespace

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

int UniqueFd::close() noexcept {
  if (fd_ < 0) return 0;
  return ::close(release()) == 0 ? 0 : errno;
}

std::string errno_text(int err) {
  char buf[256];
  buf[0] = '\0';
  const char* text = strerror_result(::strerror_r(err, buf, sizeof buf), buf);
  if (text == nullptr || *text == '\0') {
    return "error " + std::to_string(err);
  }
  return text;
}

Result<UniqueFd> open_file(const std::filesystem::path& path, int flags,
                           unsigned mode) {
  if (path.empty()) return invalid_argument_error("empty file path");
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return not_found_error(path.string() + ": no such file");
    }
    return io_error(path.string() + ": cannot open: " + errno_text(err));
  }
  return UniqueFd(fd);
}

Result<RegularFile> open_regular_file(const std::filesystem::path& path) {
  // O_NONBLOCK lets a FIFO open without a writer so the check below refuses
  // it; it changes nothing for a regular file.
  IMAGEBANK_ASSIGN_OR_RETURN(UniqueFd fd,
                             open_file(path, O_RDONLY | O_NONBLOCK));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    return io_error(path.string() + ": cannot stat: " + errno_text(err));
  }
  if (!S_ISREG(st.st_mode)) {
    return invalid_argument_error(
        path.string() +
        (S_ISDIR(st.st_mode) ? ": is a directory" : ": is not a regular file"));
  }
  return RegularFile{std::move(fd), static_cast<std::uint64_t>(st.st_size)};
}

Result<std::vector<std::byte>> read_file(const std::filesystem::path& path,
                                         std::uint64_t max_bytes) {
  IMAGEBANK_ASSIGN_OR_RETURN(RegularFile file, open_regular_file(path));
  const std::string name = path.string();
  if (file.size > max_bytes) {
    return limit_exceeded_error(name + ": " + std::to_string(file.size) +
                                " bytes, more than the limit of " +
                                std::to_string(max_bytes));
  }
  return read_all(file.fd.get(), file.size, max_bytes, name);
}

Result<std::vector<std::byte>> read_all(int fd, std::uint64_t size_hint,
                                        std::uint64_t max_bytes,
                                        std::string_view name) {
  // Room for one byte past the bound: reading it proves the input too large.
  const std::uint64_t cap =
      std::min<std::uint64_t>(max_bytes,
                              std::numeric_limits<std::size_t>::max() - 1) +
      1;
  // One byte past the hint: the read that finds the end lands in the
  // buffer, so an input of the size it claimed costs one allocation.
  std::vector<std::byte> bytes(
      static_cast<std::size_t>(std::min(size_hint, cap - 1) + 1));
  std::size_t done = 0;
  for (;;) {
    if (done == bytes.size()) {
      if (done >= cap) break;
      const std::uint64_t grown =
          std::max<std::uint64_t>(2 * std::uint64_t{done}, done + kGrowBytes);
      bytes.resize(static_cast<std::size_t>(std::min(grown, cap)));
    }
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      return io_error(std::string(name) + ": read failed: " + errno_text(err));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done > max_bytes) {
    return limit_exceeded_error(std::string(name) +
                                ": more than the limit of " +
                                std::to_string(max_bytes) + " bytes");
  }
  bytes.resize(done);
  return bytes;
}

Status write_all(int fd, std::span<const std::byte> data,
                 std::string_view name) {
  const std::byte* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      return io_error(std::string(name) + ": cannot write: " + errno_text(err));
    }
    if (n == 0) {
      // A regular file never accepts nothing; do not spin on it.
      return io_error(std::string(name) + ": cannot write: " + errno_text(EIO));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return ok_status();
}

Status write_file_atomic(const std::filesystem::path& path,
                         std::span<const std::byte> data) {
  const std::string name = path.string();
  return write_file_atomic(path,
                           [&](int fd) { return write_all(fd, data, name); });
}

Status write_file_atomic(const std::filesystem::path& path,
                         const std::function<Status(int fd)>& fill) {
  const std::string name = path.string();
  if (name.empty()) return invalid_argument_error("empty file path");
  // A temporary name of our own; one left by a crashed process that had
  // the same pid is skipped, not fatal.
  std::string temp;
  UniqueFd file;
  int err = 0;
  for (int attempt = 0; attempt < 100 && !file.valid(); ++attempt) {
    temp = name + ".tmp-" + std::to_string(::getpid()) + "-" +
           std::to_string(g_temp_counter.fetch_add(1));
    int fd;
    do {
      fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    } while (fd < 0 && errno == EINTR);
    err = fd < 0 ? errno : 0;
    if (fd >= 0) file.reset(fd);
    if (err != 0 && err != EEXIST) break;
  }
  if (!file.valid()) {
    return io_error(name + ": cannot create " + temp + ": " + errno_text(err));
  }
  // Until the rename, every way out (an exception from `fill` too) removes
  // the temporary file: `path` keeps its old content and nothing lingers.
  struct TempGuard {
    const std::string& temp;
    bool armed = true;
    ~TempGuard() {
      if (armed) ::unlink(temp.c_str());
    }
  } guard{temp};
  IMAGEBANK_RETURN_IF_ERROR(fill(file.get()));
  while (::fsync(file.get()) != 0) {
    if ((err = errno) != EINTR) {
      return io_error(name + ": cannot flush to disk: " + errno_text(err));
    }
  }
  if ((err = file.close()) != 0) {
    return io_error(name + ": cannot close: " + errno_text(err));
  }
  if (::rename(temp.c_str(), name.c_str()) != 0) {
    err = errno;
    return io_error(name + ": cannot rename " + temp +
                    " over it: " + errno_text(err));
  }
  guard.armed = false;
  return sync_parent(path, name);
}

}  // namespace imagebank
