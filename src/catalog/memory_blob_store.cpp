// The in-memory BlobStore: the test double of the interface and a scratch
// store for tools.
//
// Objects are immutable shared buffers: a get() copies the pointer under the
// lock and streams without it, so a concurrent put() of the same key swaps in
// a new buffer and never tears a read in progress.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "imagebank/catalog/blob_store.hpp"
#include "imagebank/core/file.hpp"

namespace imagebank {
namespace {

// Streaming in pieces makes the memory store behave like the others towards
// sinks (several calls, an error stops the rest).
constexpr std::size_t kChunkBytes = 256 * 1024;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reads a whole local file; the memory store holds everything anyway. Like
// the disk store, anything but a directory is read to its end (a FIFO as
// `cat` would).
Result<std::vector<std::byte>> read_local_file(
    std::string_view key, const std::filesystem::path& file) {
  const std::string what =
      "put_file " + quote_blob_key(key) + " from " + file.string();
  auto opened = open_file(file, O_RDONLY | O_NOCTTY);
  if (!opened.ok()) {
    return opened.status().with_context("put_file " + quote_blob_key(key));
  }
  const UniqueFd fd = std::move(opened).value();
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    return io_error(what + ": cannot stat: " + errno_text(err));
  }
  if (S_ISDIR(st.st_mode)) {
    return invalid_argument_error(what + ": is a directory");
  }
  return read_all(fd.get(), static_cast<std::uint64_t>(st.st_size),
                  std::numeric_limits<std::uint64_t>::max(), what);
}

class MemoryBlobStore final : public BlobStore {
 public:
  Status put(std::string_view key, std::span<const std::byte> data) override {
    IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
    store(key, std::vector<std::byte>(data.begin(), data.end()));
    return ok_status();
  }

  Status put_file(std::string_view key,
                  const std::filesystem::path& file) override {
    IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
    IMAGEBANK_ASSIGN_OR_RETURN(auto data, read_local_file(key, file));
    store(key, std::move(data));
    return ok_status();
  }

  Status get(std::string_view key, const BlobSink& sink,
             ByteRange range) override {
    IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
    IMAGEBANK_ASSIGN_OR_RETURN(const Object object, find(key));
    IMAGEBANK_ASSIGN_OR_RETURN(const auto part,
                               resolve_range(key, object.data->size(), range));
    const std::span<const std::byte> bytes(
        object.data->data() + part.offset,
        static_cast<std::size_t>(part.length));
    for (std::size_t at = 0; at < bytes.size(); at += kChunkBytes) {
      IMAGEBANK_RETURN_IF_ERROR(
          sink(bytes.subspan(at, std::min(kChunkBytes, bytes.size() - at))));
    }
    return ok_status();
  }

  Result<BlobInfo> head(std::string_view key) override {
    IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
    IMAGEBANK_ASSIGN_OR_RETURN(const Object object, find(key));
    return BlobInfo{std::string(key), object.data->size(), object.modified_ms};
  }

  Status remove(std::string_view key) override {
    IMAGEBANK_RETURN_IF_ERROR(validate_blob_key(key));
    std::unique_lock lock(mutex_);
    const auto it = objects_.find(key);
    if (it != objects_.end()) objects_.erase(it);
    return ok_status();
  }

  Result<BlobListPage> list(std::string_view prefix,
                            std::string_view start_after,
                            std::size_t max_keys) override {
    if (max_keys == 0) {
      return invalid_argument_error("list: max_keys must be at least 1");
    }
    BlobListPage page;
    std::shared_lock lock(mutex_);
    // std::string compares bytewise (char_traits<char>::compare is memcmp),
    // which is the order the interface promises.
    auto it = start_after < prefix ? objects_.lower_bound(prefix)
                                   : objects_.upper_bound(start_after);
    for (; it != objects_.end() && it->first.starts_with(prefix); ++it) {
      if (page.blobs.size() == max_keys) {
        page.next_start_after = page.blobs.back().key;
        break;
      }
      page.blobs.push_back(
          BlobInfo{it->first, it->second.data->size(), it->second.modified_ms});
    }
    return page;
  }

  std::string uri() const override { return "memory:"; }

 private:
  struct Object {
    std::shared_ptr<const std::vector<std::byte>> data;
    std::int64_t modified_ms = 0;
  };

  void store(std::string_view key, std::vector<std::byte> data) {
    Object object{
        std::make_shared<const std::vector<std::byte>>(std::move(data)),
        now_ms()};
    std::unique_lock lock(mutex_);
    objects_.insert_or_assign(std::string(key), std::move(object));
  }

  Result<Object> find(std::string_view key) const {
    std::shared_lock lock(mutex_);
    const auto it = objects_.find(key);
    if (it == objects_.end()) {
      return not_found_error("blob " + quote_blob_key(key) + " not found in " +
                             uri());
    }
    return it->second;
  }

  mutable std::shared_mutex mutex_;
  std::map<std::string, Object, std::less<>> objects_;
};

}  // namespace

std::unique_ptr<BlobStore> make_memory_blob_store() {
  return std::make_unique<MemoryBlobStore>();
}

}  // namespace imagebank
