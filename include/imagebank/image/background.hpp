// A picture's background: the colour of its border, the region connected
// to the border in that colour, and its removal (a logo cut out onto
// transparency).
//
// Colour decisions use CIEDE2000 (imagebank/image/colour.hpp). Grey is
// taken as RGB; pixels with alpha are composited over white first, so a
// transparent border reads as a white one.
#pragma once

#include <cstdint>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/colour.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank {

struct BackgroundOptions {
  // CIEDE2000 from the border's colour up to which a pixel is background.
  double tolerance = 8.0;
};

// What the border says, and which pixels are background.
struct BackgroundMask {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  // width * height, row-major: 1 = background (reached from the image's
  // edge through pixels within the tolerance of `colour`), 0 = foreground.
  std::vector<std::uint8_t> background;
  Rgb8 colour{};  // the border ring's median colour (per channel)
  // Of the ring's pixels: within kNearWhite of white, and within the
  // tolerance of `colour` (1 = one flat colour all round).
  double white_share = 0;
  double uniformity = 0;
  double background_share = 0;  // of the picture
  // A studio's white background: most of the ring white and uniform
  // (white_share and uniformity both at least kWhiteBackgroundShare).
  bool white_background = false;
};

// CIEDE2000 from sRGB white up to which a border pixel counts as white.
inline constexpr double kNearWhite = 5.0;
inline constexpr double kWhiteBackgroundShare = 0.9;

// The ring is the outer max(1, min(width, height) / 64) pixels. Any image
// of 1-4 channels; invalid_argument for an empty image or a tolerance that
// is not a positive number.
Result<BackgroundMask> find_background(const Image& image,
                                       const BackgroundOptions& options = {});

struct RemoveBackgroundOptions {
  double tolerance = 8.0;  // as BackgroundOptions::tolerance
  // Width in pixels of the soft edge: foreground pixels this close to the
  // background get an alpha from how far their colour lies between the
  // background's and the nearest solid pixel's, and that colour with the
  // background taken out (no white halo on a dark page). 0 = a hard edge.
  int feather = 2;
  // Also clear regions of the background colour that the foreground
  // encloses (the counters of an O or an A in a wordmark).
  bool enclosed = false;
  // Below this border uniformity there is no one background colour to
  // remove: invalid_argument rather than a guess.
  double min_uniformity = 0.6;
};

// An RGBA copy of `image` with its background transparent (alpha 0), soft
// edges and colour decontamination as above; an existing alpha is kept
// (multiplied). Errors: find_background's; invalid_argument when the
// border is not uniform enough or the feather is outside 0-16.
Result<Image> remove_background(const Image& image,
                                const RemoveBackgroundOptions& options = {});

}  // namespace imagebank
