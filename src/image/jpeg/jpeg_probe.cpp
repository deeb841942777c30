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
#include "jpeg_io.hpp"

namespace imagebank::detail {
namespace {

// EXIF orientation lives in IFD0, near the start of APP1; 64 KiB (a whole
// marker) is all there can be.
constexpr std::size_t kMaxExifRead = 65535;

struct ProbeState : JpegState {
  using JpegState::JpegState;
  std::uint64_t metadata_bytes = 0;
  bool icc = false;
  bool have_exif = false;
  std::vector<std::byte> exif;
};

// Called by libjpeg for APP1-APP13, APP15 and COM. APP0 (JFIF) and APP14
// (Adobe, which says whether 4 channels are CMYK or YCCK) keep libjpeg's own
// processors.
boolean on_metadata_marker(j_decompress_ptr cinfo) {
  auto* state = static_cast<ProbeState*>(
      jpeg_state_of(reinterpret_cast<j_common_ptr>(cinfo)));
  std::uint32_t length = jpeg_next_byte(cinfo);
  length = (length << 8) | jpeg_next_byte(cinfo);
  if (length < 2)
    jpeg_fail(state, JpegState::Failure::kTruncated,
              "corrupt JPEG: marker segment shorter than 2");
  std::uint32_t remaining = length - 2;
  state->metadata_bytes += remaining;
  if (state->metadata_bytes > state->limits.max_metadata_bytes) {
    jpeg_fail(state, JpegState::Failure::kLimit,
              "JPEG metadata exceeds the limit");
  }
  const int marker = cinfo->unread_marker;
  if (marker == JPEG_APP0 + 1 && !state->have_exif && remaining >= 6) {
    // Read the whole segment: the "Exif\0\0" check needs its first bytes and
    // the IFD0 parse the rest.
    const std::size_t n = std::min<std::size_t>(remaining, kMaxExifRead);
    state->exif.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      state->exif[i] = std::byte{jpeg_next_byte(cinfo)};
    }
    remaining -= static_cast<std::uint32_t>(n);
    if (starts_with(state->exif, std::string_view("Exif\0\0", 6))) {
      state->have_exif = true;
    }
  } else if (marker == JPEG_APP0 + 2 && remaining >= 12) {
    char sig[12];
    for (char& c : sig) c = static_cast<char>(jpeg_next_byte(cinfo));
    remaining -= 12;
    if (std::memcmp(sig, "ICC_PROFILE", 12) == 0) state->icc = true;
  }
  if (remaining > 0) (*cinfo->src->skip_input_data)(cinfo, remaining);
  return TRUE;
}

bool read_header(ProbeState* state) {
  if (setjmp(state->jump)) return false;
  for (int m = 1; m <= 15; ++m) {
    if (m == 14) continue;
    jpeg_set_marker_processor(&state->cinfo, JPEG_APP0 + m, on_metadata_marker);
  }
  jpeg_set_marker_processor(&state->cinfo, JPEG_COM, on_metadata_marker);
  jpeg_read_header(&state->cinfo, TRUE);
  return true;
}

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
  ProbeState state(source, limits);
  if (!jpeg_state_create(&state) || !read_header(&state)) {
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
  if (state.have_exif) {
    info.orientation = exif_orientation(skip_exif_prefix(state.exif));
  }
  if (info.channels != 1 && info.channels != 3 && info.channels != 4) {
    return unsupported_format_error("unsupported JPEG with " +
                                    std::to_string(info.channels) +
                                    " components");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(const bool eoi,
                             has_eoi_after(source, state.position()));
  if (!eoi) {
    return corrupt_data_error(
        "truncated: no JPEG end-of-image marker after the scan data");
  }
  return info;
}

}  // namespace imagebank::detail
