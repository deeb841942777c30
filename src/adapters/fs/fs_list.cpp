// The tree walks of the local-disk BlobStore: list() in bytewise key order
// and the sweep of stale temporary files.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "adapters/fs/fs_blob_store_impl.hpp"

namespace imagebank {
namespace fs_internal {
namespace {

constexpr std::size_t kMaxKeyBytes = 1024;

struct Entry {
  // The name, plus '/' for a directory: sorting by this puts entries in the
  // bytewise order of the keys beneath them (every key under directory "a"
  // starts with "a/", and '/' never occurs inside a name).
  std::string sort_key;
  bool is_dir = false;
};

enum class Kind { kFile, kDir, kOther };

Kind kind_of(int dir_fd, const dirent& e) {
  switch (e.d_type) {
    case DT_REG:
      return Kind::kFile;
    case DT_DIR:
      return Kind::kDir;
    case DT_UNKNOWN: {
      // Some file systems (XFS without ftype, some network ones) leave the
      // type out of directory entries.
      struct stat st {};
      if (::fstatat(dir_fd, e.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return Kind::kOther;
      }
      if (S_ISREG(st.st_mode)) return Kind::kFile;
      if (S_ISDIR(st.st_mode)) return Kind::kDir;
      return Kind::kOther;
    }
    default:
      return Kind::kOther;  // symbolic links, FIFOs, sockets, devices
  }
}

// Reads the entries of `dir_fd` (which stays open and owned by the caller).
// `visit` gets each name and kind except "." and "..".
template <typename Visit>
int read_dir(int dir_fd, Visit&& visit) {
  UniqueFd fd(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!fd.valid()) return errno;
  DIR* dir = ::fdopendir(fd.get());
  if (dir == nullptr) return errno;
  static_cast<void>(fd.release());  // closedir closes it
  ::rewinddir(dir);  // the dup shares the offset of earlier walks
  int err = 0;
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(dir);
    if (e == nullptr) {
      err = errno;
      break;
    }
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    visit(name, kind_of(dir_fd, *e));
  }
  ::closedir(dir);
  return err;
}

int open_subdir(int dir_fd, const std::string& name) {
  int fd = -1;
  do {
    fd = ::openat(dir_fd, name.c_str(),
                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  return fd < 0 ? -errno : fd;
}

class Lister {
 public:
  Lister(std::string_view start_after, std::size_t wanted, std::string root)
      : start_after_(start_after), wanted_(wanted), root_(std::move(root)) {}

  // Appends, in key order, the objects under `dir_fd` whose key is `base` +
  // a name starting with `name_prefix` (+ anything beneath it).
  Status walk(int dir_fd, const std::string& base,
              std::string_view name_prefix) {
    std::vector<Entry> entries;
    const int err = read_dir(dir_fd, [&](std::string_view name, Kind kind) {
      if (kind == Kind::kOther || !name.starts_with(name_prefix) ||
          is_temp_name(name) || !is_key_segment(name)) {
        return;
      }
      Entry entry{std::string(name), kind == Kind::kDir};
      if (entry.is_dir) entry.sort_key.push_back('/');
      entries.push_back(std::move(entry));
    });
    if (err != 0)
      return io_status("list: reading directory " + path(base), err);
    std::sort(
        entries.begin(), entries.end(),
        [](const Entry& a, const Entry& b) { return a.sort_key < b.sort_key; });
    for (Entry& entry : entries) {
      if (page_.blobs.size() == wanted_) break;
      std::string key = base + entry.sort_key;
      // Keys are at most 1024 bytes; a directory's keys are longer than it.
      if (entry.is_dir ? key.size() >= kMaxKeyBytes
                       : key.size() > kMaxKeyBytes) {
        continue;
      }
      if (entry.is_dir) {
        // Every key beneath starts with `key`: skip the subtree when all of
        // it sorts at or before start_after.
        if (key <= start_after_ && !start_after_.starts_with(key)) continue;
        entry.sort_key.pop_back();
        const int fd = open_subdir(dir_fd, entry.sort_key);
        if (fd < 0) {
          if (-fd == ENOENT || -fd == ENOTDIR || -fd == ELOOP)
            continue;  // raced
          return io_status("list: opening directory " + path(key), -fd);
        }
        UniqueFd sub(fd);
        IMAGEBANK_RETURN_IF_ERROR(walk(sub.get(), key, {}));
        continue;
      }
      if (key <= start_after_) continue;
      struct stat st {};
      if (::fstatat(dir_fd, entry.sort_key.c_str(), &st, AT_SYMLINK_NOFOLLOW) !=
          0) {
        if (errno == ENOENT) continue;  // removed since readdir
        return io_status("list: stat of " + path(key), errno);
      }
      if (!S_ISREG(st.st_mode)) continue;
      page_.blobs.push_back(
          BlobInfo{std::move(key), static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 +
                       st.st_mtim.tv_nsec / 1000000});
    }
    return ok_status();
  }

  BlobListPage take() { return std::move(page_); }

 private:
  std::string path(std::string_view key) const {
    return root_ + "/" + std::string(key);
  }

  std::string_view start_after_;
  std::size_t wanted_;
  std::string root_;
  BlobListPage page_;
};

struct Sweeper {
  std::chrono::system_clock::time_point cutoff;
  std::string root;
  FsSweepReport report;

  Status walk(int dir_fd, const std::string& rel) {
    std::vector<std::string> temps;
    std::vector<std::string> dirs;
    const int err = read_dir(dir_fd, [&](std::string_view name, Kind kind) {
      if (kind == Kind::kDir) {
        dirs.emplace_back(name);
      } else if (kind == Kind::kFile && is_temp_name(name)) {
        temps.emplace_back(name);
      }
    });
    if (err != 0)
      return io_status("sweep: reading directory " + root + rel, err);
    for (const std::string& name : temps) {
      struct stat st {};
      if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        continue;
      const auto modified = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::seconds(st.st_mtim.tv_sec) +
              std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
      if (modified >= cutoff) {
        ++report.kept;
        continue;
      }
      if (::unlinkat(dir_fd, name.c_str(), 0) != 0) {
        if (errno == ENOENT) continue;  // another sweeper got it
        return io_status("sweep: removing " + root + rel + "/" + name, errno);
      }
      ++report.removed;
      report.removed_bytes += static_cast<std::uint64_t>(st.st_size);
    }
    for (const std::string& name : dirs) {
      const int fd = open_subdir(dir_fd, name);
      if (fd < 0) {
        if (-fd == ENOENT || -fd == ENOTDIR || -fd == ELOOP) continue;
        return io_status("sweep: opening directory " + root + rel + "/" + name,
                         -fd);
      }
      UniqueFd sub(fd);
      IMAGEBANK_RETURN_IF_ERROR(walk(sub.get(), rel + "/" + name));
    }
    return ok_status();
  }
};

}  // namespace

Result<BlobListPage> FsBlobStore::list(std::string_view prefix,
                                       std::string_view start_after,
                                       std::size_t max_keys) {
  if (max_keys == 0) {
    return invalid_argument_error("list " + uri_ +
                                  ": max_keys must be at least 1");
  }
  // Start at the deepest directory the prefix names completely; a prefix
  // whose directory part is no valid key cannot match any key.
  const std::size_t slash = prefix.rfind('/');
  const std::string_view dir = slash == std::string_view::npos
                                   ? std::string_view()
                                   : prefix.substr(0, slash);
  const std::string_view name_prefix =
      slash == std::string_view::npos ? prefix : prefix.substr(slash + 1);
  if (slash != std::string_view::npos && !validate_blob_key(dir).ok()) {
    return BlobListPage{};
  }
  const int fd = open_beneath(resolver(), root_fd(), dir,
                              O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (-fd == ENOENT || -fd == ENOTDIR) return BlobListPage{};
    if (-fd == ELOOP || -fd == EXDEV) {
      return conflict_error("list " + uri_ + " prefix " +
                            quote_blob_key(prefix) +
                            ": a symbolic link on the way leads out of the "
                            "store root; refused");
    }
    return io_status("list " + uri_ + ": opening " + std::string(dir), -fd);
  }
  UniqueFd start(fd);
  // One key more than asked tells whether another page follows.
  Lister lister(start_after, max_keys + 1, uri_.substr(7));
  IMAGEBANK_RETURN_IF_ERROR(lister.walk(
      start.get(), dir.empty() ? std::string() : std::string(dir) + "/",
      name_prefix));
  BlobListPage page = lister.take();
  if (page.blobs.size() > max_keys) {
    page.blobs.pop_back();
    page.next_start_after = page.blobs.back().key;
  }
  return page;
}

}  // namespace fs_internal

Result<FsSweepReport> sweep_fs_blob_store_temp_files(
    const std::filesystem::path& root, std::chrono::seconds older_than) {
  const UniqueFd root_fd(
      ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) {
    const int err = errno;
    if (err == ENOENT) {
      return not_found_error("sweep " + root.string() + ": does not exist");
    }
    return fs_internal::io_status("sweep " + root.string(), err);
  }
  fs_internal::Sweeper sweeper{
      std::chrono::system_clock::now() - older_than, root.string(), {}};
  IMAGEBANK_RETURN_IF_ERROR(sweeper.walk(root_fd.get(), ""));
  return sweeper.report;
}

}  // namespace imagebank
