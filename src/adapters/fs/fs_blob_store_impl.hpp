// The local-disk BlobStore class (see include/imagebank/adapters/
// fs_blob_store.hpp for its contract). Internal to the fs adapter: split
// between fs_blob_store.cpp (open, writes, reads) and fs_list.cpp (the tree
// walks of list and sweep).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/fs/fs_posix.hpp"
#include "imagebank/adapters/fs_blob_store.hpp"
#include "imagebank/catalog/blob_store.hpp"

namespace imagebank::fs_internal {

// Temporary files start with this; '~' is not a key character, so no key
// segment ever equals such a name.
inline constexpr std::string_view kTempPrefix = ".~ib-tmp.";

inline bool is_temp_name(std::string_view name) {
  return name.starts_with(kTempPrefix);
}

// Whether `name` (a directory entry) may be a segment of a key.
bool is_key_segment(std::string_view name);

class FsBlobStore final : public BlobStore {
 public:
  FsBlobStore(std::filesystem::path root, UniqueFd root_fd,
              const FsBlobStoreOptions& options);

  Status put(std::string_view key, std::span<const std::byte> data) override;
  Status put_file(std::string_view key,
                  const std::filesystem::path& file) override;
  Status get(std::string_view key, const BlobSink& sink,
             ByteRange range) override;
  Result<BlobInfo> head(std::string_view key) override;
  Status remove(std::string_view key) override;
  Result<BlobListPage> list(std::string_view prefix,
                            std::string_view start_after,
                            std::size_t max_keys) override;
  std::string uri() const override { return uri_; }

  int root_fd() const { return root_fd_.get(); }
  Resolver resolver() const { return resolver_; }

 private:
  // Writes through `fill` into a fresh temporary file next to `key`, then
  // publishes it. `fill` returns OK or the error to report (its own message).
  Status write_atomically(
      std::string_view key,
      const std::function<Status(int fd, const std::string& tmp)>& fill);
  // Opens the directory that holds `key` (creating it when `create`), or
  // returns the error; `missing` is set when it does not exist.
  Result<UniqueFd> open_parent(std::string_view key, bool create,
                               bool* missing = nullptr);
  Status make_parents(std::string_view dir);
  // Opens the regular file of an existing object (get and head): not_found
  // for a missing key or anything else at its path; `what` names the blob.
  struct OpenObject {
    UniqueFd fd;
    struct stat st;
  };
  Result<OpenObject> open_object(std::string_view key, const std::string& what,
                                 int flags);
  std::string path_of(std::string_view key) const;
  std::string temp_name();

  std::filesystem::path root_;
  std::string uri_;
  UniqueFd root_fd_;
  Resolver resolver_;
  FsBlobStoreOptions options_;
};

}  // namespace imagebank::fs_internal
