// Grey ("L") images for perceptual hashing, in two views of the same file.
//
// Pillow's view (imagehash compatibility): what Pillow 13 gives for
// `Image.open(f).convert("L")`. It differs from decode(): no EXIF
// orientation, no ICC or CICP conversion, CMYK JPEGs taken as
// Adobe-inverted and made RGB by Pillow's naive formula, 16-bit grey PNGs
// clamped (mode "I;16" to "L" saturates at 255) where 16-bit colour keeps
// the high byte, 1/2/4-bit grey scaled to 0-255, palettes through their
// entries' luma (absent entries are black), alpha ignored. JPEG goes
// through libjpeg-turbo with Pillow's settings (ISLOW IDCT, fancy
// upsampling), so the pixels equal Pillow's; 10/12-bit AVIF can differ by
// 1 in some samples (libavif versions round the depth reduction
// differently). The rows stream to a GreyRowSink, so a 40 MP JPEG or
// non-interlaced PNG never exists whole in memory.
//
// The fast view (imagebank's own): the least work that still gives a
// faithful small grey image. Shrunk on load (JPEG at 1/2-1/8 straight to
// luma, skipping chroma; a progressive JPEG at 1/8 stops after the scan
// that completes the luma DC, so damage in later scans goes unnoticed;
// WebP scaled), colour profiles ignored, then oriented upright.
//
// Limits are checked against the header before any pixel memory, as in
// decode(). Errors start with the source's name.
#pragma once

#include <cstddef>
#include <cstdint>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/image/image.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank {

// Receives a grey image row batch by row batch, top to bottom.
class GreyRowSink {
 public:
  virtual ~GreyRowSink() = default;
  // Once, before any row. An error stops the decode and is returned.
  virtual Status begin(std::uint32_t width, std::uint32_t height) = 0;
  // The next `count` rows of `width` samples, `stride` bytes apart.
  virtual void rows(const std::uint8_t* rows, std::size_t count,
                    std::size_t stride) = 0;
};

// Pillow's view of an encoded image, streamed into `sink`.
Status decode_pillow_grey(const Source& source, const Limits& limits,
                          GreyRowSink& sink);
// The same, collected into a 1-channel Image.
Result<Image> decode_pillow_grey(const Source& source,
                                 const Limits& limits = {});

// Pillow's convert("L") of decoded pixels (1-4 channels, as
// PIL.Image.fromarray takes them: L, LA, RGB, RGBA), streamed or whole.
// invalid_argument for an empty image.
Status pillow_grey_rows(const Image& image, GreyRowSink& sink);
Result<Image> pillow_grey(const Image& image);

// The fast view: upright, and at least 2 x `min_side` per side where the
// image is that large (0: full size).
Result<Image> decode_fast_grey(const Source& source, const Limits& limits = {},
                               std::uint32_t min_side = 0);

}  // namespace imagebank
