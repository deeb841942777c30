// Internal: the per-format grey decoders behind imagebank/image/grey.hpp,
// and Pillow's RGB -> "L" arithmetic they share. Errors carry no source
// name (grey.cpp adds it once).
#pragma once

#include <cstddef>
#include <cstdint>

#include "decode_formats.hpp"
#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/core/status.hpp"
#include "imagebank/image/grey.hpp"
#include "imagebank/image/image.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank::detail {

// Pillow's view, per format, after probe.
Status decode_jpeg_pillow_grey(const Source& source, const Limits& limits,
                               const Deadline& deadline, GreyRowSink& sink);
// `pillow_16bit`: 16-bit grey saturates as Pillow's "I;16" -> "L" does;
// otherwise it keeps the high byte like every other 16-bit sample.
Status decode_png_grey(const Source& source, const Limits& limits,
                       const Deadline& deadline, GreyRowSink& sink,
                       bool pillow_16bit);

// The fast view of a YCbCr or grey JPEG at 1/`shrink` scale, as stored.
Result<Image> decode_jpeg_fast_grey(const Source& source, const Limits& limits,
                                    int shrink, const Deadline& deadline);

// Collects streamed rows into an Image (allocated within `limits`).
class GreyCollector final : public GreyRowSink {
 public:
  explicit GreyCollector(const Limits& limits) : limits_(limits) {}
  Status begin(std::uint32_t width, std::uint32_t height) override;
  void rows(const std::uint8_t* rows, std::size_t count,
            std::size_t stride) override;
  Image take() { return std::move(image_); }

 private:
  Limits limits_;
  Image image_;
  std::uint32_t next_ = 0;
};

// Pillow's RGB -> "L" (ITU-R 601-2 luma in 16-bit fixed point, rounded).
inline std::uint8_t pillow_luma(unsigned r, unsigned g, unsigned b) {
  return static_cast<std::uint8_t>(
      (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}

// One row of `width` pixels of `channels` interleaved 8-bit samples to "L"
// as Pillow's convert("L") does for the mode those channels make: 1 "L"
// (copied), 2 "LA" (the L), 3 "RGB" and 4 "RGBA" (luma, alpha ignored).
void row_to_pillow_luma(const std::uint8_t* in, int channels, std::size_t width,
                        std::uint8_t* out);

// The same on RGBX pixels (libjpeg-turbo's JCS_EXT_RGBX), SIMD.
void rgbx_to_pillow_luma(const std::uint8_t* rgbx, std::size_t pixels,
                         std::uint8_t* out);

}  // namespace imagebank::detail
