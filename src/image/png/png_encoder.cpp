// PNG encode with libspng: 8-bit gray, gray+alpha, RGB or RGBA (colour
// types 0, 4, 2, 6), adaptive filtering, zlib at the requested level.
//
// The output is streamed into our vector rather than built with
// SPNG_ENCODE_TO_BUFFER, which would hold a second, malloc'd copy of the
// whole file until we copied it out.
#include <spng.h>

#include <algorithm>
#include <new>
#include <string>

#include "../encode_internal.hpp"

namespace imagebank::detail {
namespace {

struct SpngEncoder {
  spng_ctx* ctx = spng_ctx_new(SPNG_CTX_ENCODER);
  SpngEncoder() = default;
  SpngEncoder(const SpngEncoder&) = delete;
  SpngEncoder& operator=(const SpngEncoder&) = delete;
  ~SpngEncoder() {
    if (ctx) spng_ctx_free(ctx);
  }
};

struct Sink {
  std::vector<std::byte> out;
  bool out_of_memory = false;
};

// Called by libspng (C) for each piece of output: nothing may propagate.
int write_to_sink(spng_ctx*, void* user, void* data, std::size_t length) {
  auto* sink = static_cast<Sink*>(user);
  try {
    const auto* p = static_cast<const std::byte*>(data);
    sink->out.insert(sink->out.end(), p, p + length);
    return 0;
  } catch (const std::bad_alloc&) {
    sink->out_of_memory = true;
    return SPNG_IO_ERROR;
  }
}

std::uint8_t colour_type(int channels) {
  switch (channels) {
    case 1:
      return SPNG_COLOR_TYPE_GRAYSCALE;
    case 2:
      return SPNG_COLOR_TYPE_GRAYSCALE_ALPHA;
    case 3:
      return SPNG_COLOR_TYPE_TRUECOLOR;
    default:
      return SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
  }
}

Status spng_failure(const char* what, int err, const Sink& sink) {
  if (sink.out_of_memory) {
    return limit_exceeded_error("out of memory for the PNG output");
  }
  if (err == SPNG_EMEM) return limit_exceeded_error("out of memory for PNG");
  return internal_error(std::string("libspng failed to ") + what + ": " +
                        spng_strerror(err));
}

}  // namespace

Result<std::vector<std::byte>> encode_png(const Image& image,
                                          const EncodeOptions& options) {
  const bool gray = image.channels() <= 2;
  IMAGEBANK_ASSIGN_OR_RETURN(const EncodeMetadata meta,
                             encode_metadata(options, gray));
  SpngEncoder enc;
  if (!enc.ctx) return limit_exceeded_error("out of memory for PNG");
  Sink sink;
  if (int err = spng_set_png_stream(enc.ctx, write_to_sink, &sink)) {
    return spng_failure("set the output", err, sink);
  }
  spng_ihdr ihdr{};
  ihdr.width = image.width();
  ihdr.height = image.height();
  ihdr.bit_depth = 8;
  ihdr.color_type = colour_type(image.channels());
  if (int err = spng_set_ihdr(enc.ctx, &ihdr)) {
    return spng_failure("set the header", err, sink);
  }
  if (int err = spng_set_option(enc.ctx, SPNG_IMG_COMPRESSION_LEVEL,
                                options.compression_level)) {
    return spng_failure("set the compression level", err, sink);
  }
  // libspng keeps pointers to the profile and EXIF data, not copies; both
  // outlive the encode (the profile is static, meta is in this frame). It
  // never writes through them.
  spng_iccp iccp{};
  if (!meta.icc.empty()) {
    static constexpr char kName[] = "sRGB";
    static_assert(sizeof kName <= sizeof iccp.profile_name);
    std::copy(kName, kName + sizeof kName, iccp.profile_name);
    iccp.profile_len = meta.icc.size();
    iccp.profile =
        const_cast<char*>(reinterpret_cast<const char*>(meta.icc.data()));
    if (int err = spng_set_iccp(enc.ctx, &iccp)) {
      return spng_failure("set the ICC profile", err, sink);
    }
  }
  spng_exif exif{};
  if (!meta.exif.empty()) {
    exif.length = meta.exif.size();
    exif.data =
        const_cast<char*>(reinterpret_cast<const char*>(meta.exif.data()));
    if (int err = spng_set_exif(enc.ctx, &exif)) {
      return spng_failure("set the EXIF block", err, sink);
    }
  }
  if (int err = spng_encode_image(enc.ctx, image.data(), image.size_bytes(),
                                  SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE)) {
    return spng_failure("encode", err, sink);
  }
  return std::move(sink.out);
}

// The settings that change a PNG's bytes, for encoder_fingerprint().
std::string png_encoder_settings(const EncodeOptions& options) {
  return "png:z" + std::to_string(options.compression_level);
}

std::string png_encoder_version() {
  return std::string("libspng ") + spng_version_string();
}

}  // namespace imagebank::detail
