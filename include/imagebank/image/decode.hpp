// decode: from encoded bytes to an Image in sRGB, upright.
//
// One code path for files, buffers and streams (all through Source). The
// header is checked against Limits before any pixel buffer is allocated.
// JPEG and WebP shrink on load: when the caller says how large the final
// output will be, they decode at 1/2, 1/4 or 1/8 scale as long as the result
// stays at least twice that size (the libvips rule), which is both faster
// and, after the final resize, indistinguishable.
//
// Errors (message starts with the source's name): as probe(), plus
// corrupt_data for damage found in the pixel data, limit_exceeded for a JPEG
// with more scans than Limits::jpeg_max_scans or a decode past
// Limits::decode_deadline.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/image.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank {

struct DecodeOptions {
  Limits limits;
  // The largest size (as displayed, after orientation) that will be made
  // from this decode; 0 = no shrink-on-load (full size).
  std::uint32_t target_width = 0;
  std::uint32_t target_height = 0;
  // Apply the EXIF (or AVIF irot/imir) orientation.
  bool auto_orient = true;
  // Convert an embedded ICC profile to sRGB (CMYK is always converted).
  bool to_srgb = true;
};

// What decode() did, for callers that need more than the pixels.
struct DecodeReport {
  ImageInfo info;  // the header, as probe() reports it
  int shrink = 1;  // the shrink-on-load factor used: 1, 2, 4 or 8
  bool icc_converted = false;
};

Result<Image> decode(const Source& source, const DecodeOptions& options = {},
                     DecodeReport* report = nullptr);
Result<Image> decode(const std::filesystem::path& path,
                     const DecodeOptions& options = {},
                     DecodeReport* report = nullptr);
Result<Image> decode(std::span<const std::byte> bytes,
                     const DecodeOptions& options = {},
                     DecodeReport* report = nullptr);

// The shrink-on-load factor (1, 2, 4 or 8) for an image of stored size
// width x height and a display target: the largest that keeps the decoded
// image at least twice the target in both directions. A target of 0x0 gives 1.
int shrink_on_load_factor(std::uint32_t width, std::uint32_t height,
                          int orientation, std::uint32_t target_width,
                          std::uint32_t target_height) noexcept;

// Rotates/flips `image` so that an image stored with EXIF `orientation`
// (1-8) is displayed upright. invalid_argument for other values.
Result<Image> apply_orientation(const Image& image, int orientation);

}  // namespace imagebank
