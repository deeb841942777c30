#include "imagebank/image/source.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <istream>
#include <utility>
#include <vector>

#include "imagebank/core/file.hpp"

namespace imagebank {
namespace {

class MemorySource final : public Source {
 public:
  MemorySource(std::span<const std::byte> bytes, std::string name)
      : bytes_(bytes), name_(std::move(name)) {}

  std::uint64_t size() const noexcept override { return bytes_.size(); }

  Result<std::size_t> read_at(std::uint64_t offset,
                              std::span<std::byte> out) const override {
    if (offset >= bytes_.size()) return std::size_t{0};
    const std::size_t n =
        std::min<std::uint64_t>(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }

  const std::string& name() const noexcept override { return name_; }

 private:
  std::span<const std::byte> bytes_;
  std::string name_;
};

// Owns what it serves: the bytes read from a stream.
class OwnedMemorySource final : public Source {
 public:
  OwnedMemorySource(std::vector<std::byte> bytes, std::string name)
      : bytes_(std::move(bytes)), view_(bytes_, std::move(name)) {}

  std::uint64_t size() const noexcept override { return view_.size(); }
  Result<std::size_t> read_at(std::uint64_t offset,
                              std::span<std::byte> out) const override {
    return view_.read_at(offset, out);
  }
  const std::string& name() const noexcept override { return view_.name(); }

 private:
  std::vector<std::byte> bytes_;
  MemorySource view_;
};

class FileSource final : public Source {
 public:
  FileSource(UniqueFd fd, std::uint64_t size, std::string name)
      : fd_(std::move(fd)), size_(size), name_(std::move(name)) {}

  std::uint64_t size() const noexcept override { return size_; }

  Result<std::size_t> read_at(std::uint64_t offset,
                              std::span<std::byte> out) const override {
    std::size_t done = 0;
    while (done < out.size() && offset + done < size_) {
      const ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done,
                                static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return io_error("read failed at byte " + std::to_string(offset + done) +
                        ": " + errno_text(errno));
      }
      if (n == 0) break;  // the file shrank under us: report a short read
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

  const std::string& name() const noexcept override { return name_; }

 private:
  UniqueFd fd_;
  std::uint64_t size_;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<Source>> Source::file(
    const std::filesystem::path& path) {
  IMAGEBANK_ASSIGN_OR_RETURN(RegularFile file, open_regular_file(path));
  return std::unique_ptr<Source>(
      new FileSource(std::move(file.fd), file.size, path.string()));
}

std::unique_ptr<Source> Source::memory(std::span<const std::byte> bytes,
                                       std::string name) {
  return std::make_unique<MemorySource>(bytes, std::move(name));
}

Result<std::unique_ptr<Source>> Source::stream(std::istream& stream,
                                               const Limits& limits,
                                               std::string name) {
  std::vector<std::byte> bytes;
  constexpr std::size_t kChunk = 64 * 1024;
  while (true) {
    const std::size_t old = bytes.size();
    if (old > limits.max_file_bytes) {
      return limit_exceeded_error(
          name + ": stream is larger than the limit of " +
          std::to_string(limits.max_file_bytes) + " bytes");
    }
    bytes.resize(old + kChunk);
    stream.read(reinterpret_cast<char*>(bytes.data() + old), kChunk);
    const auto got = static_cast<std::size_t>(stream.gcount());
    bytes.resize(old + got);
    if (stream.eof()) break;
    if (stream.fail()) return io_error(name + ": stream read failed");
  }
  if (bytes.size() > limits.max_file_bytes) {
    return limit_exceeded_error(name + ": stream is larger than the limit of " +
                                std::to_string(limits.max_file_bytes) +
                                " bytes");
  }
  bytes.shrink_to_fit();
  return std::unique_ptr<Source>(
      new OwnedMemorySource(std::move(bytes), std::move(name)));
}

}  // namespace imagebank
