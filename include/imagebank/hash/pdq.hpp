// PDQ: Meta's 256-bit perceptual hash with a quality score (the algorithm of
// "pdqhash-2017-10-09"), compatible with the reference implementation in
// ThreatExchange: the same luma, downsample, DCT, threshold, bit order and
// hex form, so hashes compare with those made by other PDQ tools. Two images
// are usually called matches at a Hamming distance of 31 or less.
//
// What is hashed: the luma 0.299 R + 0.587 G + 0.114 B of every pixel (grey
// images: the grey value). Alpha is ignored, as the reference does: a
// transparent pixel counts with the colour stored under it.
//
// Quality (0-100) says how much structure the image has; below about 50 the
// hash is unreliable (flat or nearly flat images all hash alike) and the
// reference tools drop such hashes from matching.
//
// Given the same pixels, the hash equals the reference's (pdqhash 0.2.8)
// bit for bit on every test and corpus image, within 2 bits by design.
// Cost: about 1 ns per pixel on one core (the 64x64 downsample reads each
// pixel once). An image without structure (one colour, or its content only
// in alpha) has every DCT coefficient at rounding-noise level; it is hashed
// again with the reference's own float roundings, about 6 ns per pixel.
//
// Threading: every function is safe to call from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "imagebank/core/limits.hpp"
#include "imagebank/core/result.hpp"
#include "imagebank/hash/hamming.hpp"
#include "imagebank/image/image.hpp"
#include "imagebank/image/source.hpp"

namespace imagebank {

// Bit i * 16 + j (word (i * 16 + j) / 64) is DCT coefficient (i, j) of the
// 16x16 lowest frequencies, set when it is above their median.
struct PdqHash {
  Hash256 hash{};
  int quality = 0;
  friend bool operator==(const PdqHash&, const PdqHash&) = default;
};

// The smallest width and height hashed (the reference's limit).
inline constexpr std::uint32_t kPdqMinDimension = 5;

// The hash of a decoded image of any channel count (1-4), as it is stored:
// no orientation is applied. invalid_argument for an empty image or one
// narrower or shorter than kPdqMinDimension (where the reference returns an
// all-zero hash of quality 0, which would match every other tiny image).
Result<PdqHash> pdq(const Image& image);

// Decodes `source` upright and in sRGB (auto-orient, ICC to sRGB) and hashes
// it. Large JPEGs and WebPs are decoded at a reduced scale (shrink-on-load)
// that keeps at least 1024 pixels on the shorter side, where PDQ's own
// downsample averages blocks far larger than the reduction: the hash stays
// within a few bits of the full-size one. Errors: as decode() (the message
// names the source), and invalid_argument, naming the source, for an image
// below kPdqMinDimension.
Result<PdqHash> pdq(const Source& source, const Limits& limits = {});

// The hashes of the image's 8 rotations and flips, in the reference's order,
// all from one downsample and one DCT (a rotation or flip permutes and
// negates DCT coefficients):
//   0 original,
//   1 rotated 90 degrees counter-clockwise,
//   2 rotated 180 degrees,
//   3 rotated 270 degrees counter-clockwise (90 clockwise),
//   4 flipped upside down (mirrored about the horizontal axis; the
//     reference's "flipX"),
//   5 mirrored left-right (about the vertical axis; "flipY"),
//   6 transposed (mirrored about the main diagonal),
//   7 transversed (mirrored about the anti-diagonal).
// Entry k matches pdq() of the image so transformed: equal when the
// downsample is symmetric (e.g. sides that are odd multiples of 64 with odd
// box windows), within a few bits for large images, and, for small ones
// whose sample grid is off by a pixel one way, within PDQ's usual match
// threshold (as with the reference). Every entry has the image's quality.
// Errors: as pdq().
Result<std::array<PdqHash, 8>> pdq_dihedral(const Image& image);
Result<std::array<PdqHash, 8>> pdq_dihedral(const Source& source,
                                            const Limits& limits = {});

// 64 lowercase hex digits: the 256-bit number whose bit k is bit k of the
// hash, most significant digit first (the reference's text form).
std::string pdq_to_hex(const Hash256& hash);

// Parses pdq_to_hex()'s form (either case). invalid_argument for any other
// length or a non-hex character.
Result<Hash256> pdq_from_hex(std::string_view hex);

// The 32 bytes of the hex form: big-endian, byte 0 holds bits 255-248.
std::array<std::uint8_t, 32> pdq_to_bytes(const Hash256& hash);

}  // namespace imagebank
