// PNG decode with libspng: gray, gray+alpha, palette, RGB(A), 8 and 16 bit,
// tRNS; 16-bit samples are reduced to 8 by their high byte.
#include <spng.h>

#include <cstring>

#include "../decode_formats.hpp"
#include "png_io.hpp"

namespace imagebank::detail {

Result<RawDecode> decode_png(const Source& source, const ImageInfo& info,
                             const DecodeOptions& options,
                             const Deadline& deadline) {
  PngDecoder png;
  IMAGEBANK_RETURN_IF_ERROR(png.open(source, options.limits));
  const spng_ihdr& ihdr = png.ihdr();

  // Pick spng's output format so that the decoded channels follow the file.
  const bool sixteen = ihdr.bit_depth == 16;
  int fmt = SPNG_FMT_RGBA8;
  int flags = SPNG_DECODE_TRNS;
  const int channels = info.channels;
  switch (ihdr.color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE:
      if (channels == 1) {
        fmt = sixteen ? SPNG_FMT_PNG : SPNG_FMT_G8;
        flags = 0;
      }
      break;  // gray with tRNS: via RGBA8, reduced to gray+alpha below
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA:
      // The file's own layout is already gray+alpha (8 or 16 bit).
      fmt = SPNG_FMT_PNG;
      flags = 0;
      break;
    case SPNG_COLOR_TYPE_TRUECOLOR:
    case SPNG_COLOR_TYPE_INDEXED:
      if (channels == 3) {
        fmt = SPNG_FMT_RGB8;
        flags = 0;
      }
      break;
    default:
      break;
  }
  std::size_t size = 0;
  if (int err = spng_decoded_image_size(png.get(), fmt, &size)) {
    return png_error(err);
  }
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image image,
      Image::create(ihdr.width, ihdr.height, channels, options.limits));
  const bool direct = size == image.size_bytes();
  std::unique_ptr<std::uint8_t[]> staging;
  std::uint8_t* target = image.data();
  if (!direct) {
    staging.reset(new (std::nothrow) std::uint8_t[size]);
    if (!staging) return limit_exceeded_error("out of memory");
    target = staging.get();
  }
  if (int err = spng_decode_image(png.get(), target, size, fmt, flags)) {
    return png_error(err);
  }
  if (deadline.expired()) return deadline.status();
  if (!direct) {
    // 16-bit native samples (big-endian: high byte first), or RGBA8 for a
    // gray image with tRNS.
    const std::size_t pixels = std::size_t{ihdr.width} * ihdr.height;
    std::uint8_t* out = image.data();
    if (sixteen && fmt == SPNG_FMT_PNG) {
      for (std::size_t i = 0; i < pixels * channels; ++i) {
        out[i] = staging[2 * i];
      }
    } else {
      for (std::size_t i = 0; i < pixels; ++i) {
        const std::uint8_t* p = staging.get() + 4 * i;
        if (channels == 2) {
          out[2 * i] = p[0];
          out[2 * i + 1] = p[3];
        } else {
          std::memcpy(out + channels * i, p, channels);
        }
      }
    }
  }
  RawDecode raw;
  raw.image = std::move(image);
  raw.tolerated = png.tolerated();
  spng_iccp iccp{};
  if (options.to_srgb && spng_get_iccp(png.get(), &iccp) == 0) {
    const auto* p = reinterpret_cast<const std::byte*>(iccp.profile);
    raw.icc.assign(p, p + iccp.profile_len);
  }
  return raw;
}

}  // namespace imagebank::detail
