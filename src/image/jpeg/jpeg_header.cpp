#include "jpeg_header.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "../byte_io.hpp"
#include "../exif.hpp"

namespace imagebank::detail {
namespace {

// EXIF orientation lives in IFD0, near the start of APP1; 64 KiB (a whole
// marker) is all there can be.
constexpr std::size_t kMaxExifRead = 65535;

// Called by libjpeg for APP1-APP13, APP15 and COM. APP0 (JFIF) and APP14
// (Adobe, which says whether 4 channels are CMYK or YCCK, and inverted) keep
// libjpeg's own processors.
boolean on_metadata_marker(j_decompress_ptr cinfo) {
  auto* state = static_cast<JpegHeaderState*>(
      jpeg_state_of(reinterpret_cast<j_common_ptr>(cinfo)));
  std::uint32_t length = jpeg_next_byte(cinfo);
  length = (length << 8) | jpeg_next_byte(cinfo);
  if (length < 2) {
    jpeg_fail(state, JpegState::Failure::kTruncated,
              "corrupt JPEG: marker segment shorter than 2");
  }
  std::uint32_t remaining = length - 2;
  state->metadata_bytes += remaining;
  if (state->metadata_bytes > state->limits.max_metadata_bytes) {
    jpeg_fail(state, JpegState::Failure::kLimit,
              "JPEG metadata exceeds the limit");
  }
  const int marker = cinfo->unread_marker;
  if (marker == JPEG_APP0 + 1 && !state->have_exif && remaining >= 6) {
    const std::size_t n = std::min<std::size_t>(remaining, kMaxExifRead);
    state->exif.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      state->exif[i] = std::byte{jpeg_next_byte(cinfo)};
    }
    remaining -= static_cast<std::uint32_t>(n);
    if (starts_with(state->exif, std::string_view("Exif\0\0", 6))) {
      state->have_exif = true;
    }
  } else if (marker == JPEG_APP0 + 2 && remaining >= 14) {
    char sig[12];
    for (char& c : sig) c = static_cast<char>(jpeg_next_byte(cinfo));
    remaining -= 12;
    if (std::memcmp(sig, "ICC_PROFILE", 12) == 0) {
      state->icc = true;
      const unsigned seq = jpeg_next_byte(cinfo);
      const unsigned count = jpeg_next_byte(cinfo);
      remaining -= 2;
      if (state->collect_icc && seq >= 1 && seq <= count) {
        if (state->icc_chunks.size() < count) state->icc_chunks.resize(count);
        auto& chunk = state->icc_chunks[seq - 1];
        chunk.resize(remaining);
        for (auto& b : chunk) b = std::byte{jpeg_next_byte(cinfo)};
        remaining = 0;
      }
    }
  }
  if (remaining > 0) (*cinfo->src->skip_input_data)(cinfo, remaining);
  return TRUE;
}

}  // namespace

bool jpeg_read_header_guarded(JpegHeaderState* state) {
  if (setjmp(state->jump)) return false;
  for (int m = 1; m <= 15; ++m) {
    if (m == 14) continue;
    jpeg_set_marker_processor(&state->cinfo, JPEG_APP0 + m, on_metadata_marker);
  }
  jpeg_set_marker_processor(&state->cinfo, JPEG_COM, on_metadata_marker);
  jpeg_read_header(&state->cinfo, TRUE);
  return true;
}

std::vector<std::byte> JpegHeaderState::icc_profile() const {
  std::vector<std::byte> profile;
  for (const auto& chunk : icc_chunks) {
    if (chunk.empty()) return {};  // a missing chunk: unusable
    profile.insert(profile.end(), chunk.begin(), chunk.end());
  }
  return profile;
}

int JpegHeaderState::orientation() const {
  return have_exif ? exif_orientation(skip_exif_prefix(exif)) : 1;
}

bool jpeg_calc_output_guarded(JpegState* state) {
  if (setjmp(state->jump)) return false;
  jpeg_calc_output_dimensions(&state->cinfo);
  return true;
}

bool jpeg_begin_decode(JpegDecodeState* state, int shrink) {
  if (!jpeg_state_create(state) || !jpeg_read_header_guarded(state)) {
    return false;
  }
  state->progress.progress_monitor = jpeg_check_guards;
  state->cinfo.progress = &state->progress;
  state->cinfo.scale_num = 1;
  state->cinfo.scale_denom = static_cast<unsigned>(shrink);
  state->cinfo.dct_method = JDCT_ISLOW;
  return true;
}

void jpeg_check_guards(j_common_ptr cinfo) {
  auto* state = static_cast<JpegDecodeState*>(jpeg_state_of(cinfo));
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > static_cast<int>(state->limits.jpeg_max_scans)) {
    // A char buffer: nothing with a destructor may live across the longjmp.
    char message[96];
    std::snprintf(message, sizeof message,
                  "progressive JPEG has more scans than the limit (scan %d, "
                  "limit %u)",
                  d->input_scan_number,
                  static_cast<unsigned>(state->limits.jpeg_max_scans));
    jpeg_fail(state, JpegState::Failure::kLimit, message);
  }
  if (state->deadline->expired()) {
    state->deadline_hit = true;
    jpeg_fail(state, JpegState::Failure::kLimit,
              "decode took longer than the deadline");
  }
}

}  // namespace imagebank::detail
