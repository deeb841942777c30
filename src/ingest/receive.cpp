// The receive phase: files found under the batch's paths are read once,
// hashed on the way, stored as content-addressed originals and recorded as
// jobs. A file is received when its job row is committed; until then a crash
// only costs re-reading it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>
#include <system_error>

#include "imagebank/core/log.hpp"
#include "imagebank/core/text.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/format.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;

// Inside folders only image files are taken (a studio's folders also hold
// Thumbs.db, .DS_Store, contact sheets in PDF); a file named explicitly is
// always taken, and fails with the reason if it is not an image.
bool looks_like_image(const fs::path& path) {
  static const std::set<std::string> kExtensions = {
      ".jpg", ".jpeg", ".jpe",  ".jfif", ".png", ".webp", ".avif",
      ".tif", ".tiff", ".heic", ".heif", ".gif", ".bmp",  ".jxl"};
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  const std::string name = path.filename().string();
  return !name.empty() && name[0] != '.' && kExtensions.count(ext) > 0;
}

struct ReadFile {
  std::vector<std::byte> bytes;
  std::string sha256;
};

// Reads the whole file (bounded by the limit), hashing as it goes.
Result<ReadFile> read_file(const fs::path& path, const std::string& name,
                           std::uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return not_found_error(name +
                             ": the file disappeared before it was read");
    }
    return io_error(name + ": cannot be read: " + std::strerror(err));
  }
  ReadFile out;
  Sha256Hasher hasher;
  std::byte chunk[1 << 16];
  Status status;
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = io_error(name + ": read failed: " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    if (out.bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
      status = limit_exceeded_error(name +
                                    ": the file is larger than the limit of " +
                                    std::to_string(max_bytes) + " bytes");
      break;
    }
    out.bytes.insert(out.bytes.end(), chunk, chunk + n);
    hasher.update(
        std::span<const std::byte>(chunk, static_cast<std::size_t>(n)));
  }
  ::close(fd);
  if (!status.ok()) return status;
  if (out.bytes.empty()) {
    return corrupt_data_error(name + ": the file is empty (0 bytes)");
  }
  out.sha256 = to_hex(hasher.finish());
  return out;
}

std::string as_utf8(const std::string& text) {
  return is_valid_utf8(text) ? text : windows1252_to_utf8(text);
}

}  // namespace

