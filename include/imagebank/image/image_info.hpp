// ImageInfo: what a header read tells about an image, without decoding it.
#pragma once

#include <cstdint>

#include "imagebank/image/format.hpp"

namespace imagebank {

struct ImageInfo {
  Format format = Format::kUnknown;
  // Stored dimensions, before EXIF orientation is applied (an orientation of
  // 5-8 swaps them for display).
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  // Channels of the decoded image: 1 gray, 2 gray+alpha, 3 colour, 4 colour
  // with alpha (or CMYK for a 4-component JPEG, where has_alpha is false).
  int channels = 0;
  // Bits per sample as stored (8 for palette PNGs, 8/12 for JPEG, 8/10/12 for
  // AVIF, 1/2/4/8/16 for gray and colour PNGs).
  int bit_depth = 0;
  bool has_alpha = false;
  // EXIF orientation 1-8 (1 when absent). For AVIF, the irot/imir transform
  // expressed as the equivalent EXIF value.
  int orientation = 1;
  // A progressive (multi-scan) JPEG; false for every other format.
  bool progressive = false;
  // An embedded ICC colour profile is present.
  bool icc = false;
  // Frames in an animation (PNG acTL, WebP ANMF, AVIF sequence); 1 for stills.
  std::uint32_t frames = 1;
  // Size of the encoded file.
  std::uint64_t bytes = 0;

  // Width and height as displayed, after orientation.
  std::uint32_t display_width() const noexcept {
    return orientation >= 5 ? height : width;
  }
  std::uint32_t display_height() const noexcept {
    return orientation >= 5 ? width : height;
  }

  friend bool operator==(const ImageInfo&, const ImageInfo&) = default;
};

}  // namespace imagebank
