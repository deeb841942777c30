// The receive phase: files found under the batch's paths are read once,
// hashed on the way, stored as content-addressed originals and recorded as
// jobs. A file is received when its job row is committed; until then a crash
// only costs re-reading it.
#include <fcntl.h>
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

Result<std::vector<FoundFile>> Ingestor::Impl::find_files(
    const std::vector<fs::path>& roots) {
  std::vector<FoundFile> out;
  for (const fs::path& root : roots) {
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      return not_found_error(root.string() + ": no such file or folder");
    }
    if (fs::is_directory(st)) {
      std::vector<FoundFile> found;
      fs::recursive_directory_iterator it(
          root, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        return io_error(root.string() + ": cannot list: " + ec.message());
      }
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) {
          return io_error(root.string() + ": cannot list: " + ec.message());
        }
        const fs::directory_entry& entry = *it;
        if (entry.is_directory(ec) &&
            entry.path().filename().string().starts_with(".")) {
          it.disable_recursion_pending();
          continue;
        }
        if (!entry.is_regular_file(ec) || !looks_like_image(entry.path())) {
          continue;
        }
        found.push_back(
            {entry.path(), entry.path().lexically_relative(root).string()});
      }
      std::sort(found.begin(), found.end(),
                [](const FoundFile& a, const FoundFile& b) {
                  return a.path < b.path;
                });
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back({root, root.filename().string()});
    }
  }
  return out;
}

Status Ingestor::Impl::receive(const Batch& batch,
                               std::atomic<std::int64_t>& found) {
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<FoundFile> files,
                             find_files(batch_paths(batch)));
  found = static_cast<std::int64_t>(files.size());
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<std::string> known,
                             queue->job_source_paths(batch.id));
  const std::set<std::string> have(known.begin(), known.end());

  std::vector<JobInsert> pending;
  std::int64_t flushed_ms = ingest_now_ms();
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

  for (const FoundFile& file : files) {
    if (stop.load() || halt_receive.load() || closed) break;
    // Names from a Windows zip are often Latin-1: the catalog keeps UTF-8,
    // read the same way on every pass.
    const std::string source = as_utf8(file.path.string());
    if (have.count(source) > 0) continue;
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
  }
  IMAGEBANK_RETURN_IF_ERROR(flush());
  if (stop.load() || halt_receive.load() || closed) return {};
  IMAGEBANK_RETURN_IF_ERROR(queue->finish_receiving(batch.id).status());
  log(LogLevel::kInfo, "batch " + std::to_string(batch.id) + ": received " +
                           std::to_string(files.size()) + " files");
  return {};
}

}  // namespace imagebank
