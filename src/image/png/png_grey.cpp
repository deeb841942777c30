// PNG as Pillow opens it, straight to "L" rows. libspng hands out the raw
// samples (big-endian, packed below 8 bits) and each colour type and depth
// is converted the way Pillow's PNG modes, unpackers and convert("L") do.
#include <spng.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "../grey_internal.hpp"
#include "png_io.hpp"

namespace imagebank::detail {
namespace {

// How one raw row becomes "L".
class RowConverter {
 public:
  RowConverter(const spng_ihdr& ihdr, const spng_plte* plte, bool pillow_16bit)
      : type_(ihdr.color_type),
        depth_(ihdr.bit_depth),
        width_(ihdr.width),
        pillow_16bit_(pillow_16bit) {
    // Palette entries past the PLTE are black in Pillow's palette.
    luma_.fill(0);
    if (plte) {
      for (std::uint32_t i = 0; i < plte->n_entries && i < 256; ++i) {
        const spng_plte_entry& e = plte->entries[i];
        luma_[i] = pillow_luma(e.red, e.green, e.blue);
      }
    }
    if (type_ == SPNG_COLOR_TYPE_GRAYSCALE && depth_ < 8) {
      // Pillow's "1", "L;2" and "L;4" unpackers stretch to 0-255.
      const unsigned scale = depth_ == 1 ? 255 : depth_ == 2 ? 85 : 17;
      for (unsigned v = 0; v < (1u << depth_); ++v) {
        luma_[v] = static_cast<std::uint8_t>(v * scale);
      }
    }
  }

  void convert(const std::uint8_t* in, std::uint8_t* out) const {
    const std::size_t w = width_;
    const bool wide = depth_ == 16;
    switch (type_) {
      case SPNG_COLOR_TYPE_GRAYSCALE:
        if (depth_ < 8) {
          unpack_lookup(in, out);
        } else if (!wide) {
          std::copy_n(in, w, out);
        } else if (pillow_16bit_) {
          // Mode "I;16" to "L" saturates: any value above 255 is white.
          for (std::size_t x = 0; x < w; ++x) {
            out[x] = in[2 * x] != 0 ? 255 : in[2 * x + 1];
          }
        } else {
          for (std::size_t x = 0; x < w; ++x) out[x] = in[2 * x];
        }
        return;
      case SPNG_COLOR_TYPE_INDEXED:
        if (depth_ < 8) {
          unpack_lookup(in, out);
        } else {
          for (std::size_t x = 0; x < w; ++x) out[x] = luma_[in[x]];
        }
        return;
      case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA: {
        // "LA", or for 16 bits "RGBA" with R = G = B: the grey's high byte.
        const std::size_t step = wide ? 4 : 2;
        for (std::size_t x = 0; x < w; ++x) out[x] = in[step * x];
        return;
      }
      case SPNG_COLOR_TYPE_TRUECOLOR:
      case SPNG_COLOR_TYPE_TRUECOLOR_ALPHA: {
        // 16-bit samples keep their high byte ("RGB;16B", "RGBA;16B").
        const std::size_t channels = type_ == SPNG_COLOR_TYPE_TRUECOLOR ? 3 : 4;
        const std::size_t bytes = wide ? 2 : 1;
        const std::size_t step = channels * bytes;
        for (std::size_t x = 0; x < w; ++x) {
          const std::uint8_t* p = in + step * x;
          out[x] = pillow_luma(p[0], p[bytes], p[2 * bytes]);
        }
        return;
      }
      default:
        return;
    }
  }

 private:
  // Samples of 1, 2 or 4 bits, most significant first, through luma_.
  void unpack_lookup(const std::uint8_t* in, std::uint8_t* out) const {
    const unsigned per_byte = 8 / depth_;
    const unsigned mask = (1u << depth_) - 1;
    for (std::size_t x = 0; x < width_; ++x) {
      const unsigned shift = 8 - depth_ * (1 + x % per_byte);
      out[x] = luma_[(in[x / per_byte] >> shift) & mask];
    }
  }

  std::uint8_t type_;
  std::uint8_t depth_;
  std::uint32_t width_;
  bool pillow_16bit_;
  std::array<std::uint8_t, 256> luma_{};
};

constexpr std::size_t kBatch = 16;

}  // namespace

Status decode_png_grey(const Source& source, const Limits& limits,
                       const Deadline& deadline, GreyRowSink& sink,
                       bool pillow_16bit) {
  PngDecoder png;
  IMAGEBANK_RETURN_IF_ERROR(png.open(source, limits));
  const spng_ihdr& ihdr = png.ihdr();
  spng_plte plte{};
  const bool has_plte = spng_get_plte(png.get(), &plte) == 0;
  const RowConverter converter(ihdr, has_plte ? &plte : nullptr, pillow_16bit);
  std::size_t size = 0;
  if (int err = spng_decoded_image_size(png.get(), SPNG_FMT_RAW, &size)) {
    return png_error(err);
  }
  const std::size_t row_bytes = size / ihdr.height;
  IMAGEBANK_RETURN_IF_ERROR(sink.begin(ihdr.width, ihdr.height));
  std::vector<std::uint8_t> luma(std::size_t{ihdr.width} * kBatch);

  if (ihdr.interlace_method != 0) {
    // Adam7 comes out deinterlaced only from a whole-image decode.
    std::unique_ptr<std::uint8_t[]> raw(new (std::nothrow) std::uint8_t[size]);
    if (!raw) return limit_exceeded_error("out of memory");
    if (int err =
            spng_decode_image(png.get(), raw.get(), size, SPNG_FMT_RAW, 0)) {
      return png_error(err);
    }
    if (deadline.expired()) return deadline.status();
    for (std::uint32_t y = 0; y < ihdr.height; y += kBatch) {
      const std::size_t n = std::min<std::size_t>(kBatch, ihdr.height - y);
      for (std::size_t i = 0; i < n; ++i) {
        converter.convert(raw.get() + (y + i) * row_bytes,
                          luma.data() + i * ihdr.width);
      }
      sink.rows(luma.data(), n, ihdr.width);
    }
    return ok_status();
  }

  if (int err = spng_decode_image(png.get(), nullptr, 0, SPNG_FMT_RAW,
                                  SPNG_DECODE_PROGRESSIVE)) {
    return png_error(err);
  }
  std::vector<std::uint8_t> raw(row_bytes);
  std::size_t pending = 0;
  for (std::uint32_t y = 0; y < ihdr.height; ++y) {
    const int err = spng_decode_row(png.get(), raw.data(), raw.size());
    if (err != 0 && !(err == SPNG_EOI && y + 1 == ihdr.height)) {
      return png_error(err);
    }
    converter.convert(raw.data(), luma.data() + pending * ihdr.width);
    if (++pending == kBatch || y + 1 == ihdr.height) {
      sink.rows(luma.data(), pending, ihdr.width);
      pending = 0;
      if (deadline.expired()) return deadline.status();
    }
  }
  return ok_status();
}

}  // namespace imagebank::detail
