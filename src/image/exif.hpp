// Internal: the few EXIF facts imagebank reads itself.
#pragma once

#include <cstddef>
#include <span>

namespace imagebank::detail {

// The Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block
// (starting at the "II"/"MM" byte-order mark). Returns 1 when the block is
// malformed, has no such tag, or holds a value outside 1-8: a broken EXIF
// block must not make a photo unusable, and 1 means "as stored".
int exif_orientation(std::span<const std::byte> tiff) noexcept;

// Strips the "Exif\0\0" prefix that JPEG APP1 and some WebP/PNG writers put
// before the TIFF header; returns the input unchanged when it is absent.
std::span<const std::byte> skip_exif_prefix(
    std::span<const std::byte> block) noexcept;

}  // namespace imagebank::detail
