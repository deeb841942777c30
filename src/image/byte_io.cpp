#include "byte_io.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace imagebank::detail {

Status read_exact(const Source& source, std::uint64_t offset,
                  std::span<std::byte> out, std::string_view what) {
  IMAGEBANK_ASSIGN_OR_RETURN(const std::size_t got,
                             source.read_at(offset, out));
  if (got != out.size()) {
    return corrupt_data_error("truncated: the file ends inside the " +
                              std::string(what) + " at byte " +
                              std::to_string(offset + got));
  }
  return ok_status();
}

Result<std::vector<std::byte>> read_some(const Source& source,
                                         std::uint64_t offset,
                                         std::size_t max) {
  std::vector<std::byte> bytes(max);
  IMAGEBANK_ASSIGN_OR_RETURN(const std::size_t got,
                             source.read_at(offset, bytes));
  bytes.resize(got);
  return bytes;
}

Status WindowReader::read(std::uint64_t offset, std::span<std::byte> out,
                          std::string_view what) {
  if (out.size() > window_) return read_exact(source_, offset, out, what);
  if (offset < start_ || offset + out.size() > start_ + bytes_.size()) {
    IMAGEBANK_ASSIGN_OR_RETURN(bytes_, read_some(source_, offset, window_));
    start_ = offset;
  }
  const std::uint64_t at = offset - start_;
  const std::size_t have = static_cast<std::size_t>(
      std::min<std::uint64_t>(out.size(), bytes_.size() - at));
  std::memcpy(out.data(), bytes_.data() + at, have);
  if (have != out.size()) {
    return corrupt_data_error("truncated: the file ends inside the " +
                              std::string(what) + " at byte " +
                              std::to_string(offset + have));
  }
  return ok_status();
}

bool starts_with(std::span<const std::byte> bytes, std::string_view text) {
  if (bytes.size() < text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::to_integer<unsigned char>(bytes[i]) !=
        static_cast<unsigned char>(text[i])) {
      return false;
    }
  }
  return true;
}

std::string fourcc_text(const std::byte* p) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    const auto c = std::to_integer<unsigned char>(p[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string human_bytes(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1000) {
    std::snprintf(buf, sizeof buf, "%llu B",
                  static_cast<unsigned long long>(bytes));
  } else if (bytes < 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  } else if (bytes < 1000ull * 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  }
  return buf;
}

}  // namespace imagebank::detail
