// Internal: an image as Pillow 13 opens it and convert("L") turns it grey,
// delivered as rows of "L" samples (never stored whole when the format
// allows streaming: JPEG and non-interlaced PNG).
//
// Pillow's view differs from decode()'s: no EXIF orientation, no ICC or
// CICP conversion, CMYK JPEGs taken as Adobe-inverted and made RGB by
// Pillow's naive formula, 16-bit grey PNGs clamped (mode "I;16" to "L"
// saturates at 255) where 16-bit colour keeps the high byte, 1/2/4-bit
// grey scaled to 0-255, palettes through their entries' luma (absent
// entries are black), alpha ignored.
//
// JPEG: libjpeg-turbo with Pillow's settings (ISLOW IDCT, fancy upsampling,
// RGB out); the pixels equal Pillow's bundled libjpeg-turbo 3 (both are the
// reference IDCT and upsampler). PNG: libspng, raw samples converted as
// Pillow's unpackers do. WebP and AVIF: imagebank's decoders without
// orientation or colour conversion (libwebp's output matches Pillow's;
// 10/12-bit AVIF can differ by 1 in some samples, libavif versions round
// the depth reduction differently).
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/decode_formats.hpp"
#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/image/image.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank::pillow {

// Receives the grey image, row batch by row batch.
class LumaSink {
 public:
  virtual ~LumaSink() = default;
  // Once, before any row. An error stops the decode and is returned.
  virtual Status begin(std::uint32_t width, std::uint32_t height) = 0;
  // The next `count` rows, top to bottom, `stride` bytes apart.
  virtual void rows(const std::uint8_t* rows, std::size_t count,
                    std::size_t stride) = 0;
};

// Probes (Limits checked before any pixel memory), decodes and feeds `sink`.
// Errors carry no source name (the caller adds it).
Status decode_luma(const Source& source, const Limits& limits, LumaSink& sink);

// The grey rows of pixels already decoded (1-4 channels, as
// PIL.Image.fromarray would take them).
Status image_luma(const Image& image, LumaSink& sink);

// Per format, after probe; `info` is the probed header.
Status decode_jpeg_luma(const Source& source, const ImageInfo& info,
                        const Limits& limits, const detail::Deadline& deadline,
                        LumaSink& sink);
// `pillow_16bit`: 16-bit grey saturates as Pillow's "I;16" -> "L" does;
// otherwise it keeps the high byte like every other 16-bit sample.
Status decode_png_luma(const Source& source, const ImageInfo& info,
                       const Limits& limits, const detail::Deadline& deadline,
                       LumaSink& sink, bool pillow_16bit = true);

// Fast mode (imagebank's own view, not Pillow's): the grey image shrunk on
// load to at least twice `target` per side where the format allows (JPEG
// 1/2-1/8 straight to luma, skipping chroma; a progressive JPEG stops after
// the scan that completes the luma DC when decoding at 1/8, so damage in
// later scans goes unnoticed; WebP scaled), as stored (not oriented),
// colour profiles ignored. Errors carry no source name.
Result<Image> decode_grey_fast(const Source& source, const ImageInfo& info,
                               const Limits& limits, std::uint32_t target);

}  // namespace imagebank::pillow
