// Internal helpers for parsers that read a Source in pieces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank::detail {

// Reads exactly out.size() bytes at `offset`; corrupt_data naming `what` when
// the data ends first (the file is truncated).
Status read_exact(const Source& source, std::uint64_t offset,
                  std::span<std::byte> out, std::string_view what);

// Reads up to `max` bytes at `offset` (fewer at the end of the data).
Result<std::vector<std::byte>> read_some(const Source& source,
                                         std::uint64_t offset, std::size_t max);

inline std::uint32_t be16(const std::byte* p) {
  return (std::to_integer<std::uint32_t>(p[0]) << 8) |
         std::to_integer<std::uint32_t>(p[1]);
}
inline std::uint32_t be24(const std::byte* p) {
  return (be16(p) << 8) | std::to_integer<std::uint32_t>(p[2]);
}
inline std::uint32_t be32(const std::byte* p) {
  return (be16(p) << 16) | be16(p + 2);
}
inline std::uint64_t be64(const std::byte* p) {
  return (std::uint64_t{be32(p)} << 32) | be32(p + 4);
}
inline std::uint32_t le16(const std::byte* p) {
  return std::to_integer<std::uint32_t>(p[0]) |
         (std::to_integer<std::uint32_t>(p[1]) << 8);
}
inline std::uint32_t le24(const std::byte* p) {
  return le16(p) | (std::to_integer<std::uint32_t>(p[2]) << 16);
}
inline std::uint32_t le32(const std::byte* p) {
  return le16(p) | (le16(p + 2) << 16);
}

// Sequential reads of small pieces (chunk and box headers) through one cached
// window, so that walking a file of many tiny chunks costs a few large reads
// rather than a system call per chunk.
class WindowReader {
 public:
  explicit WindowReader(const Source& source, std::size_t window = 16 * 1024)
      : source_(source), window_(window) {}

  // As read_exact; `out` may be at most the window size.
  Status read(std::uint64_t offset, std::span<std::byte> out,
              std::string_view what);

  std::uint64_t size() const noexcept { return source_.size(); }

 private:
  const Source& source_;
  std::size_t window_;
  std::uint64_t start_ = 0;
  std::vector<std::byte> bytes_;
};

// True when `bytes` starts with the ASCII characters of `text`.
bool starts_with(std::span<const std::byte> bytes, std::string_view text);

// A four-character code as printable text, for messages ("IDAT", "\x00abc").
std::string fourcc_text(const std::byte* p);

// "12.3 MB"-style size for messages.
std::string human_bytes(std::uint64_t bytes);

}  // namespace imagebank::detail
