// Internal: the per-format decoders behind decode(). Each returns the image
// as stored (not oriented) in sRGB or with its ICC profile in `icc` for
// decode() to convert; errors carry no file name.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "imagebank/core/result.hpp"
#include "imagebank/image/decode.hpp"

namespace imagebank::detail {

struct RawDecode {
  Image image;
  std::vector<std::byte> icc;  // empty when none, or already applied
  bool cmyk_converted = false;
  // Tolerance bits found in the pixel data (see ImageInfo::tolerated).
  std::uint32_t tolerated = 0;
};

// Deadline of one decode, checked by decoders between rows or scans.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds budget)
      : end_(std::chrono::steady_clock::now() + budget), budget_(budget) {}
  bool expired() const { return std::chrono::steady_clock::now() > end_; }
  Status status() const;

 private:
  std::chrono::steady_clock::time_point end_;
  std::chrono::milliseconds budget_;
};

Result<RawDecode> decode_jpeg(const Source& source, const ImageInfo& info,
                              int shrink, const DecodeOptions& options,
                              const Deadline& deadline);
Result<RawDecode> decode_png(const Source& source, const ImageInfo& info,
                             const DecodeOptions& options,
                             const Deadline& deadline);
Result<RawDecode> decode_webp(const Source& source, const ImageInfo& info,
                              int shrink, const DecodeOptions& options,
                              const Deadline& deadline);
Result<RawDecode> decode_avif(const Source& source, const ImageInfo& info,
                              const DecodeOptions& options,
                              const Deadline& deadline);

// Converts `image` from the ICC profile to sRGB in place. A profile lcms2
// cannot use is ignored (logged); returns whether a conversion happened.
bool convert_to_srgb(Image& image, std::span<const std::byte> icc);

// Reads the whole source into memory (bounded by the file-size limit that
// probe already checked).
Result<std::vector<std::byte>> read_all(const Source& source);

}  // namespace imagebank::detail
