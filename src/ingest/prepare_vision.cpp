// prepare_vision_image: an original → the small upright RGB picture and the
// JPEG every analyzer receives.
#include <algorithm>
#include <cstring>

#include "imagebank/hash/sha256.hpp"
#include "imagebank/image/decode.hpp"
#include "imagebank/image/encode.hpp"
#include "imagebank/image/resize.hpp"
#include "imagebank/ingest/analysis.hpp"

namespace imagebank {
namespace {

// 8-bit RGB rows: grey replicated, alpha composited onto white.
std::vector<std::uint8_t> to_rgb(const Image& image) {
  const std::size_t pixels =
      static_cast<std::size_t>(image.width()) * image.height();
  std::vector<std::uint8_t> out(pixels * 3);
  const int channels = image.channels();
  const std::uint8_t* in = image.data();
  for (std::size_t i = 0; i < pixels; ++i, in += channels) {
    std::uint8_t rgb[3];
    unsigned alpha = 255;
    if (channels <= 2) {
      rgb[0] = rgb[1] = rgb[2] = in[0];
      if (channels == 2) alpha = in[1];
    } else {
      rgb[0] = in[0];
      rgb[1] = in[1];
      rgb[2] = in[2];
      if (channels == 4) alpha = in[3];
    }
    for (int c = 0; c < 3; ++c) {
      // over white: v * a + 255 * (1 - a), rounded
      const unsigned v = rgb[c] * alpha + 255u * (255u - alpha);
      out[i * 3 + c] = static_cast<std::uint8_t>((v + 127) / 255);
    }
  }
  return out;
}

}  // namespace

VisionImage PreparedVisionImage::view() const {
  VisionImage out;
  out.sha256 = sha256;
  out.name = name.empty() ? sha256 : name;
  out.jpeg = jpeg;
  out.width = width;
  out.height = height;
  out.rgb = rgb;
  return out;
}

Result<PreparedVisionImage> prepare_vision_image(const Source& source,
                                                 std::string sha256,
                                                 const Limits& limits) {
  PreparedVisionImage out;
  out.name = source.name();
  if (sha256.empty()) {
    auto digest = imagebank::sha256(source);
    if (!digest.ok()) return digest.status();
    sha256 = to_hex(*digest);
  }
  out.sha256 = std::move(sha256);
  DecodeOptions decode_options;
  decode_options.limits = limits;
  decode_options.target_width = kVisionMaxSide;
  decode_options.target_height = kVisionMaxSide;
  auto decoded = decode(source, decode_options);
  if (!decoded.ok()) return decoded.status();
  Geometry box;
  box.width = kVisionMaxSide;
  box.height = kVisionMaxSide;
  box.fit = Fit::kFit;
  auto fitted = fit_to(*decoded, box);
  if (!fitted.ok()) return fitted.status().with_context(out.name);
  const Image& small = *fitted;
  out.width = static_cast<int>(small.width());
  out.height = static_cast<int>(small.height());
  out.rgb = to_rgb(small);
  auto rgb_image = Image::create(small.width(), small.height(), 3);
  if (!rgb_image.ok()) return rgb_image.status().with_context(out.name);
  std::memcpy(rgb_image->data(), out.rgb.data(), out.rgb.size());
  EncodeOptions jpeg;
  jpeg.format = Format::kJpeg;
  jpeg.quality = 85;
  jpeg.progressive = false;
  auto encoded = encode(*rgb_image, jpeg);
  if (!encoded.ok()) return encoded.status().with_context(out.name);
  out.jpeg.resize(encoded->size());
  std::memcpy(out.jpeg.data(), encoded->data(), encoded->size());
  return out;
}

}  // namespace imagebank
