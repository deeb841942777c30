// Source: random-access bytes of one encoded image.
//
// Every loader reads through a Source, so a file, a memory buffer and a
// stream share one code path (the libvips model). A loader asks only for the
// ranges it needs: probing a 20 MB JPEG reads a few kilobytes.
//
// Ownership: a memory Source does not own its bytes; they must outlive it.
// Threading: read_at() is const and safe to call from several threads at once
// on the file and memory sources.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"

namespace imagebank {

class Source {
 public:
  Source() = default;
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  virtual ~Source() = default;

  // Total size in bytes.
  virtual std::uint64_t size() const noexcept = 0;

  // Copies up to out.size() bytes starting at `offset` into `out` and returns
  // how many were copied: fewer than asked only at the end of the data (0 at
  // or past the end). io_error if the underlying read fails.
  virtual Result<std::size_t> read_at(std::uint64_t offset,
                                      std::span<std::byte> out) const = 0;

  // The name used in error messages: the path, or "<memory>"/"<stream>".
  virtual const std::string& name() const noexcept = 0;

  // Opens a file for reading. not_found if it does not exist, io_error if it
  // cannot be opened, invalid_argument if it is not a regular file.
  static Result<std::unique_ptr<Source>> file(
      const std::filesystem::path& path);

  // Wraps bytes owned by the caller (no copy).
  static std::unique_ptr<Source> memory(std::span<const std::byte> bytes,
                                        std::string name = "<memory>");

  // Reads `stream` to its end into memory. limit_exceeded once more than
  // limits.max_file_bytes have arrived (nothing past that is read); io_error
  // if the stream fails.
  static Result<std::unique_ptr<Source>> stream(std::istream& stream,
                                                const Limits& limits = {},
                                                std::string name = "<stream>");
};

}  // namespace imagebank
