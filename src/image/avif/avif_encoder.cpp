// AVIF encode with libavif 0.11 and libaom, 8-bit.
//
// Colour is 4:2:0 by default (4:4:4 when asked), gray and gray+alpha are
// 4:0:0 (monochrome). Full-range BT.601 YUV and sRGB CICP (1/13/6), written
// as an nclx colr box unless an ICC profile is embedded.
//
// Quality: libavif 0.11 takes quantizers (0 best - 63 worst), not the 1-100
// quality of libavif 1.x; q maps the way 1.x does, round((100 - q) * 63 /
// 100), and both min and max quantizer get it so the encoder runs at a
// constant quantizer. Alpha is lossless (quantizer 0), as avifenc's default:
// cut-out edges are where compression artefacts show most, and a product
// mask (mostly 0 and 255) costs little to keep exact.
#include <avif/avif.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "../encode_internal.hpp"

namespace imagebank::detail {
namespace {

struct AvifImage {
  avifImage* image = nullptr;
  AvifImage() = default;
  AvifImage(const AvifImage&) = delete;
  AvifImage& operator=(const AvifImage&) = delete;
  ~AvifImage() {
    if (image) avifImageDestroy(image);
  }
};

struct AvifEncoder {
  avifEncoder* encoder = avifEncoderCreate();
  AvifEncoder() = default;
  AvifEncoder(const AvifEncoder&) = delete;
  AvifEncoder& operator=(const AvifEncoder&) = delete;
  ~AvifEncoder() {
    if (encoder) avifEncoderDestroy(encoder);
  }
};

struct AvifOutput {
  avifRWData data = AVIF_DATA_EMPTY;
  AvifOutput() = default;
  AvifOutput(const AvifOutput&) = delete;
  AvifOutput& operator=(const AvifOutput&) = delete;
  ~AvifOutput() { avifRWDataFree(&data); }
};

Status avif_failure(const char* what, avifResult r,
                    const avifDiagnostics* diag) {
  std::string reason = avifResultToString(r);
  if (diag && diag->error[0] != '\0') reason += std::string(": ") + diag->error;
  if (r == AVIF_RESULT_OUT_OF_MEMORY) {
    return limit_exceeded_error("out of memory for AVIF: " + reason);
  }
  return internal_error(std::string("libavif failed to ") + what + ": " +
                        reason);
}

int quantizer_of(int quality) { return ((100 - quality) * 63 + 50) / 100; }

// Gray and gray+alpha: the samples go straight into the Y and alpha planes;
// with full range, Y of a gray pixel is its value.
Status fill_monochrome(const Image& image, avifImage* yuv) {
  const bool alpha = image.channels() == 2;
  avifResult r = avifImageAllocatePlanes(
      yuv, alpha ? (AVIF_PLANES_YUV | AVIF_PLANES_A) : AVIF_PLANES_YUV);
  if (r != AVIF_RESULT_OK) return avif_failure("allocate planes", r, nullptr);
  const int c = image.channels();
  for (std::uint32_t y = 0; y < image.height(); ++y) {
    const std::uint8_t* src = image.row(y);
    std::uint8_t* luma = yuv->yuvPlanes[AVIF_CHAN_Y] + y * yuv->yuvRowBytes[0];
    if (!alpha) {
      std::memcpy(luma, src, image.width());
      continue;
    }
    std::uint8_t* a = yuv->alphaPlane + y * yuv->alphaRowBytes;
    for (std::uint32_t x = 0; x < image.width(); ++x) {
      luma[x] = src[c * x];
      a[x] = src[c * x + 1];
    }
  }
  return ok_status();
}

Status fill_colour(const Image& image, avifImage* yuv) {
  avifRGBImage rgb;
  avifRGBImageSetDefaults(&rgb, yuv);
  rgb.format =
      image.channels() == 4 ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB;
  rgb.depth = 8;
  // libavif reads through this pointer only.
  rgb.pixels = const_cast<std::uint8_t*>(image.data());
  rgb.rowBytes = static_cast<std::uint32_t>(image.stride());
  const avifResult r = avifImageRGBToYUV(yuv, &rgb);
  if (r != AVIF_RESULT_OK) return avif_failure("convert to YUV", r, nullptr);
  return ok_status();
}

}  // namespace

Result<std::vector<std::byte>> encode_avif(const Image& image,
                                           const EncodeOptions& options) {
  const bool gray = image.channels() <= 2;
  IMAGEBANK_ASSIGN_OR_RETURN(const EncodeMetadata meta,
                             encode_metadata(options, gray));
  if (avifCodecName(AVIF_CODEC_CHOICE_AOM, AVIF_CODEC_FLAG_CAN_ENCODE) ==
      nullptr) {
    return internal_error("libavif was built without the aom encoder");
  }
  avifPixelFormat format = AVIF_PIXEL_FORMAT_YUV420;
  if (gray) {
    format = AVIF_PIXEL_FORMAT_YUV400;
  } else if (options.subsampling == ChromaSubsampling::k444) {
    format = AVIF_PIXEL_FORMAT_YUV444;
  }
  AvifImage yuv;
  yuv.image = avifImageCreate(image.width(), image.height(), 8, format);
  if (!yuv.image) return limit_exceeded_error("out of memory for AVIF");
  yuv.image->yuvRange = AVIF_RANGE_FULL;
  yuv.image->colorPrimaries = AVIF_COLOR_PRIMARIES_BT709;
  yuv.image->transferCharacteristics = AVIF_TRANSFER_CHARACTERISTICS_SRGB;
  yuv.image->matrixCoefficients = AVIF_MATRIX_COEFFICIENTS_BT601;
  IMAGEBANK_RETURN_IF_ERROR(gray ? fill_monochrome(image, yuv.image)
                                 : fill_colour(image, yuv.image));
  if (!meta.icc.empty()) {
    avifImageSetProfileICC(
        yuv.image, reinterpret_cast<const std::uint8_t*>(meta.icc.data()),
        meta.icc.size());
  }
  if (!meta.exif.empty()) {
    // Our block has no Orientation tag, so libavif's EXIF parse leaves
    // irot/imir unset.
    avifImageSetMetadataExif(
        yuv.image, reinterpret_cast<const std::uint8_t*>(meta.exif.data()),
        meta.exif.size());
  }

  AvifEncoder enc;
  if (!enc.encoder) return limit_exceeded_error("out of memory for AVIF");
  avifEncoder* e = enc.encoder;
  e->codecChoice = AVIF_CODEC_CHOICE_AOM;
  e->maxThreads = std::max(1, options.threads);
  e->speed = options.speed;
  const int q = quantizer_of(options.quality);
  e->minQuantizer = q;
  e->maxQuantizer = q;
  e->minQuantizerAlpha = AVIF_QUANTIZER_LOSSLESS;
  e->maxQuantizerAlpha = AVIF_QUANTIZER_LOSSLESS;
  AvifOutput output;
  const avifResult r = avifEncoderWrite(e, yuv.image, &output.data);
  if (r != AVIF_RESULT_OK) return avif_failure("encode", r, &e->diag);
  const auto* p = reinterpret_cast<const std::byte*>(output.data.data);
  return std::vector<std::byte>(p, p + output.data.size);
}

// The settings that change an AVIF's bytes, for encoder_fingerprint().
// libaom's output depends on its thread count, so threads belongs in the
// key (0 means 1, and keys the same).
std::string avif_encoder_settings(const EncodeOptions& options) {
  return "avif:q" + std::to_string(options.quality) + ":s" +
         std::to_string(options.speed) + ":t" +
         std::to_string(std::max(1, options.threads)) + ":" +
         (options.subsampling == ChromaSubsampling::k444 ? "444" : "420");
}

std::string avif_encoder_version() {
  // Only the encoding codec's version matters for the bytes; the list also
  // names decoders (dav1d, ...), which must not invalidate stored files.
  char codecs[256] = {};
  avifCodecVersions(codecs);
  std::string aom = "aom ?";
  const std::string all(codecs);
  if (const std::size_t at = all.find("aom ["); at != std::string::npos) {
    const std::size_t colon = all.find(':', at);
    const std::size_t end = all.find(',', at);
    if (colon != std::string::npos && colon < end) {
      aom = "aom " + all.substr(colon + 1, end == std::string::npos
                                               ? std::string::npos
                                               : end - colon - 1);
    }
  }
  return std::string("libavif ") + avifVersion() + " (" + aom + ")";
}

}  // namespace imagebank::detail
