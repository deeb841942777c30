// Limits: how large an untrusted input may be before imagebank refuses it.
//
// Every decoder checks the header against these before allocating pixels, so
// a small file that claims a huge image costs nothing. The defaults suit
// catalog photography; raise them per call when a trusted source needs more.
#pragma once

#include <chrono>
#include <cstdint>

namespace imagebank {

struct Limits {
  // Width * height of the largest image accepted (40 megapixels).
  std::uint64_t max_pixels = 40'000'000;
  // Largest width or height accepted.
  std::uint32_t max_dimension = 16'384;
  // Largest encoded file accepted.
  std::uint64_t max_file_bytes = 50ull * 1000 * 1000;
  // Progressive JPEGs with more scans than this are refused (CPU bombs).
  std::uint32_t jpeg_max_scans = 100;
  // libjpeg warnings (corrupt data it would otherwise paper over) are errors.
  bool jpeg_warnings_fatal = true;
  // Total bytes of EXIF, ICC, XMP and other metadata accepted in one file.
  std::uint64_t max_metadata_bytes = 1ull << 20;
  // Frames of an animation that are decoded.
  std::uint32_t max_frames = 1;
  // Wall-clock budget of one decode.
  std::chrono::milliseconds decode_deadline{10'000};
};

}  // namespace imagebank
