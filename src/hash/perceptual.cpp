#include "imagebank/hash/perceptual.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "imagebank/image/grey.hpp"
#include "imagebank/image/resize.hpp"
#include "pillow_imagehash.hpp"
#include "pillow_resample.hpp"

namespace imagebank {
namespace {

// The sizes imagehash resizes to for hash_size 8: pHash 32x32 (8 x its
// highfreq_factor 4), dHash 9x8, aHash 8x8.
constexpr std::array<pillow::Size2, 3> kSizes = {{{32, 32}, {9, 8}, {8, 8}}};

PerceptualHashes hashes_of(const std::uint8_t* p32, const std::uint8_t* d9x8,
                           const std::uint8_t* a8) {
  PerceptualHashes h;
  h.phash = pillow::phash_bits(p32);
  h.dhash = pillow::dhash_bits(d9x8);
  h.ahash = pillow::ahash_bits(a8);
  return h;
}

// The grey rows go straight into Pillow's resampler, all three sizes at once.
class CompatSink final : public GreyRowSink {
 public:
  Status begin(std::uint32_t width, std::uint32_t height) override {
    resampler_.emplace(width, height, kSizes);
    return ok_status();
  }
  void rows(const std::uint8_t* rows, std::size_t count,
            std::size_t stride) override {
    resampler_->add_rows(rows, count, stride);
  }
  PerceptualHashes hashes() {
    return hashes_of(resampler_->result(0).data(), resampler_->result(1).data(),
                     resampler_->result(2).data());
  }

 private:
  std::optional<pillow::Resampler> resampler_;
};

// Averages factor x factor blocks (the last ones partial): a large grey
// image is first brought down to about twice the pHash size the way a
// JPEG's 1/8 decode is (a block mean), then resampled with Lanczos.
Image box_shrink(const Image& grey, std::uint32_t factor) {
  const std::uint32_t w = (grey.width() + factor - 1) / factor;
  const std::uint32_t h = (grey.height() + factor - 1) / factor;
  Image out = *Image::create(
      w, h, 1, Limits{.max_pixels = UINT64_MAX, .max_dimension = UINT32_MAX});
  std::vector<std::uint32_t> sums(w);
  for (std::uint32_t by = 0; by < h; ++by) {
    std::fill(sums.begin(), sums.end(), 0u);
    const std::uint32_t y0 = by * factor;
    const std::uint32_t y1 = std::min(grey.height(), y0 + factor);
    for (std::uint32_t y = y0; y < y1; ++y) {
      const std::uint8_t* row = grey.row(y);
      for (std::uint32_t bx = 0; bx < w; ++bx) {
        const std::uint32_t x0 = bx * factor;
        const std::uint32_t x1 = std::min(grey.width(), x0 + factor);
        std::uint32_t s = 0;
        for (std::uint32_t x = x0; x < x1; ++x) s += row[x];
        sums[bx] += s;
      }
    }
    for (std::uint32_t bx = 0; bx < w; ++bx) {
      const std::uint32_t n =
          (std::min(grey.width(), (bx + 1) * factor) - bx * factor) * (y1 - y0);
      out.row(by)[bx] = static_cast<std::uint8_t>((sums[bx] + n / 2) / n);
    }
  }
  return out;
}

Result<PerceptualHashes> fast_hashes(const Image& image) {
  IMAGEBANK_ASSIGN_OR_RETURN(Image grey, pillow_grey(image));
  // The shrink-on-load rule: keep at least twice the pHash size per side.
  const std::uint32_t factor =
      std::min(grey.width(), grey.height()) / (2 * kSizes[0].width);
  if (factor >= 2) grey = box_shrink(grey, factor);
  std::array<Image, 3> small;
  for (std::size_t i = 0; i < kSizes.size(); ++i) {
    IMAGEBANK_ASSIGN_OR_RETURN(small[i],
                               resize(grey, kSizes[i].width, kSizes[i].height));
  }
  return hashes_of(small[0].data(), small[1].data(), small[2].data());
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<PerceptualHashes> perceptual_hashes(const Source& source,
                                           const PerceptualOptions& options) {
  if (options.compat == HashCompat::kImagehash) {
    CompatSink sink;
    IMAGEBANK_RETURN_IF_ERROR(decode_pillow_grey(source, options.limits, sink));
    return sink.hashes();
  }
  // Shrunk on load to at least twice the 32x32 pHash input per side.
  IMAGEBANK_ASSIGN_OR_RETURN(
      const Image grey,
      decode_fast_grey(source, options.limits, kSizes[0].width));
  return fast_hashes(grey);
}

Result<std::uint64_t> phash(const Source& source,
                            const PerceptualOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(const PerceptualHashes h,
                             perceptual_hashes(source, options));
  return h.phash;
}

Result<std::uint64_t> dhash(const Source& source,
                            const PerceptualOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(const PerceptualHashes h,
                             perceptual_hashes(source, options));
  return h.dhash;
}

Result<std::uint64_t> ahash(const Source& source,
                            const PerceptualOptions& options) {
  IMAGEBANK_ASSIGN_OR_RETURN(const PerceptualHashes h,
                             perceptual_hashes(source, options));
  return h.ahash;
}

Result<PerceptualHashes> perceptual_hashes(const Image& image,
                                           HashCompat compat) {
  if (image.empty()) {
    return invalid_argument_error("cannot hash an empty image");
  }
  if (compat == HashCompat::kImagehash) {
    CompatSink sink;
    IMAGEBANK_RETURN_IF_ERROR(pillow_grey_rows(image, sink));
    return sink.hashes();
  }
  return fast_hashes(image);
}

std::string hash_to_hex(std::uint64_t hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) s[i] = kHex[hash & 15];
  return s;
}

Result<std::uint64_t> hash_from_hex(std::string_view hex) {
  if (hex.size() != 16) {
    return invalid_argument_error("a 64-bit hash is 16 hex digits, got " +
                                  std::to_string(hex.size()) + " characters");
  }
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const int v = hex_value(hex[i]);
    if (v < 0) {
      return invalid_argument_error("not a hex digit at position " +
                                    std::to_string(i) + " of '" +
                                    std::string(hex) + "'");
    }
    value = (value << 4) | static_cast<std::uint64_t>(v);
  }
  return value;
}

}  // namespace imagebank
