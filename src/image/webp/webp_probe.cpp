// WebP header read: a walk over the RIFF chunks (payloads skipped) checks the
// container, counts animation frames and finds ICC and EXIF; libwebp's
// WebPGetFeatures validates the VP8X/VP8/VP8L headers and gives the canvas
// size and alpha.
#include <webp/decode.h>

#include <array>
#include <cstring>
#include <span>

#include "../byte_io.hpp"
#include "../exif.hpp"
#include "../probe_formats.hpp"

namespace imagebank::detail {
namespace {

struct RiffWalk {
  std::uint32_t frames = 0;
  bool icc = false;
  std::uint64_t exif_offset = 0;
  std::uint32_t exif_size = 0;
  std::uint64_t metadata_bytes = 0;
  // End of the first bitstream chunk (VP8/VP8L/VP8X header data that
  // WebPGetFeatures must see).
  std::uint64_t features_end = 0;
  // Canvas size from VP8X (0 when the file has no VP8X chunk).
  std::uint32_t canvas_width = 0;
  std::uint32_t canvas_height = 0;
};

bool is(const std::byte* fourcc, const char* name) {
  return std::memcmp(fourcc, name, 4) == 0;
}

Result<RiffWalk> walk_riff(const Source& source) {
  std::array<std::byte, 12> head{};
  IMAGEBANK_RETURN_IF_ERROR(
      read_exact(source, 0, std::span(head.data(), 12), "RIFF header"));
  const std::uint64_t riff_end = std::uint64_t{le32(head.data() + 4)} + 8;
  if (riff_end > source.size()) {
    return corrupt_data_error(
        "truncated: the RIFF header declares " + std::to_string(riff_end) +
        " bytes, the file has " + std::to_string(source.size()));
  }
  RiffWalk walk;
  WindowReader reader(source);
  std::uint64_t offset = 12;
  bool first = true;
  while (offset + 8 <= riff_end) {
    IMAGEBANK_RETURN_IF_ERROR(
        reader.read(offset, std::span(head.data(), 8), "WebP chunk"));
    const std::byte* fourcc = head.data();
    const std::uint32_t size = le32(head.data() + 4);
    const std::uint64_t payload = offset + 8;
    const std::uint64_t end = payload + size + (size & 1);
    if (payload + size > riff_end) {
      return corrupt_data_error(
          "truncated: WebP chunk '" + fourcc_text(fourcc) + "' at byte " +
          std::to_string(offset) + " runs past the end of the RIFF data");
    }
    if (first) {
      if (!is(fourcc, "VP8 ") && !is(fourcc, "VP8L") && !is(fourcc, "VP8X")) {
        return corrupt_data_error("corrupt WebP: first chunk is '" +
                                  fourcc_text(fourcc) + "'");
      }
      first = false;
    }
    if (is(fourcc, "VP8X") && size >= 10) {
      std::array<std::byte, 10> vp8x{};
      IMAGEBANK_RETURN_IF_ERROR(
          reader.read(payload, std::span(vp8x.data(), 10), "VP8X chunk"));
      walk.canvas_width = le24(vp8x.data() + 4) + 1;
      walk.canvas_height = le24(vp8x.data() + 7) + 1;
    }
    if (walk.features_end == 0 &&
        (is(fourcc, "VP8 ") || is(fourcc, "VP8L") || is(fourcc, "ANMF"))) {
      // VP8 and VP8L frame headers are within their first 30 bytes.
      walk.features_end = payload + std::min<std::uint32_t>(size, 64);
    }
    if (is(fourcc, "ANMF") || is(fourcc, "VP8 ") || is(fourcc, "VP8L")) {
      // A still image has one bitstream chunk; an animation one per ANMF (the
      // ANMF payload holds its frame's own VP8/VP8L chunk, not walked here).
      walk.frames++;
    } else if (is(fourcc, "ICCP")) {
      walk.icc = true;
      walk.metadata_bytes += size;
    } else if (is(fourcc, "EXIF")) {
      if (walk.exif_size == 0) {
        walk.exif_offset = payload;
        walk.exif_size = size;
      }
      walk.metadata_bytes += size;
    } else if (is(fourcc, "XMP ")) {
      walk.metadata_bytes += size;
    }
    offset = end;
  }
  if (walk.frames == 0) {
    return corrupt_data_error("corrupt WebP: no image data chunk");
  }
  return walk;
}

}  // namespace

Result<ImageInfo> probe_webp(const Source& source, const Limits& limits) {
  IMAGEBANK_ASSIGN_OR_RETURN(const RiffWalk walk, walk_riff(source));
  IMAGEBANK_RETURN_IF_ERROR(check_metadata_budget(walk.metadata_bytes, limits));
  if (walk.canvas_width != 0) {
    IMAGEBANK_RETURN_IF_ERROR(
        check_size_limits(walk.canvas_width, walk.canvas_height, limits));
  }

  // WebPGetFeatures parses from the start of the file, skipping chunks such
  // as ICCP, so it needs the bytes up to the first frame header.
  IMAGEBANK_ASSIGN_OR_RETURN(
      const std::vector<std::byte> prefix,
      read_some(source, 0, static_cast<std::size_t>(walk.features_end)));
  WebPBitstreamFeatures features{};
  const VP8StatusCode code =
      WebPGetFeatures(reinterpret_cast<const std::uint8_t*>(prefix.data()),
                      prefix.size(), &features);
  if (code == VP8_STATUS_NOT_ENOUGH_DATA) {
    return corrupt_data_error("truncated: the WebP frame header is incomplete");
  }
  if (code == VP8_STATUS_UNSUPPORTED_FEATURE) {
    return unsupported_format_error("unsupported WebP feature");
  }
  if (code != VP8_STATUS_OK) {
    return corrupt_data_error("corrupt WebP header (libwebp status " +
                              std::to_string(static_cast<int>(code)) + ")");
  }

  ImageInfo info;
  info.format = Format::kWebp;
  info.width = static_cast<std::uint32_t>(features.width);
  info.height = static_cast<std::uint32_t>(features.height);
  info.has_alpha = features.has_alpha != 0;
  info.channels = info.has_alpha ? 4 : 3;
  info.bit_depth = 8;
  info.icc = walk.icc;
  info.frames = features.has_animation ? walk.frames : 1;
  if (walk.exif_size > 0) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        const std::vector<std::byte> exif,
        read_some(source, walk.exif_offset, walk.exif_size));
    info.orientation = exif_orientation(skip_exif_prefix(exif));
  }
  return info;
}

}  // namespace imagebank::detail