std::vector<fs::path> batch_paths(const Batch& batch) {
  std::vector<fs::path> out;
  std::istringstream in(batch.source);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

namespace {

// One folder's entries, names packed in one buffer (a flat folder of a
// million photos costs ~30 MB, not a million strings). A sub-folder's name
// is kept with a trailing '/', so that sorting the names by bytes sorts the
// paths under the folder by bytes too: "a-b.jpg" < "a/..." < "a0.jpg".
class FolderEntries {
 public:
  void add(std::string_view name, bool folder) {
    offsets_.push_back(static_cast<std::uint64_t>(names_.size()));
    names_.append(name);
    if (folder) names_.push_back('/');
    names_.push_back('\0');
  }
  void sort() {
    std::sort(
        offsets_.begin(), offsets_.end(),
        [&](std::uint64_t a, std::uint64_t b) { return key(a) < key(b); });
  }
  std::size_t size() const noexcept { return offsets_.size(); }
  // The i-th name (without the '/') and whether it is a folder.
  std::pair<std::string_view, bool> at(std::size_t i) const {
    std::string_view k = key(offsets_[i]);
    const bool folder = !k.empty() && k.back() == '/';
    if (folder) k.remove_suffix(1);
    return {k, folder};
  }

 private:
  std::string_view key(std::uint64_t offset) const {
    return std::string_view(names_.c_str() + offset);
  }
  std::string names_;
  std::vector<std::uint64_t> offsets_;
};

// Lists `dir`: image files (looks_like_image) and folders not hidden.
// Folders reached through symbolic links are not followed. EACCES below the
// root is skipped (as a walk with skip_permission_denied does).
Status list_folder(const fs::path& dir, bool is_root, FolderEntries& out,
                   std::int64_t* count_only) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    const int err = errno;
    if (!is_root && err == EACCES) return {};
    return io_error(dir.string() + ": cannot list: " + std::strerror(err));
  }
  Status status;
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(d);
    if (e == nullptr) {
      if (errno != 0) {
        status =
            io_error(dir.string() + ": cannot list: " + std::strerror(errno));
      }
      break;
    }
    const std::string_view name(e->d_name);
    if (name == "." || name == "..") continue;
    bool folder = e->d_type == DT_DIR;
    bool file = e->d_type == DT_REG;
    bool link = e->d_type == DT_LNK;
    struct stat st {};
    if (e->d_type == DT_UNKNOWN) {  // file systems without d_type
      if (::lstat((dir / e->d_name).c_str(), &st) != 0) continue;
      folder = S_ISDIR(st.st_mode);
      file = S_ISREG(st.st_mode);
      link = S_ISLNK(st.st_mode);
    }
    if (link) {
      // A link to a file is a file; a link to a folder is not followed.
      file = ::stat((dir / e->d_name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }
    if (folder) {
      if (name.starts_with('.')) continue;  // .git, .thumbnails, ...
      out.add(name, true);
    } else if (file && looks_like_image(fs::path(name))) {
      if (count_only != nullptr) {
        ++*count_only;
      } else {
        out.add(name, false);
      }
    }
  }
  ::closedir(d);
  return status;
}

// A depth-first walk of one folder that yields its image files in byte
// order of their whole paths, holding one folder's listing per level.
class SortedWalk {
 public:
  explicit SortedWalk(fs::path root) : root_(std::move(root)) {}

  // The next file, or nullopt once the walk is over.
  Result<std::optional<FoundFile>> next() {
    if (!started_) {
      started_ = true;
      IMAGEBANK_RETURN_IF_ERROR(push(root_, "", true));
    }
    while (!stack_.empty()) {
      Level& top = stack_.back();
      if (top.next == top.entries.size()) {
        stack_.pop_back();
        continue;
      }
      const auto [name, folder] = top.entries.at(top.next++);
      const fs::path path = top.dir / name;
      std::string rel = top.rel.empty() ? std::string(name)
                                        : top.rel + "/" + std::string(name);
      if (folder) {
        IMAGEBANK_RETURN_IF_ERROR(push(path, std::move(rel), false));
        continue;
      }
      return std::optional<FoundFile>(FoundFile{path, std::move(rel)});
    }
    return std::optional<FoundFile>();
  }

  // How many image files the folder holds (a walk that keeps nothing but
  // the folders still to visit).
  static Result<std::int64_t> count(const fs::path& root) {
    std::int64_t n = 0;
    std::vector<fs::path> folders_left = {root};
    bool is_root = true;
    while (!folders_left.empty()) {
      const fs::path dir = std::move(folders_left.back());
      folders_left.pop_back();
      FolderEntries folders;
      IMAGEBANK_RETURN_IF_ERROR(list_folder(dir, is_root, folders, &n));
      is_root = false;
      for (std::size_t i = 0; i < folders.size(); ++i) {
        folders_left.push_back(dir / folders.at(i).first);
      }
    }
    return n;
  }

 private:
  struct Level {
    fs::path dir;
    std::string rel;
    FolderEntries entries;
    std::size_t next = 0;
  };
  Status push(const fs::path& dir, std::string rel, bool is_root) {
    Level level{dir, std::move(rel), {}, 0};
    IMAGEBANK_RETURN_IF_ERROR(
        list_folder(dir, is_root, level.entries, nullptr));
    level.entries.sort();
    stack_.push_back(std::move(level));
    return {};
  }

  fs::path root_;
  bool started_ = false;
  std::vector<Level> stack_;
};

// The batch's known paths, a page at a time in byte order, for a merge with
// paths that come in byte order too. A path that comes out of order (a
// Latin-1 name turned into UTF-8) may be missed: it is then received again,
// which add_jobs makes a no-op.
class KnownPaths {
 public:
  KnownPaths(JobQueue& queue, RowId batch, std::string start)
      : queue_(queue), batch_(batch), after_(std::move(start)) {}

  Result<bool> contains(const std::string& path) {
    for (;;) {
      while (at_ < page_.size() && page_[at_] < path) ++at_;
      if (at_ < page_.size()) return page_[at_] == path;
      if (done_) return false;
      if (!page_.empty()) after_ = page_.back();
      IMAGEBANK_ASSIGN_OR_RETURN(
          page_, queue_.list_source_paths(batch_, after_, kPage));
      at_ = 0;
      done_ = page_.size() < kPage;
      if (page_.empty()) return false;
    }
  }

 private:
  static constexpr std::size_t kPage = 10'000;
  JobQueue& queue_;
  RowId batch_;
  std::string after_;
  std::vector<std::string> page_;
  std::size_t at_ = 0;
  bool done_ = false;
};

}  // namespace

