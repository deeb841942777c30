// Shared by the fuzz targets: small limits (a target never allocates
// hundreds of MB) and byte-view helpers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/log.hpp"

namespace imagebank::fuzz {

// Log records are built as usual and then dropped: a warning per input
// ("ignoring an unreadable ICC profile") would slow libFuzzer to the speed
// of its terminal.
class QuietLogSink final : public LogSink {
 public:
  void write(const LogRecord&) noexcept override {}
};
inline const bool kQuietLog = [] {
  set_log_sink(std::make_shared<QuietLogSink>());
  return true;
}();

inline std::span<const std::byte> bytes_of(const std::uint8_t* data,
                                           std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// 2 megapixels, 4096 px a side, 1 MB files, 64 KiB of metadata, two frames,
// two seconds a decode (libFuzzer's -timeout is 10 s).
inline Limits small_limits() {
  Limits limits;
  limits.max_pixels = 2'000'000;
  limits.max_dimension = 4096;
  limits.max_file_bytes = 1'000'000;
  limits.max_metadata_bytes = 64 * 1024;
  limits.max_frames = 2;
  limits.jpeg_max_scans = 100;
  limits.decode_deadline = std::chrono::milliseconds(2000);
  return limits;
}

}  // namespace imagebank::fuzz
