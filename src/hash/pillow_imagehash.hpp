// Internal: imagehash 4.3's arithmetic after the resize, reproduced bit for
// bit.
//
// The pHash DCT is scipy.fftpack.dct (type II, unnormalised), which scipy
// 1.17 computes with pocketfft: a real backward FFT of length 32 (radix
// passes 2, 4, 4) between a pre- and a post-twiddle. Its rounding decides
// the bits of coefficients that tie with the median in exact arithmetic
// (flat or symmetric images), so pillow_imagehash.cpp performs the same
// floating-point operations in the same order, with twiddles from the same
// libm calls, and is compiled without FMA contraction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace imagebank::pillow {

// scipy.fftpack.dct(x) of 32 values, in place.
void scipy_dct32(double* x);

// imagehash.phash of a 32x32 "L" image (row-major): the DCT along axis 0,
// then axis 1, the 8x8 lowest frequencies against their numpy median.
std::uint64_t phash_bits(const std::uint8_t* pixels32x32);
// imagehash.dhash of a 9x8 (width x height) image: pixel > its left neighbour.
std::uint64_t dhash_bits(const std::uint8_t* pixels9x8);
// imagehash.average_hash of an 8x8 image: pixel > numpy.mean of all 64.
std::uint64_t ahash_bits(const std::uint8_t* pixels8x8);

}  // namespace imagebank::pillow
