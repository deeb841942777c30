// The local-disk BlobStore: opening, atomic writes, streamed reads, removal.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <utility>

#include "adapters/fs/fs_blob_store_impl.hpp"

namespace imagebank {
namespace fs_internal {
namespace {

// A put() that loses the race for a temporary name this many times in a row
// is facing something other than chance.
constexpr int kTempNameAttempts = 16;
constexpr std::size_t kMaxReadChunk = 64u << 20;

std::string_view parent_of(std::string_view key) {
  const std::size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? std::string_view()
                                         : key.substr(0, slash);
}

std::string_view leaf_of(std::string_view key) {
  const std::size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

// Keys may have segments longer than a file name can be (NAME_MAX): such a
// key is valid but can never exist in this store.
bool has_long_segment(std::string_view key) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = key.find('/', start);
    const std::size_t end =
        slash == std::string_view::npos ? key.size() : slash;
    if (end - start > NAME_MAX) return true;
    if (slash == std::string_view::npos) return false;
    start = slash + 1;
  }
}

Status check_writable_key(std::string_view key) {
  IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
  if (has_long_segment(key)) {
    return invalid_argument_error(
        "blob key " + quote_blob_key(key) +
        ": a segment is longer than 255 bytes, the longest file name a local "
        "disk store can hold");
  }
  return ok_status();
}

bool escapes_root(int err) { return err == ELOOP || err == EXDEV; }

Status escape_error(std::string_view what) {
  return conflict_error(std::string(what) +
                        ": a symbolic link on the way leads out of the store "
                        "root; refused");
}

std::int64_t mtime_ms(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 +
         st.st_mtim.tv_nsec / 1000000;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool is_key_segment(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

FsBlobStore::FsBlobStore(std::filesystem::path root, UniqueFd root_fd,
                         const FsBlobStoreOptions& options)
    : root_(std::move(root)),
      uri_("file://" + root_.string()),
      root_fd_(std::move(root_fd)),
      resolver_(detect_resolver(root_fd_.get())),
      options_(options) {}

std::string FsBlobStore::path_of(std::string_view key) const {
  std::string path = root_.string();
  if (!key.empty()) {
    if (path.empty() || path.back() != '/') path.push_back('/');
    path.append(key);
  }
  return path;
}

std::string FsBlobStore::temp_name() {
  // Unique across threads (the counter) and, with high probability, across
  // processes sharing the root (the seed); O_EXCL settles the rest.
  static const std::uint64_t seed = [] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device() ^
           static_cast<std::uint64_t>(::getpid());
  }();
  static std::atomic<std::uint64_t> counter{0};
  const std::uint64_t n = splitmix64(seed + counter.fetch_add(1));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(n));
  return std::string(kTempPrefix) + hex;
}

Status FsBlobStore::make_parents(std::string_view dir) {
  // Create each missing component, fsyncing the directory that gained the
  // entry: a new directory is only durable once its parent is.
  UniqueFd parent(open_beneath(resolver_, root_fd_.get(), "",
                               O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent.valid()) {
    return io_status("opening store root " + root_.string(), -parent.release());
  }
  std::size_t end = 0;
  while (end != std::string_view::npos) {
    end = dir.find('/', end + 1);
    const std::string_view prefix = dir.substr(0, end);
    const std::string name(leaf_of(prefix));
    if (::mkdirat(parent.get(), name.c_str(), options_.directory_mode) == 0) {
      if (const int err = sync_fd(parent.get(), false)) {
        return io_status("fsync of directory " + path_of(parent_of(prefix)),
                         err);
      }
    } else if (errno != EEXIST) {
      const int err = errno;
      if (err == ENOTDIR) {
        return conflict_error("creating directory " + path_of(prefix) +
                              ": an object exists on the path");
      }
      return io_status("creating directory " + path_of(prefix), err);
    }
    const int fd = open_beneath(resolver_, root_fd_.get(), prefix,
                                O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      if (escapes_root(-fd)) return escape_error(path_of(prefix));
      if (-fd == ENOTDIR) {
        return conflict_error("directory " + path_of(prefix) +
                              ": an object exists with that name");
      }
      return io_status("opening directory " + path_of(prefix), -fd);
    }
    parent.reset(fd);
  }
  return ok_status();
}

Result<UniqueFd> FsBlobStore::open_parent(std::string_view key, bool create,
                                          bool* missing) {
  const std::string_view dir = parent_of(key);
  for (int attempt = 0;; ++attempt) {
    const int fd = open_beneath(resolver_, root_fd_.get(), dir,
                                O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) return UniqueFd(fd);
    const int err = -fd;
    const std::string what = "blob " + quote_blob_key(key) + " in " + uri_;
    if (escapes_root(err)) return escape_error(what);
    if (err == ENOENT && create && attempt == 0) {
      IMAGEBANK_RETURN_IF_ERROR(make_parents(dir));
      continue;
    }
    if (create && err == ENOTDIR) {
      return conflict_error(what +
                            ": an object exists where a directory "
                            "of the key should be");
    }
    if (!create && (err == ENOENT || err == ENOTDIR)) {
      if (missing) *missing = true;
      return not_found_error(what + ": not found");
    }
    return io_status(what + ": opening directory " + path_of(dir), err);
  }
}

Status FsBlobStore::write_atomically(
    std::string_view key,
    const std::function<Status(int fd, const std::string& tmp)>& fill) {
  IMAGEBANK_ASSIGN_OR_RETURN(UniqueFd dir, open_parent(key, true));
  const std::string leaf(leaf_of(key));
  const std::string dir_path = path_of(parent_of(key));
  std::string tmp;
  UniqueFd file;
  for (int attempt = 0; !file.valid(); ++attempt) {
    tmp = temp_name();
    const int fd =
        ::openat(dir.get(), tmp.c_str(),
                 O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                 options_.file_mode);
    if (fd >= 0) {
      file.reset(fd);
    } else if (errno != EEXIST && errno != EINTR) {
      return io_status("put " + quote_blob_key(key) +
                           ": creating temporary file in " + dir_path,
                       errno);
    } else if (attempt == kTempNameAttempts) {
      return io_status("put " + quote_blob_key(key) +
                           ": no free temporary file name in " + dir_path,
                       EEXIST);
    }
  }
  const std::string tmp_path = dir_path + "/" + tmp;
  // From here on every failure removes the temporary file: the key keeps its
  // old object (or none), and no half-written file lingers.
  const auto fail = [&](Status status) {
    file.reset();
    ::unlinkat(dir.get(), tmp.c_str(), 0);
    return status;
  };
  if (Status status = fill(file.get(), tmp_path); !status.ok()) {
    return fail(std::move(status));
  }
  if (const int err = sync_fd(file.get(), true)) {
    return fail(io_status(
        "put " + quote_blob_key(key) + ": fsync of " + tmp_path, err));
  }
  if (const int err = file.close()) {
    return fail(
        io_status("put " + quote_blob_key(key) + ": closing " + tmp_path, err));
  }
  if (::renameat(dir.get(), tmp.c_str(), dir.get(), leaf.c_str()) != 0) {
    const int err = errno;
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) {
      return fail(conflict_error("put " + quote_blob_key(key) + ": " +
                                 path_of(key) +
                                 " is a directory (other keys start with this "
                                 "key and '/')"));
    }
    return fail(io_status("put " + quote_blob_key(key) + ": renaming " +
                              tmp_path + " to " + path_of(key),
                          err));
  }
  // The rename is visible now but only durable once the directory is synced.
  if (const int err = sync_fd(dir.get(), false)) {
    return io_status(
        "put " + quote_blob_key(key) + ": fsync of directory " + dir_path, err);
  }
  return ok_status();
}

Status FsBlobStore::put(std::string_view key, std::span<const std::byte> data) {
  IMAGEBANK_RETURN_IF_ERROR(check_writable_key(key));
  return write_atomically(key, [&](int fd, const std::string& tmp) {
    if (const int err = write_all(fd, data)) {
      return io_status("put " + quote_blob_key(key) + ": writing " + tmp, err);
    }
    return ok_status();
  });
}

Status FsBlobStore::put_file(std::string_view key,
                             const std::filesystem::path& file) {
  IMAGEBANK_RETURN_IF_ERROR(check_writable_key(key));
  const std::string what =
      "put_file " + quote_blob_key(key) + " from " + file.string();
  // A FIFO blocks here until its writer arrives, as `cat` would: streaming
  // from a pipe is a use, and the caller chose the path.
  auto opened = open_file(file, O_RDONLY | O_NOCTTY);
  if (!opened.ok()) {
    return opened.status().with_context("put_file " + quote_blob_key(key));
  }
  const UniqueFd source = std::move(opened).value();
  struct stat st {};
  if (::fstat(source.get(), &st) != 0) return io_status(what, errno);
  if (S_ISDIR(st.st_mode))
    return invalid_argument_error(what + ": is a directory");
  if (S_ISREG(st.st_mode)) {
    ::posix_fadvise(source.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  return write_atomically(key, [&](int fd, const std::string& tmp) {
    bool source_failed = false;
    if (const int err = copy_fd(source.get(), fd, source_failed)) {
      return io_status(
          what + (source_failed ? ": reading the source" : ": writing " + tmp),
          err);
    }
    return ok_status();
  });
}

Status FsBlobStore::get(std::string_view key, const BlobSink& sink,
                        ByteRange range) {
  IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
  const std::string what = "blob " + quote_blob_key(key) + " in " + uri_;
  // O_NONBLOCK: a FIFO planted in the tree must not block the open.
  IMAGEBANK_ASSIGN_OR_RETURN(
      OpenObject object,
      open_object(key, what, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  const UniqueFd& file = object.fd;
  const struct stat& st = object.st;
  IMAGEBANK_ASSIGN_OR_RETURN(
      const auto part,
      resolve_range(key, static_cast<std::uint64_t>(st.st_size), range));
  if (part.length == 0) return ok_status();
  const std::size_t chunk = static_cast<std::size_t>(
      std::min<std::uint64_t>(part.length, options_.read_chunk_bytes));
  if (part.length > 4 * chunk) {
    ::posix_fadvise(file.get(), static_cast<off_t>(part.offset),
                    static_cast<off_t>(part.length), POSIX_FADV_SEQUENTIAL);
  }
  // Not value-initialised: every byte handed to the sink was read.
  const auto buffer = std::make_unique_for_overwrite<std::byte[]>(chunk);
  std::uint64_t at = part.offset;
  const std::uint64_t end = part.offset + part.length;
  while (at < end) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk, end - at));
    const int err = pread_exact(file.get(), std::span(buffer.get(), n), at);
    if (err < 0) {
      // Objects are replaced by rename, never rewritten in place: a file
      // that shrinks under us was modified behind the store's back.
      return io_error(what + ": " + path_of(key) +
                      " became shorter while being read");
    }
    if (err > 0) return io_status(what + ": reading " + path_of(key), err);
    IMAGEBANK_RETURN_IF_ERROR(
        sink(std::span<const std::byte>(buffer.get(), n)));
    at += n;
  }
  return ok_status();
}

Result<BlobInfo> FsBlobStore::head(std::string_view key) {
  IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
  const std::string what = "blob " + quote_blob_key(key) + " in " + uri_;
  IMAGEBANK_ASSIGN_OR_RETURN(OpenObject object,
                             open_object(key, what, O_PATH | O_CLOEXEC));
  return BlobInfo{std::string(key),
                  static_cast<std::uint64_t>(object.st.st_size),
                  mtime_ms(object.st)};
}

Result<FsBlobStore::OpenObject> FsBlobStore::open_object(
    std::string_view key, const std::string& what, int flags) {
  if (has_long_segment(key)) return not_found_error(what + ": not found");
  const int fd = open_beneath(resolver_, root_fd_.get(), key, flags);
  if (fd < 0) {
    if (-fd == ENOENT || -fd == ENOTDIR)
      return not_found_error(what + ": not found");
    if (escapes_root(-fd)) return escape_error(what);
    return io_status(what + ": opening " + path_of(key), -fd);
  }
  OpenObject object{UniqueFd(fd), {}};
  if (::fstat(object.fd.get(), &object.st) != 0) {
    return io_status(what + ": stat of " + path_of(key), errno);
  }
  if (!S_ISREG(object.st.st_mode)) {
    return not_found_error(what + ": not found (not a regular file)");
  }
  return object;
}

Status FsBlobStore::remove(std::string_view key) {
  IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
  if (has_long_segment(key)) return ok_status();
  bool missing = false;
  auto dir = open_parent(key, false, &missing);
  if (!dir.ok()) return missing ? ok_status() : dir.status();
  const std::string leaf(leaf_of(key));
  if (::unlinkat(dir->get(), leaf.c_str(), 0) != 0) {
    const int err = errno;
    // EISDIR: the key names a directory of other keys, not an object.
    if (err == ENOENT || err == EISDIR) return ok_status();
    return io_status("remove " + quote_blob_key(key) + ": " + path_of(key),
                     err);
  }
  if (const int err = sync_fd(dir->get(), false)) {
    return io_status("remove " + quote_blob_key(key) + ": fsync of directory " +
                         path_of(parent_of(key)),
                     err);
  }
  return ok_status();
}

}  // namespace fs_internal

Result<std::unique_ptr<BlobStore>> open_fs_blob_store(
    const std::filesystem::path& root, const FsBlobStoreOptions& options) {
  if (root.empty()) {
    return invalid_argument_error("fs blob store: the root path is empty");
  }
  if (options.read_chunk_bytes == 0 ||
      options.read_chunk_bytes > fs_internal::kMaxReadChunk) {
    return invalid_argument_error(
        "fs blob store " + root.string() +
        ": read_chunk_bytes must be between 1 and 64 MiB");
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(root, ec);
  if (ec)
    return io_error("fs blob store " + root.string() + ": " + ec.message());
  absolute = absolute.lexically_normal();
  if (absolute.has_filename() == false && absolute != absolute.root_path()) {
    absolute = absolute.parent_path();  // drop the trailing '/'
  }
  const std::string what = "fs blob store " + absolute.string();
  const auto status = std::filesystem::status(absolute, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    if (!options.create_root) return not_found_error(what + ": does not exist");
    std::filesystem::create_directories(absolute, ec);
    if (ec) return io_error(what + ": cannot create it: " + ec.message());
    // The new root is durable once its parent directory is.
    UniqueFd parent(::open(absolute.parent_path().c_str(),
                           O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (parent.valid()) {
      if (const int err = fs_internal::sync_fd(parent.get(), false)) {
        return fs_internal::io_status(what + ": fsync of its parent", err);
      }
    }
  } else if (ec) {
    return io_error(what + ": " + ec.message());
  } else if (status.type() != std::filesystem::file_type::directory) {
    return invalid_argument_error(what + ": exists and is not a directory");
  }
  UniqueFd root_fd(
      ::open(absolute.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) {
    return fs_internal::io_status(what + ": opening the root", errno);
  }
  if (options.sweep_temp_files_older_than) {
    IMAGEBANK_RETURN_IF_ERROR(sweep_fs_blob_store_temp_files(
        absolute, *options.sweep_temp_files_older_than));
  }
  return std::unique_ptr<BlobStore>(std::make_unique<fs_internal::FsBlobStore>(
      std::move(absolute), std::move(root_fd), options));
}

}  // namespace imagebank
