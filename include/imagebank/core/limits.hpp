// Limits: how large an untrusted input may be before imagebank refuses it.
//
// Every decoder checks the header against these before allocating pixels, so
// a small file that claims a huge image costs nothing. The defaults suit
// catalog photography; raise them per call when a trusted source needs more.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace imagebank {

// How much damage a decode tolerates before it refuses the file, graded as
// libvips' `fail_on` (each level refuses what the ones before it refuse):
//   kNone       decode whatever can be decoded; a JPEG cut short has its
//               missing rows grey, as libjpeg's own recovery draws them
//               (other formats cannot be decoded past their end and are
//               still refused)
//   kTruncated  refuse truncated files; accept damaged data that the codec
//               decodes anyway (bad JPEG Huffman codes, bad PNG CRCs)
//   kError      also refuse damaged data; accept what browsers show without
//               complaint: bytes between JPEG markers, other benign libjpeg
//               warnings, an ancillary PNG chunk with a bad CRC (dropped),
//               AVIF files that lack boxes libavif's strict mode requires
//   kWarning    refuse every warning too: what a strict validator accepts
// Whatever a level lets through is recorded in ImageInfo::tolerated. Files
// with data appended after the image (MPO, Ultra HDR gain maps, camera
// trailers, bytes after PNG IEND) are valid at every level.
enum class FailOn : std::uint8_t { kNone, kTruncated, kError, kWarning };

// "none", "truncated", "error", "warning".
std::string_view fail_on_name(FailOn level) noexcept;
// The level of a name as fail_on_name() gives it; nullopt for others.
std::optional<FailOn> fail_on_from_name(std::string_view name) noexcept;

struct Limits {
  // Width * height of the largest image accepted (40 megapixels).
  std::uint64_t max_pixels = 40'000'000;
  // Largest width or height accepted.
  std::uint32_t max_dimension = 16'384;
  // Largest encoded file accepted.
  std::uint64_t max_file_bytes = 50ull * 1000 * 1000;
  // Progressive JPEGs with more scans than this are refused (CPU bombs).
  std::uint32_t jpeg_max_scans = 100;
  // What damage a decode tolerates (see FailOn). kWarning is what the
  // former `jpeg_warnings_fatal = true` did.
  FailOn fail_on = FailOn::kError;
  // Total bytes of EXIF, ICC, XMP and other metadata accepted in one file.
  std::uint64_t max_metadata_bytes = 1ull << 20;
  // Frames of an animation that are decoded.
  std::uint32_t max_frames = 1;
  // Wall-clock budget of one decode.
  std::chrono::milliseconds decode_deadline{10'000};
};

}  // namespace imagebank
