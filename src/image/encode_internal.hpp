// Internal: the per-format encoders behind encode(), and the metadata blocks
// they share. encode() validates the image and options before calling an
// encoder, so encoders may assume a non-empty image and options in range.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank::detail {

Result<std::vector<std::byte>> encode_jpeg(const Image& image,
                                           const EncodeOptions& options);
Result<std::vector<std::byte>> encode_png(const Image& image,
                                          const EncodeOptions& options);
Result<std::vector<std::byte>> encode_webp(const Image& image,
                                           const EncodeOptions& options);
Result<std::vector<std::byte>> encode_avif(const Image& image,
                                           const EncodeOptions& options);

// Versions of the codec libraries as the fingerprint names them, e.g.
// "libjpeg-turbo 2.1.5". Each lives next to the encoder that uses the library
// so that encode.cpp needs no codec headers.
std::string jpeg_encoder_version();
std::string png_encoder_version();
std::string webp_encoder_version();
std::string avif_encoder_version();

// The settings of `options` each encoder's bytes depend on, e.g.
// "jpeg:q80:p1:420:o1" (encoder_fingerprint() adds the shared ones).
std::string jpeg_encoder_settings(const EncodeOptions& options);
std::string png_encoder_settings(const EncodeOptions& options);
std::string webp_encoder_settings(const EncodeOptions& options);
std::string avif_encoder_settings(const EncodeOptions& options);

// The ICC profile embedded for keep_srgb_icc: lcms2's compact (v4, ~600
// bytes) sRGB profile, or for gray encodings a gray profile with the sRGB
// tone curve (an RGB profile in a gray JPEG or PNG is invalid). Built once
// per process; the creation date lcms2 stamps into the header is replaced by
// a fixed one so that encodes stay byte-for-byte reproducible. internal when
// lcms2 fails.
Result<std::span<const std::byte>> srgb_icc_profile(bool gray);

// A minimal EXIF block: a big-endian TIFF header and one IFD0 entry,
// Copyright (0x8298, ASCII). Starts at the "MM" byte-order mark, without the
// "Exif\0\0" prefix that only JPEG's APP1 wants (kExifJpegPrefix).
std::vector<std::byte> exif_copyright_tiff(std::string_view copyright);
inline constexpr std::string_view kExifJpegPrefix{"Exif\0\0", 6};

// The bytes the ICC profile and EXIF block of `options` need, fetched once by
// each encoder; both empty when not asked for.
struct EncodeMetadata {
  std::span<const std::byte> icc;
  std::vector<std::byte> exif;  // TIFF, no prefix
};
Result<EncodeMetadata> encode_metadata(const EncodeOptions& options, bool gray);

}  // namespace imagebank::detail
