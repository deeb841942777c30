// make_variants() with what it saw on the way, for the ingest pipeline: the
// header and the smallest whole picture it resized, from which ingest takes
// the perceptual hashes without decoding the file a second time. Internal.
#pragma once

#include <cstdint>
#include <vector>

#include "imagebank/image/image.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/variants/variants.hpp"

namespace imagebank {

struct VariantPixels {
  ImageInfo info;
  std::uint32_t display_width = 0;  // after EXIF orientation
  std::uint32_t display_height = 0;
  Image whole;  // upright, sRGB, not cropped or padded
};

// make_variants(); when `pixels` is not null it is filled on success.
Result<std::vector<Variant>> make_variants_internal(
    const Source& source, const VariantOptions& options, VariantPixels* pixels);

}  // namespace imagebank
