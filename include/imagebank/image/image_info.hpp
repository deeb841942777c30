// ImageInfo: what a header read tells about an image, without decoding it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imagebank/image/format.hpp"

namespace imagebank {

// What the decoding policy (Limits::fail_on) let through in a file: bits of
// ImageInfo::tolerated. A clean file has none.
enum class Tolerance : std::uint32_t {
  // Bytes between JPEG markers ("extraneous bytes before marker"), written
  // by some cameras and EXIF editors. Tolerated from FailOn::kError down.
  kJpegExtraneousBytes = 1u << 0,
  // Another libjpeg warning that leaves the picture whole (an unknown JFIF
  // revision, a bad Adobe transform or ICC marker, an odd progression).
  kJpegWarning = 1u << 1,
  // An ancillary PNG chunk whose CRC does not match: dropped, not read.
  kPngAncillaryCrc = 1u << 2,
  // An AVIF that libavif's strict mode refuses (no `pixi`, an invalid
  // `clap`, alpha without `ispe`) and its lenient mode decodes.
  kAvifNotStrict = 1u << 3,
  // Damaged image data decoded anyway (a bad JPEG Huffman code, a bad CRC
  // on a critical PNG chunk): from FailOn::kTruncated down.
  kCorruptData = 1u << 4,
  // A JPEG cut short, its missing rows grey: FailOn::kNone only.
  kTruncated = 1u << 5,
};

// The names of the bits set in `tolerated`, in the order above:
// "jpeg_extraneous_bytes", "jpeg_warning", "png_ancillary_crc",
// "avif_not_strict", "corrupt_data", "truncated".
std::vector<std::string> tolerance_names(std::uint32_t tolerated);
// The names joined with commas (empty for a clean file): the catalog's form.
std::string tolerance_text(std::uint32_t tolerated);

struct ImageInfo {
  Format format = Format::kUnknown;
  // Stored dimensions, before EXIF orientation is applied (an orientation of
  // 5-8 swaps them for display).
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  // Channels of the decoded image: 1 gray, 2 gray+alpha, 3 colour, 4 colour
  // with alpha (or CMYK for a 4-component JPEG, where has_alpha is false).
  int channels = 0;
  // Bits per sample as stored (8 for palette PNGs, 8/12 for JPEG, 8/10/12 for
  // AVIF, 1/2/4/8/16 for gray and colour PNGs).
  int bit_depth = 0;
  bool has_alpha = false;
  // EXIF orientation 1-8 (1 when absent). For AVIF, the irot/imir transform
  // expressed as the equivalent EXIF value.
  int orientation = 1;
  // A progressive (multi-scan) JPEG; false for every other format.
  bool progressive = false;
  // An embedded ICC colour profile is present.
  bool icc = false;
  // Frames in an animation (PNG acTL, WebP ANMF, AVIF sequence); 1 for stills.
  std::uint32_t frames = 1;
  // Size of the encoded file.
  std::uint64_t bytes = 0;
  // Tolerance bits: what the decoding policy let through. probe() reports
  // what the header read found; decode() adds what the pixel data showed.
  std::uint32_t tolerated = 0;
  bool has(Tolerance t) const noexcept {
    return (tolerated & static_cast<std::uint32_t>(t)) != 0;
  }

  // Width and height as displayed, after orientation.
  std::uint32_t display_width() const noexcept {
    return orientation >= 5 ? height : width;
  }
  std::uint32_t display_height() const noexcept {
    return orientation >= 5 ? width : height;
  }

  friend bool operator==(const ImageInfo&, const ImageInfo&) = default;
};

}  // namespace imagebank
