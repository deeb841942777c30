// Perceptual hashes of 64 bits: pHash, dHash and aHash, for near-duplicate
// detection (two photos of the same shot differ by a few bits; compare with
// hamming() from hamming.hpp).
//
// Two modes (HashCompat):
//  - kFast (the default): the cheapest decode that still gives a faithful
//    small grey image, upright (EXIF orientation applied, so a rotated
//    upload hashes like its upright copy): JPEG decoded straight to luma at
//    1/2-1/8 scale (shrink-on-load; a progressive JPEG at 1/8 is read only
//    up to the scan that completes the luma DC, so damage in its later scans
//    goes unnoticed), WebP shrunk on load, PNG and AVIF in full; then block
//    means down to about 64 px and imagebank's Lanczos resize. Colour
//    profiles are ignored, as imagehash ignores them. On photos it is within
//    a few bits of kImagehash, but not identical to it.
//  - kImagehash: bit for bit what Python's imagehash 4.3 returns for
//    phash/dhash/average_hash (hash_size 8) of the same file opened with
//    Pillow 13: the pixels as Pillow decodes them (full size, no EXIF
//    orientation, no colour profile), Pillow's convert("L") and its Lanczos
//    resize, then scipy's DCT, numpy's median and imagehash's bit order.
//    Use it to compare with hashes that imagehash computed elsewhere. (10-
//    and 12-bit AVIF can differ: Pillow's libavif rounds the reduction to 8
//    bits differently in some samples.)
//
// A hash is a uint64 whose most significant bit is the first element of
// imagehash's boolean matrix (row by row), so hash_to_hex() gives the
// 16-character string imagehash prints and int(str(h), 16) is the same value.
//
// Errors (each message starts with the source's name):
//   not_found / io_error   the file cannot be read
//   unsupported_format     not JPEG, PNG, WebP or AVIF (GIF, TIFF, BMP, ...)
//   corrupt_data           empty, truncated, or damaged pixel data
//   limit_exceeded         larger than Limits (checked from the header before
//                          any pixel memory is allocated), or past the decode
//                          deadline
//   invalid_argument       (the Image overload) an empty image
//
// Threading: every function may be called from any thread at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/image/image.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank {

enum class HashCompat : int {
  kFast = 0,   // shrink-on-load, upright, imagebank's resampler
  kImagehash,  // identical to imagehash 4.3 on Pillow 13
};

struct PerceptualOptions {
  HashCompat compat = HashCompat::kFast;
  Limits limits;
};

struct PerceptualHashes {
  std::uint64_t phash = 0;  // DCT of a 32x32 grey image, 8x8 low frequencies
  std::uint64_t dhash = 0;  // horizontal gradient signs of a 9x8 image
  std::uint64_t ahash = 0;  // pixels above the mean of an 8x8 image
  friend bool operator==(const PerceptualHashes&,
                         const PerceptualHashes&) = default;
};

// All three from one decode.
Result<PerceptualHashes> perceptual_hashes(
    const Source& source, const PerceptualOptions& options = {});

// One hash each (the cost is that of perceptual_hashes: the decode dominates).
Result<std::uint64_t> phash(const Source& source,
                            const PerceptualOptions& options = {});
Result<std::uint64_t> dhash(const Source& source,
                            const PerceptualOptions& options = {});
Result<std::uint64_t> ahash(const Source& source,
                            const PerceptualOptions& options = {});

// From pixels already decoded (ingest hashes its smallest intermediate). The
// image is taken as it is: no orientation or colour conversion. kImagehash
// gives what imagehash returns for PIL.Image.fromarray() of the same pixels
// (1 channel "L", 2 "LA", 3 "RGB", 4 "RGBA"). invalid_argument when empty.
Result<PerceptualHashes> perceptual_hashes(
    const Image& image, HashCompat compat = HashCompat::kFast);

// 16 lowercase hex digits, most significant first (imagehash's str()).
std::string hash_to_hex(std::uint64_t hash);
// Parses 16 hex digits (either case); invalid_argument otherwise.
Result<std::uint64_t> hash_from_hex(std::string_view hex);

}  // namespace imagebank
