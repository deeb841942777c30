#include "imagebank/hash/pdq.hpp"

#include <string>

#include "hash/pdq_internal.hpp"
#include "imagebank/image/decode.hpp"

namespace imagebank {
namespace {

using pdq_internal::Dihedral;

// Shrink-on-load keeps the shorter side at least twice this. At 1024 and
// more pixels PDQ's blur averages cells of 16 or more decoded pixels, so a
// JPEG's 1/2-1/8 DCT scaling barely moves it (measured over the corpus:
// see tests/data/hash/README_pdq.md).
constexpr std::uint32_t kShrinkTarget = 512;

Status check_size(const Image& image) {
  if (image.empty()) return invalid_argument_error("PDQ of an empty image");
  if (image.width() < kPdqMinDimension || image.height() < kPdqMinDimension) {
    return invalid_argument_error("image is " + std::to_string(image.width()) +
                                  "x" + std::to_string(image.height()) +
                                  "; PDQ needs at least " +
                                  std::to_string(kPdqMinDimension) + "x" +
                                  std::to_string(kPdqMinDimension) + " pixels");
  }
  return ok_status();
}

Result<Image> decode_for_pdq(const Source& source, const Limits& limits) {
  DecodeOptions options;
  options.limits = limits;
  options.target_width = kShrinkTarget;
  options.target_height = kShrinkTarget;
  IMAGEBANK_ASSIGN_OR_RETURN(Image image, decode(source, options));
  IMAGEBANK_RETURN_IF_ERROR(check_size(image).with_context(source.name()));
  return image;
}

// The downsample, its DCT and quality; from the reference's own roundings
// when the fast downsample's bits could differ from them.
struct Analysis {
  pdq_internal::Dct dct;
  int quality;
};

Analysis analyse(const Image& image) {
  pdq_internal::Grid grid = pdq_internal::downsample(image);
  pdq_internal::Dct dct = pdq_internal::dct(grid);
  if (pdq_internal::near_median(dct)) {
    grid = pdq_internal::downsample_exact(image);
    dct = pdq_internal::dct(grid);
  }
  return {dct, pdq_internal::quality(grid)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<PdqHash> pdq(const Image& image) {
  IMAGEBANK_RETURN_IF_ERROR(check_size(image));
  const Analysis a = analyse(image);
  return PdqHash{pdq_internal::threshold(a.dct), a.quality};
}

Result<PdqHash> pdq(const Source& source, const Limits& limits) {
  IMAGEBANK_ASSIGN_OR_RETURN(const Image image, decode_for_pdq(source, limits));
  return pdq(image);
}

Result<std::array<PdqHash, 8>> pdq_dihedral(const Image& image) {
  IMAGEBANK_RETURN_IF_ERROR(check_size(image));
  const Analysis a = analyse(image);
  std::array<PdqHash, 8> out;
  for (int d = 0; d < 8; ++d) {
    out[d].hash = pdq_internal::threshold(
        pdq_internal::transform(a.dct, static_cast<Dihedral>(d)));
    out[d].quality = a.quality;
  }
  return out;
}

Result<std::array<PdqHash, 8>> pdq_dihedral(const Source& source,
                                            const Limits& limits) {
  IMAGEBANK_ASSIGN_OR_RETURN(const Image image, decode_for_pdq(source, limits));
  return pdq_dihedral(image);
}

std::string pdq_to_hex(const Hash256& hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(64, '0');
  for (int i = 0; i < 64; ++i) {
    // Digit i (from the left) holds bits 255 - 4i down to 252 - 4i.
    const int bit = 252 - 4 * i;
    s[i] = kHex[(hash[bit / 64] >> (bit % 64)) & 15];
  }
  return s;
}

Result<Hash256> pdq_from_hex(std::string_view hex) {
  if (hex.size() != 64) {
    return invalid_argument_error("a PDQ hash is 64 hex digits, got " +
                                  std::to_string(hex.size()) + " characters");
  }
  Hash256 hash{};
  for (int i = 0; i < 64; ++i) {
    const int v = hex_value(hex[i]);
    if (v < 0) {
      return invalid_argument_error("not a hex digit at position " +
                                    std::to_string(i) + " of PDQ hash '" +
                                    std::string(hex) + "'");
    }
    const int bit = 252 - 4 * i;
    hash[bit / 64] |= static_cast<std::uint64_t>(v) << (bit % 64);
  }
  return hash;
}

std::array<std::uint8_t, 32> pdq_to_bytes(const Hash256& hash) {
  std::array<std::uint8_t, 32> out{};
  for (int i = 0; i < 32; ++i) {
    const int bit = 248 - 8 * i;
    out[i] = static_cast<std::uint8_t>(hash[bit / 64] >> (bit % 64));
  }
  return out;
}

}  // namespace imagebank
