// AVIF decode with libavif (dav1d): the first frame, converted to 8-bit
// RGB(A), or gray for 4:0:0.
#include <avif/avif.h>

#include <cstring>
#include <thread>

#include "../decode_formats.hpp"

namespace imagebank::detail {
namespace {

struct Decoder {
  avifDecoder* d = avifDecoderCreate();
  ~Decoder() {
    if (d) avifDecoderDestroy(d);
  }
};

Status avif_error(avifResult r, const avifDecoder& d) {
  std::string reason = avifResultToString(r);
  if (d.diag.error[0] != '\0') reason += std::string(": ") + d.diag.error;
  if (r == AVIF_RESULT_TRUNCATED_DATA) {
    return corrupt_data_error("truncated AVIF: " + reason);
  }
  if (r == AVIF_RESULT_NO_CODEC_AVAILABLE) {
    return internal_error("no AV1 decoder in libavif: " + reason);
  }
  return corrupt_data_error("corrupt AVIF: " + reason);
}

}  // namespace

Result<RawDecode> decode_avif(const Source& source, const ImageInfo& info,
                              const DecodeOptions& options,
                              const Deadline& deadline) {
  IMAGEBANK_ASSIGN_OR_RETURN(const std::vector<std::byte> bytes,
                             read_all(source));
  Decoder dec;
  if (!dec.d) return limit_exceeded_error("out of memory");
  dec.d->ignoreExif = AVIF_TRUE;
  dec.d->ignoreXMP = AVIF_TRUE;
  dec.d->imageCountLimit = 0;
  // probe() found whether the file needs libavif's lenient mode (and the
  // policy allowed it).
  dec.d->strictFlags = info.has(Tolerance::kAvifNotStrict)
                           ? AVIF_STRICT_DISABLED
                           : AVIF_STRICT_ENABLED;
  dec.d->maxThreads =
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  avifResult r = avifDecoderSetIOMemory(
      dec.d, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (r != AVIF_RESULT_OK) return avif_error(r, *dec.d);
  if ((r = avifDecoderParse(dec.d)) != AVIF_RESULT_OK) {
    return avif_error(r, *dec.d);
  }
  if ((r = avifDecoderNextImage(dec.d)) != AVIF_RESULT_OK) {
    return avif_error(r, *dec.d);
  }
  if (deadline.expired()) return deadline.status();
  avifImage* yuv = dec.d->image;
  const bool gray = yuv->yuvFormat == AVIF_PIXEL_FORMAT_YUV400;
  const bool alpha = info.has_alpha;
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image rgb_image,
      Image::create(yuv->width, yuv->height, alpha ? 4 : 3, options.limits));
  avifRGBImage rgb;
  avifRGBImageSetDefaults(&rgb, yuv);
  rgb.format = alpha ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB;
  rgb.depth = 8;
  rgb.pixels = rgb_image.data();
  rgb.rowBytes = static_cast<std::uint32_t>(rgb_image.stride());
  if ((r = avifImageYUVToRGB(yuv, &rgb)) != AVIF_RESULT_OK) {
    return avif_error(r, *dec.d);
  }
  RawDecode raw;
  if (gray) {
    // 4:0:0 converts to R = G = B; keep one channel (and alpha).
    const int out_c = alpha ? 2 : 1;
    IMAGEBANK_ASSIGN_OR_RETURN(
        Image g, Image::create(yuv->width, yuv->height, out_c, options.limits));
    const std::size_t pixels = std::size_t{yuv->width} * yuv->height;
    const int in_c = alpha ? 4 : 3;
    for (std::size_t i = 0; i < pixels; ++i) {
      g.data()[out_c * i] = rgb_image.data()[in_c * i];
      if (alpha) g.data()[out_c * i + 1] = rgb_image.data()[in_c * i + 3];
    }
    raw.image = std::move(g);
  } else {
    raw.image = std::move(rgb_image);
  }
  if (options.to_srgb && yuv->icc.size > 0) {
    const auto* p = reinterpret_cast<const std::byte*>(yuv->icc.data);
    raw.icc.assign(p, p + yuv->icc.size);
  }
  return raw;
}

}  // namespace imagebank::detail
