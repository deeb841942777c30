// BlurHash: a picture's blurred placeholder in 6-30 ASCII characters (the
// published Wolt algorithm), which a page paints while the real image
// loads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "imagebank/core/result.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank {

// The BlurHash of `image` with x_components x y_components cosine
// components (each 1-9; 4 x 3 suits a portrait product photo). Grey is
// taken as RGB; alpha is composited over white (the product-shot
// convention). Cost: width x height x x_components multiply-adds per
// channel, so callers pass a small picture (the hash of a 64 px
// thumbnail equals the full picture's to within the quantisation).
// invalid_argument for an empty image or components outside 1-9.
Result<std::string> blurhash_encode(const Image& image, int x_components = 4,
                                    int y_components = 3);

// Paints `hash` at width x height (RGB). `punch` (> 0) scales the
// contrast, 1 = as encoded. invalid_argument naming the fault for a hash of
// the wrong length or with a character outside the alphabet, a zero size or
// more than 4096 px a side.
Result<Image> blurhash_decode(std::string_view hash, std::uint32_t width,
                              std::uint32_t height, double punch = 1.0);

}  // namespace imagebank
