// EXIF orientation: the eight combinations of rotation and mirroring.
#include <cstring>
#include <string>

#include "imagebank/image/decode.hpp"

namespace imagebank {
namespace {

// Copies pixel by pixel with the channel count fixed at compile time, so the
// inner copy is a register move rather than a memcpy call.
template <int C>
void transform(const Image& src, Image& dst, int orientation) {
  const std::uint32_t sw = src.width();
  const std::uint32_t sh = src.height();
  const std::uint32_t dw = dst.width();
  const std::uint32_t dh = dst.height();
  for (std::uint32_t y = 0; y < dh; ++y) {
    std::uint8_t* out = dst.row(y);
    for (std::uint32_t x = 0; x < dw; ++x) {
      // (sx, sy): the stored pixel shown at display position (x, y).
      std::uint32_t sx = 0;
      std::uint32_t sy = 0;
      switch (orientation) {
        case 2:  // mirrored left-right
          sx = sw - 1 - x, sy = y;
          break;
        case 3:  // rotated 180
          sx = sw - 1 - x, sy = sh - 1 - y;
          break;
        case 4:  // mirrored top-bottom
          sx = x, sy = sh - 1 - y;
          break;
        case 5:  // transposed
          sx = y, sy = x;
          break;
        case 6:  // stored rotated 90 anticlockwise: turn clockwise to show
          sx = y, sy = sh - 1 - x;
          break;
        case 7:  // transversed
          sx = sw - 1 - y, sy = sh - 1 - x;
          break;
        case 8:  // stored rotated 90 clockwise
          sx = sw - 1 - y, sy = x;
          break;
        default:
          sx = x, sy = y;
      }
      std::memcpy(out + x * C, src.row(sy) + sx * C, C);
    }
  }
}

}  // namespace

Result<Image> apply_orientation(const Image& image, int orientation) {
  if (orientation < 1 || orientation > 8) {
    return invalid_argument_error("orientation must be 1-8, got " +
                                  std::to_string(orientation));
  }
  if (image.empty()) return invalid_argument_error("empty image");
  if (orientation == 1) return image;
  const bool swap = orientation >= 5;
  Limits unlimited;
  unlimited.max_dimension = UINT32_MAX;
  unlimited.max_pixels = UINT64_MAX;
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image out, Image::create(swap ? image.height() : image.width(),
                               swap ? image.width() : image.height(),
                               image.channels(), unlimited));
  switch (image.channels()) {
    case 1:
      transform<1>(image, out, orientation);
      break;
    case 2:
      transform<2>(image, out, orientation);
      break;
    case 3:
      transform<3>(image, out, orientation);
      break;
    default:
      transform<4>(image, out, orientation);
      break;
  }
  return out;
}

}  // namespace imagebank
