// JPEG header read: libjpeg parses the markers up to the first scan; our
// marker processors read EXIF orientation and ICC presence and count metadata
// against Limits; then the tail is checked for the end-of-image marker.
#include <jerror.h>

#include <algorithm>
#include <cstring>
#include <span>

#include "../byte_io.hpp"
#include "../exif.hpp"
#include "../probe_formats.hpp"
#include "jpeg_header.hpp"
#include "jpeg_io.hpp"

namespace imagebank::detail {
namespace {

// True when an FF D9 (EOI) pair lies at or after `from`. Inside entropy-coded
// data an FF byte is always followed by 00 or a restart marker, so the first
// FF D9 after the start of scan data is the end of the image; bytes after it
// (camera trailers, MPF secondary images) are allowed. Searching backwards
// makes the common case — EOI in the last bytes — one small read.
Result<bool> has_eoi_after(const Source& source, std::uint64_t from) {
  // The first read is small (EOI is almost always the last two bytes); later
  // ones grow to cross long trailers quickly.
  std::size_t chunk = 4 * 1024;
  constexpr std::size_t kMaxChunk = 1024 * 1024;
  std::vector<std::byte> buf;
  std::uint64_t end = source.size();
  while (end > from) {
    const std::uint64_t start =
        end - std::min<std::uint64_t>(chunk, end - from);
    buf.resize(chunk + 1);
    chunk = std::min(chunk * 4, kMaxChunk);
    // One byte of overlap with the previous chunk catches a pair that
    // straddles the boundary.
    const std::uint64_t stop = std::min(end + 1, source.size());
    const std::size_t len = static_cast<std::size_t>(stop - start);
    IMAGEBANK_RETURN_IF_ERROR(
        read_exact(source, start, std::span(buf.data(), len), "JPEG data"));
    for (std::size_t i = len - 1; i >= 1; --i) {
      if (buf[i] == std::byte{0xD9} && buf[i - 1] == std::byte{0xFF}) {
        return true;
      }
    }
    end = start;
  }
  return false;
}

}  // namespace

Result<ImageInfo> probe_jpeg(const Source& source, const Limits& limits) {
  JpegHeaderState state(source, limits);
  if (!jpeg_state_create(&state) || !jpeg_read_header_guarded(&state)) {
    return state.failure_status();
  }
  const jpeg_decompress_struct& c = state.cinfo;
  ImageInfo info;
  info.format = Format::kJpeg;
  info.width = c.image_width;
  info.height = c.image_height;
  info.channels = c.num_components;
  info.bit_depth = c.data_precision;
  info.has_alpha = false;
  info.progressive = c.progressive_mode != 0;
  info.icc = state.icc;
  info.orientation = state.orientation();
  if (info.channels != 1 && info.channels != 3 && info.channels != 4) {
    return unsupported_format_error("unsupported JPEG with " +
                                    std::to_string(info.channels) +
                                    " components");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(const bool eoi,
                             has_eoi_after(source, state.position()));
  if (!eoi) {
    if (limits.fail_on != FailOn::kNone) {
      return corrupt_data_error(
          "truncated: no JPEG end-of-image marker after the scan data");
    }
    state.tolerated |= static_cast<std::uint32_t>(Tolerance::kTruncated);
  }
  info.tolerated = state.tolerated;
  return info;
}

}  // namespace imagebank::detail