Status Ingestor::Impl::receive(const Batch& batch,
                               std::atomic<std::int64_t>& found) {
  // The roots: files named one by one first (in byte order, merged with the
  // known paths in one pass), then each folder, walked in byte order.
  std::vector<fs::path> folders;
  std::vector<std::string> named;
  for (const fs::path& root : batch_paths(batch)) {
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      return not_found_error(root.string() + ": no such file or folder");
    }
    if (fs::is_directory(st)) {
      folders.push_back(root);
    } else {
      named.push_back(root.string());
    }
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  // The total first, for the progress bar: a walk that keeps nothing.
  std::int64_t total = static_cast<std::int64_t>(named.size());
  for (const fs::path& root : folders) {
    IMAGEBANK_ASSIGN_OR_RETURN(const std::int64_t n, SortedWalk::count(root));
    total += n;
  }
  found = total;

  std::vector<JobInsert> pending;
  std::int64_t flushed_ms = ingest_now_ms();
  std::int64_t seen = 0;
  bool closed = false;  // the batch was cancelled (or finished) meanwhile
  auto flush = [&]() -> Status {
    if (pending.empty()) return {};
    Status added = queue->add_jobs(batch.id, pending).status();
    if (added.code() == ErrorCode::kConflict) {
      Result<Batch> now = queue->get_batch(batch.id);
      if (now.ok() && (now->state == BatchState::kCancelled ||
                       now->state == BatchState::kDone)) {
        closed = true;
        pending.clear();
        return {};
      }
    }
    IMAGEBANK_RETURN_IF_ERROR(added);
    pending.clear();
    flushed_ms = ingest_now_ms();
    return {};
  };
  auto halted = [&] { return stop.load() || halt_receive.load() || closed; };

  // Receives one file unless the batch has it. OK and nothing done once
  // halted.
  auto take = [&](const FoundFile& file, KnownPaths& known) -> Status {
    ++seen;
    // Names from a Windows zip are often Latin-1: the catalog keeps UTF-8,
    // read the same way on every pass.
    const std::string source = as_utf8(file.path.string());
    IMAGEBANK_ASSIGN_OR_RETURN(const bool have, known.contains(source));
    if (have) return {};
    JobInsert job;
    job.source_path = source;
    job.original_name = as_utf8(file.name);
    Result<ReadFile> read =
        read_file(file.path, source, options.limits.max_file_bytes);
    if (!read.ok()) {
      job.state = JobState::kFailed;
      job.error = read.status();
      note_error(job.error.to_string());
    } else {
      job.sha256 = read->sha256;
      job.bytes = read->bytes.size();
      Result<ImageRecord> existing = catalog->find_image_by_sha256(job.sha256);
      if (existing.ok()) {
        job.state = JobState::kDuplicate;
        job.image_id = existing->id;
        Result<std::vector<ConflictFinding>> found =
            exact_conflicts(batch.id, job.original_name, *existing);
        if (!found.ok()) {
          IMAGEBANK_RETURN_IF_ERROR(flush());
          return found.status().with_context(source);
        }
        job.conflicts = std::move(*found);
      } else if (existing.status().code() != ErrorCode::kNotFound) {
        IMAGEBANK_RETURN_IF_ERROR(flush());
        return existing.status().with_context(source);
      } else {
        const Format format = sniff_format(std::span<const std::byte>(
            read->bytes.data(), std::min<std::size_t>(read->bytes.size(), 64)));
        IMAGEBANK_ASSIGN_OR_RETURN(
            const std::string key,
            original_blob_key(job.sha256, file_extension(format)));
        Status put = blobs->put(key, read->bytes);
        if (!put.ok()) {
          // The file is not received: what came before it is kept, and a
          // resume reads it again.
          (void)flush();
          return put.with_context(source);
        }
      }
    }
    pending.push_back(std::move(job));
    if (pending.size() >= 64 || ingest_now_ms() - flushed_ms > 500) {
      IMAGEBANK_RETURN_IF_ERROR(flush());
    }
    return {};
  };

  {
    KnownPaths known(*queue, batch.id, "");
    for (const std::string& path : named) {
      if (halted()) break;
      const fs::path p(path);
      IMAGEBANK_RETURN_IF_ERROR(
          take(FoundFile{p, p.filename().string()}, known));
    }
  }
  for (const fs::path& root : folders) {
    // Every path under the folder starts with its name and is longer: the
    // known paths are read from there on.
    KnownPaths known(*queue, batch.id, as_utf8(root.string()));
    SortedWalk walk(root);
    while (!halted()) {
      IMAGEBANK_ASSIGN_OR_RETURN(std::optional<FoundFile> file, walk.next());
      if (!file) break;
      IMAGEBANK_RETURN_IF_ERROR(take(*file, known));
    }
  }
  IMAGEBANK_RETURN_IF_ERROR(flush());
  if (halted()) return {};
  IMAGEBANK_RETURN_IF_ERROR(queue->finish_receiving(batch.id).status());
  log(LogLevel::kInfo, "batch " + std::to_string(batch.id) + ": received " +
                           std::to_string(seen) + " files");
  return {};
}

}  // namespace imagebank
