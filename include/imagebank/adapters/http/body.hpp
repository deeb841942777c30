// Request bodies that can be replayed: a retry rewinds and sends the same
// bytes again, so a body is a source to read from, not a one-shot stream.
//
// Part of the one HTTPS client the adapters share; not part of the Python
// API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "imagebank/core/file.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank::http {

class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual std::uint64_t size() const = 0;
  virtual Status rewind() = 0;
  // Up to out.size() bytes; 0 only once size() bytes have been read.
  virtual Result<std::size_t> read(std::span<std::byte> out) = 0;
};

class MemoryBody final : public BodySource {
 public:
  explicit MemoryBody(std::span<const std::byte> data) : data_(data) {}
  std::uint64_t size() const override { return data_.size(); }
  Status rewind() override {
    at_ = 0;
    return ok_status();
  }
  Result<std::size_t> read(std::span<std::byte> out) override;

 private:
  std::span<const std::byte> data_;
  std::size_t at_ = 0;
};

// An open regular file, read with pread so several ranges (multipart parts)
// can share one descriptor.
class OpenFile {
 public:
  static Result<std::shared_ptr<OpenFile>> open(
      const std::filesystem::path& path);
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  std::uint64_t size() const { return size_; }
  const std::string& name() const { return name_; }
  Result<std::size_t> pread(std::span<std::byte> out,
                            std::uint64_t offset) const;

 private:
  OpenFile(UniqueFd fd, std::uint64_t size, std::string name)
      : fd_(std::move(fd)), size_(size), name_(std::move(name)) {}
  UniqueFd fd_;
  std::uint64_t size_;
  std::string name_;
};

// `length` bytes of a file from `offset`. A file that shrinks while being
// sent is an io_error (the object would otherwise be cut short).
class FileRangeBody final : public BodySource {
 public:
  FileRangeBody(std::shared_ptr<const OpenFile> file, std::uint64_t offset,
                std::uint64_t length)
      : file_(std::move(file)), offset_(offset), length_(length) {}
  std::uint64_t size() const override { return length_; }
  Status rewind() override {
    at_ = 0;
    return ok_status();
  }
  Result<std::size_t> read(std::span<std::byte> out) override;

 private:
  std::shared_ptr<const OpenFile> file_;
  std::uint64_t offset_;
  std::uint64_t length_;
  std::uint64_t at_ = 0;
};

}  // namespace imagebank::http
