// WebP encode with libwebp's advanced API; the ICC profile and EXIF block,
// when asked for, are added with libwebpmux.
//
// WebP has no gray mode: gray and gray+alpha are expanded to RGB(A). Lossy
// WebP is always 4:2:0, so `subsampling` does not apply. Transparent pixels
// may have their colour changed (config.exact = 0): it is invisible and
// compresses better. Encoding is single-threaded (thread_level 0): callers
// run encodes in parallel, and one thread keeps the output reproducible.
#include <webp/encode.h>
#include <webp/mux.h>

#include <memory>
#include <new>
#include <string>

#include "../encode_internal.hpp"

namespace imagebank::detail {
namespace {

struct Picture {
  WebPPicture pic{};
  bool initialised = false;
  Picture() = default;
  Picture(const Picture&) = delete;
  Picture& operator=(const Picture&) = delete;
  ~Picture() {
    if (initialised) WebPPictureFree(&pic);
  }
};

struct Sink {
  std::vector<std::byte> out;
  bool out_of_memory = false;
};

// Called by libwebp (C): nothing may propagate. 0 aborts the encode.
int write_to_sink(const std::uint8_t* data, std::size_t size,
                  const WebPPicture* picture) {
  auto* sink = static_cast<Sink*>(picture->custom_ptr);
  try {
    const auto* p = reinterpret_cast<const std::byte*>(data);
    sink->out.insert(sink->out.end(), p, p + size);
    return 1;
  } catch (const std::bad_alloc&) {
    sink->out_of_memory = true;
    return 0;
  }
}

const char* encoding_error_text(WebPEncodingError code) {
  switch (code) {
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY:
      return "out of memory";
    case VP8_ENC_ERROR_NULL_PARAMETER:
      return "null parameter";
    case VP8_ENC_ERROR_INVALID_CONFIGURATION:
      return "invalid configuration";
    case VP8_ENC_ERROR_BAD_DIMENSION:
      return "bad dimension";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
      return "partition 0 overflow (512 KiB)";
    case VP8_ENC_ERROR_PARTITION_OVERFLOW:
      return "partition overflow (16 MiB)";
    case VP8_ENC_ERROR_BAD_WRITE:
      return "write failed";
    case VP8_ENC_ERROR_FILE_TOO_BIG:
      return "file too big (4 GiB)";
    case VP8_ENC_ERROR_USER_ABORT:
      return "aborted";
    default:
      return "unknown error";
  }
}

// Lossless levels run 0-9 (cwebp -z); effort 0-6 spreads over them so that
// the default effort 4 is cwebp's default level 6 and effort 6 the maximum.
int lossless_level(int effort) { return (effort * 9 + 3) / 6; }

// Imports the pixels; gray and gray+alpha are expanded first, as libwebp
// takes only RGB(A).
Status import_pixels(const Image& image, WebPPicture* pic) {
  const int c = image.channels();
  const std::uint8_t* rgb = image.data();
  std::unique_ptr<std::uint8_t[]> expanded;
  int out_c = c;
  if (c <= 2) {
    out_c = c + 2;
    const std::size_t pixels = std::size_t{image.width()} * image.height();
    expanded.reset(new (std::nothrow) std::uint8_t[pixels * out_c]);
    if (!expanded) return limit_exceeded_error("out of memory for WebP");
    const std::uint8_t* src = image.data();
    std::uint8_t* dst = expanded.get();
    for (std::size_t i = 0; i < pixels; ++i, src += c, dst += out_c) {
      dst[0] = dst[1] = dst[2] = src[0];
      if (c == 2) dst[3] = src[1];
    }
    rgb = expanded.get();
  }
  const int stride = static_cast<int>(image.width()) * out_c;
  const int ok = out_c == 4 ? WebPPictureImportRGBA(pic, rgb, stride)
                            : WebPPictureImportRGB(pic, rgb, stride);
  if (!ok) {
    return limit_exceeded_error(std::string("libwebp could not import: ") +
                                encoding_error_text(pic->error_code));
  }
  return ok_status();
}

struct Mux {
  WebPMux* mux = WebPMuxNew();
  Mux() = default;
  Mux(const Mux&) = delete;
  Mux& operator=(const Mux&) = delete;
  ~Mux() {
    if (mux) WebPMuxDelete(mux);
  }
};

Status mux_failure(const char* what, WebPMuxError err) {
  if (err == WEBP_MUX_MEMORY_ERROR) {
    return limit_exceeded_error("out of memory for WebP metadata");
  }
  return internal_error(std::string("libwebpmux failed to ") + what +
                        " (error " + std::to_string(static_cast<int>(err)) +
                        ")");
}

// Rewraps a plain WebP file as VP8X with ICCP and EXIF chunks.
Result<std::vector<std::byte>> add_metadata(const std::vector<std::byte>& webp,
                                            const EncodeMetadata& meta) {
  Mux m;
  if (!m.mux) return limit_exceeded_error("out of memory for WebP metadata");
  // copy_data = 0: the mux points into our buffers, which outlive it.
  const WebPData image{reinterpret_cast<const std::uint8_t*>(webp.data()),
                       webp.size()};
  WebPMuxError err = WebPMuxSetImage(m.mux, &image, 0);
  if (err != WEBP_MUX_OK) return mux_failure("set the image", err);
  if (!meta.icc.empty()) {
    const WebPData icc{reinterpret_cast<const std::uint8_t*>(meta.icc.data()),
                       meta.icc.size()};
    err = WebPMuxSetChunk(m.mux, "ICCP", &icc, 0);
    if (err != WEBP_MUX_OK) return mux_failure("add the ICC profile", err);
  }
  if (!meta.exif.empty()) {
    const WebPData exif{reinterpret_cast<const std::uint8_t*>(meta.exif.data()),
                        meta.exif.size()};
    err = WebPMuxSetChunk(m.mux, "EXIF", &exif, 0);
    if (err != WEBP_MUX_OK) return mux_failure("add the EXIF block", err);
  }
  WebPData assembled;
  WebPDataInit(&assembled);
  err = WebPMuxAssemble(m.mux, &assembled);
  if (err != WEBP_MUX_OK) {
    WebPDataClear(&assembled);
    return mux_failure("assemble the file", err);
  }
  std::vector<std::byte> out;
  try {
    const auto* p = reinterpret_cast<const std::byte*>(assembled.bytes);
    out.assign(p, p + assembled.size);
  } catch (const std::bad_alloc&) {
    WebPDataClear(&assembled);
    return limit_exceeded_error("out of memory for the WebP output");
  }
  WebPDataClear(&assembled);
  return out;
}

}  // namespace

Result<std::vector<std::byte>> encode_webp(const Image& image,
                                           const EncodeOptions& options) {
  if (image.width() > WEBP_MAX_DIMENSION ||
      image.height() > WEBP_MAX_DIMENSION) {
    return invalid_argument_error(
        "image of " + std::to_string(image.width()) + "x" +
        std::to_string(image.height()) + " is too large for WebP (max " +
        std::to_string(WEBP_MAX_DIMENSION) + " per side)");
  }
  // WebP has no gray mode, so the profile is the RGB one even for gray input.
  IMAGEBANK_ASSIGN_OR_RETURN(const EncodeMetadata meta,
                             encode_metadata(options, /*gray=*/false));

  WebPConfig config;
  if (!WebPConfigInit(&config)) {
    return internal_error("libwebp version mismatch");
  }
  if (options.lossless) {
    if (!WebPConfigLosslessPreset(&config, lossless_level(options.effort))) {
      return internal_error("libwebp rejected the lossless preset");
    }
  } else {
    config.quality = static_cast<float>(options.quality);
    config.method = options.effort;
  }
  config.exact = 0;
  config.thread_level = 0;
  if (!WebPValidateConfig(&config)) {
    return internal_error("libwebp rejected the configuration");
  }

  Picture picture;
  if (!WebPPictureInit(&picture.pic)) {
    return internal_error("libwebp version mismatch");
  }
  picture.initialised = true;
  picture.pic.width = static_cast<int>(image.width());
  picture.pic.height = static_cast<int>(image.height());
  // Lossless works on ARGB, lossy on YUV: importing straight into the one the
  // encoder uses avoids a second conversion.
  picture.pic.use_argb = options.lossless ? 1 : 0;
  IMAGEBANK_RETURN_IF_ERROR(import_pixels(image, &picture.pic));

  Sink sink;
  picture.pic.writer = write_to_sink;
  picture.pic.custom_ptr = &sink;
  if (!WebPEncode(&config, &picture.pic)) {
    if (sink.out_of_memory ||
        picture.pic.error_code == VP8_ENC_ERROR_OUT_OF_MEMORY ||
        picture.pic.error_code == VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY) {
      return limit_exceeded_error("out of memory for WebP");
    }
    return internal_error(std::string("libwebp failed to encode: ") +
                          encoding_error_text(picture.pic.error_code));
  }
  if (meta.icc.empty() && meta.exif.empty()) return std::move(sink.out);
  return add_metadata(sink.out, meta);
}

// The settings that change a WebP's bytes, for encoder_fingerprint().
// Lossless ignores quality; leaving it out keeps keys stable when a caller
// changes only the (unused) quality.
std::string webp_encoder_settings(const EncodeOptions& options) {
  std::string settings = options.lossless
                             ? std::string("webp:lossless")
                             : "webp:q" + std::to_string(options.quality);
  return settings + ":e" + std::to_string(options.effort);
}

std::string webp_encoder_version() {
  const int v = WebPGetEncoderVersion();
  return "libwebp " + std::to_string((v >> 16) & 0xFF) + "." +
         std::to_string((v >> 8) & 0xFF) + "." + std::to_string(v & 0xFF);
}

}  // namespace imagebank::detail
