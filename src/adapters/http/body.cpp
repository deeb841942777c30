#include "imagebank/adapters/http/body.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace imagebank::http {

Result<std::size_t> MemoryBody::read(std::span<std::byte> out) {
  const std::size_t n = std::min(out.size(), data_.size() - at_);
  // An empty body may have a null data(): memcpy must not see it.
  if (n > 0) std::memcpy(out.data(), data_.data() + at_, n);
  at_ += n;
  return n;
}

Result<std::shared_ptr<OpenFile>> OpenFile::open(
    const std::filesystem::path& path) {
  IMAGEBANK_ASSIGN_OR_RETURN(RegularFile file, open_regular_file(path));
  return std::shared_ptr<OpenFile>(
      new OpenFile(std::move(file.fd), file.size, path.string()));
}

Result<std::size_t> OpenFile::pread(std::span<std::byte> out,
                                    std::uint64_t offset) const {
  for (;;) {
    const ssize_t n =
        ::pread(fd_.get(), out.data(), out.size(), static_cast<off_t>(offset));
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    return io_error(name_ + ": read failed: " + errno_text(errno));
  }
}

Result<std::size_t> FileRangeBody::read(std::span<std::byte> out) {
  const std::uint64_t left = length_ - at_;
  if (left == 0) return std::size_t{0};
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), left));
  IMAGEBANK_ASSIGN_OR_RETURN(std::size_t n,
                             file_->pread(out.first(want), offset_ + at_));
  if (n == 0) {
    return io_error(file_->name() +
                    ": the file shrank while it was being uploaded");
  }
  at_ += n;
  return n;
}

}  // namespace imagebank::http
