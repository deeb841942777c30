// probe: the cheap header read. Identifies the format and reads dimensions,
// channels, orientation, ICC presence and frame count without decoding any
// pixels, and checks them against Limits.
//
// Errors (each message starts with the source's name):
//   not_found / io_error   the file cannot be read
//   unsupported_format     not JPEG, PNG, WebP or AVIF (the message names the
//                          format when it is recognised, e.g. GIF or HEIC)
//   corrupt_data           empty, truncated, or malformed
//   limit_exceeded         larger than Limits allows (file size, dimensions,
//                          pixel count, metadata)
//
// Structure is checked cheaply as well: a JPEG must have its end-of-image
// marker after the scan data, PNG/WebP/AVIF chunk or box sizes must fit the
// file, so a truncated upload is caught here, before any decode.
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <span>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/image_info.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank {

Result<ImageInfo> probe(const Source& source, const Limits& limits = {});
Result<ImageInfo> probe(const std::filesystem::path& path,
                        const Limits& limits = {});
Result<ImageInfo> probe(std::span<const std::byte> bytes,
                        const Limits& limits = {});
Result<ImageInfo> probe(std::istream& stream, const Limits& limits = {});

}  // namespace imagebank
