// Upload batches: files a front end (the reference server) receives over
// HTTP and hands over one by one, instead of paths the receive step walks.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "imagebank/core/log.hpp"
#include "imagebank/core/text.hpp"
#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/format.hpp"
#include "ingest/ingest_impl.hpp"

namespace imagebank {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxNameBytes = 1024;

bool is_lower_hex_sha256(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<std::string> normalize_upload_name(std::string_view raw) {
  std::string name =
      is_valid_utf8(raw) ? std::string(raw) : windows1252_to_utf8(raw);
  std::replace(name.begin(), name.end(), '\\', '/');
  while (!name.empty() && name.front() == '/') name.erase(0, 1);
  if (name.empty()) return invalid_argument_error("the file name is empty");
  if (name.size() > kMaxNameBytes) {
    return invalid_argument_error("the file name is longer than " +
                                  std::to_string(kMaxNameBytes) + " bytes");
  }
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return invalid_argument_error(
          "the file name holds a control character: " + name.substr(0, 80));
    }
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('/', start), name.size());
    const std::string_view part(name.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return invalid_argument_error(
          "the file name has an empty, \".\" or \"..\" part: " + name);
    }
    start = end + 1;
  }
  return name;
}

namespace {

// The file's first bytes (for sniffing) and, when asked, its SHA-256.
struct Scan {
  std::uint64_t size = 0;
  std::vector<std::byte> head;
  std::string sha256;
};

Result<Scan> scan_file(const fs::path& file, const std::string& name,
                       bool hash) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return not_found_error(name + ": the upload is gone");
    return io_error(name + ": cannot be read: " + std::strerror(err));
  }
  Scan out;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return io_error(name + ": cannot be read: " + std::strerror(err));
  }
  // The size from the file itself: without hashing, only its head is read.
  const auto size = static_cast<std::uint64_t>(st.st_size);
  Sha256Hasher hasher;
  std::vector<std::byte> chunk(1 << 16);
  Status status;
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      status = io_error(name + ": read failed: " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    const auto got = static_cast<std::size_t>(n);
    if (out.head.size() < 64) {
      const std::size_t take = std::min(got, 64 - out.head.size());
      out.head.insert(out.head.end(), chunk.begin(),
                      chunk.begin() + static_cast<std::ptrdiff_t>(take));
    }
    out.size += got;
    if (!hash) {
      if (out.head.size() >= 64) break;
      continue;
    }
    hasher.update(std::span<const std::byte>(chunk.data(), got));
  }
  ::close(fd);
  IMAGEBANK_RETURN_IF_ERROR(status);
  if (hash) {
    out.sha256 = to_hex(hasher.finish());
  } else {
    out.size = size;
  }
  return out;
}

}  // namespace

bool is_upload_batch(const Batch& batch) noexcept {
  return std::string_view(batch.source).starts_with(kUploadBatchSource);
}

Result<Batch> Ingestor::open_upload_batch(const UploadTarget& target,
                                          std::string_view label) {
  if (label.size() > kMaxNameBytes) {
    return invalid_argument_error("the batch label is longer than " +
                                  std::to_string(kMaxNameBytes) + " bytes");
  }
  std::string first(label.substr(0, label.find('\n')));
  if (!is_valid_utf8(first)) first = windows1252_to_utf8(first);
  IMAGEBANK_ASSIGN_OR_RETURN(const RowId collection,
                             impl_->resolve_collection(target));
  IMAGEBANK_ASSIGN_OR_RETURN(
      Batch batch,
      impl_->queue->create_batch(collection,
                                 std::string(kUploadBatchSource) + first + "\n",
                                 impl_->analysis_label()));
  log(LogLevel::kInfo, "upload batch " + std::to_string(batch.id) + " created");
  return batch;
}

Result<Job> Ingestor::receive_upload(RowId batch_id, const fs::path& file,
                                     std::string_view raw_name,
                                     std::string_view sha256_hex) {
  Impl& d = *impl_;
  IMAGEBANK_ASSIGN_OR_RETURN(const std::string name,
                             normalize_upload_name(raw_name));
  if (!sha256_hex.empty() && !is_lower_hex_sha256(sha256_hex)) {
    return invalid_argument_error(
        name + ": the SHA-256 must be 64 lower-case hex digits");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(const Batch batch, d.queue->get_batch(batch_id));
  const std::string which = "batch " + std::to_string(batch_id);
  if (!is_upload_batch(batch)) {
    return conflict_error(which + " takes files from paths, not uploads");
  }
  if (!batch.receiving || batch.state == BatchState::kDone ||
      batch.state == BatchState::kCancelled) {
    return conflict_error(which + " no longer receives files (" +
                          std::string(batch_state_name(batch.state)) + ")");
  }

  IMAGEBANK_ASSIGN_OR_RETURN(Scan scan,
                             scan_file(file, name, sha256_hex.empty()));
  if (!sha256_hex.empty()) scan.sha256 = std::string(sha256_hex);

  JobInsert job;
  job.original_name = name;
  job.source_path = "upload:" + scan.sha256 + "/" + name;
  job.sha256 = scan.sha256;
  job.bytes = scan.size;
  if (scan.size == 0) {
    job.state = JobState::kFailed;
    job.error = corrupt_data_error(name + ": the file is empty (0 bytes)");
  } else if (scan.size > d.options.limits.max_file_bytes) {
    job.state = JobState::kFailed;
    job.error = limit_exceeded_error(
        name + ": the file is larger than the limit of " +
        std::to_string(d.options.limits.max_file_bytes) + " bytes");
  } else {
    Result<ImageRecord> existing = d.catalog->find_image_by_sha256(job.sha256);
    if (existing.ok()) {
      job.state = JobState::kDuplicate;
      job.image_id = existing->id;
      IMAGEBANK_ASSIGN_OR_RETURN(job.conflicts,
                                 d.exact_conflicts(batch_id, name, *existing));
    } else if (existing.status().code() != ErrorCode::kNotFound) {
      return existing.status().with_context(name);
    } else {
      const Format format = sniff_format(scan.head);
      IMAGEBANK_ASSIGN_OR_RETURN(
          const std::string key,
          original_blob_key(job.sha256, file_extension(format)));
      IMAGEBANK_RETURN_IF_ERROR(
          d.blobs->put_file(key, file).with_context(name));
    }
  }
  if (job.state == JobState::kFailed) d.note_error(job.error.to_string());
  IMAGEBANK_ASSIGN_OR_RETURN(std::vector<Job> stored,
                             d.queue->add_jobs(batch_id, std::span(&job, 1)));
  if (stored.size() != 1) {
    return internal_error(which + ": the queue stored " +
                          std::to_string(stored.size()) + " jobs for one file");
  }
  return std::move(stored.front());
}

Result<Batch> Ingestor::finish_upload(RowId batch_id) {
  IMAGEBANK_ASSIGN_OR_RETURN(const Batch batch,
                             impl_->queue->get_batch(batch_id));
  if (!is_upload_batch(batch)) {
    return conflict_error("batch " + std::to_string(batch_id) +
                          " takes files from paths, not uploads");
  }
  if (batch.state == BatchState::kCancelled) {
    return conflict_error("batch " + std::to_string(batch_id) +
                          " is cancelled");
  }
  if (!batch.receiving) return batch;
  return impl_->queue->finish_receiving(batch_id);
}

}  // namespace imagebank
