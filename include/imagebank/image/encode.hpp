// Encoding decoded images to JPEG, PNG, WebP and AVIF.
//
// Encoders write no metadata unless asked: no EXIF, no XMP, no comment, no
// ICC profile (sRGB is assumed by browsers); `keep_srgb_icc` embeds the
// standard sRGB profile. The same image and options always give the same
// bytes with the same library versions.
//
// Channels: gray stays gray where the format has it (JPEG, PNG, AVIF 4:0:0;
// WebP expands it to RGB). JPEG has no alpha: gray+alpha and RGBA are
// composited over white, the product-shot convention, so a cut-out keeps a
// white background. PNG, WebP and AVIF keep alpha exactly (WebP may change
// the invisible colour of fully transparent pixels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/format.hpp"
#include "imagebank/image/image.hpp"

namespace imagebank {

enum class ChromaSubsampling : int { k420 = 0, k444 };

struct EncodeOptions {
  Format format = Format::kJpeg;
  // 1-100 (JPEG, WebP lossy, AVIF). Ignored for PNG and lossless WebP.
  int quality = 80;
  // JPEG
  bool progressive = true;
  // JPEG and AVIF colour (lossy WebP is always 4:2:0; gray has no chroma).
  ChromaSubsampling subsampling = ChromaSubsampling::k420;
  bool optimize_coding = true;  // optimised Huffman tables
  // WebP: 0 (fast) - 6 (small); lossless mode for graphics.
  int effort = 4;
  bool lossless = false;
  // AVIF (aom): speed 0 (slow, small) - 10 (fast); threads 0 = 1. libaom's
  // output depends on the thread count, so it is part of the fingerprint.
  // Quality maps to a quantizer as in libavif 1.x: round((100 - q) * 0.63).
  int speed = 8;
  int threads = 1;
  // PNG: zlib level 0-9.
  int compression_level = 6;
  // Embed the sRGB ICC profile (JPEG, PNG, WebP, AVIF).
  bool keep_srgb_icc = false;
  // Copyright notice to embed as EXIF Copyright (empty: none); at most 2000
  // bytes and no NUL. UTF-8 is stored as is, as most writers do.
  std::string copyright;
};

// invalid_argument for an empty image, an option out of range (the message
// names it), an image larger than the format allows (JPEG 65,500 and WebP
// 16,383 px per side), or a format that cannot be written (GIF, ...);
// limit_exceeded when memory runs out; internal if the codec fails.
Result<std::vector<std::byte>> encode(const Image& image,
                                      const EncodeOptions& options);

// A short text identifying the encoder settings and codec library versions,
// e.g. "jpeg:q80:p1:420:o1|libjpeg-turbo 2.1.5"; variant keys include it so
// that changing either invalidates stored variants.
std::string encoder_fingerprint(const EncodeOptions& options);

}  // namespace imagebank
