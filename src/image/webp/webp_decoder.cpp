// WebP decode with libwebp: scaled decode for shrink-on-load; animations
// give their first frame (Limits::max_frames is 1 by default).
#include <webp/decode.h>
#include <webp/demux.h>

#include <cstring>

#include "../decode_formats.hpp"

namespace imagebank::detail {
namespace {

std::vector<std::byte> icc_of(const std::vector<std::byte>& bytes) {
  WebPData data{reinterpret_cast<const std::uint8_t*>(bytes.data()),
                bytes.size()};
  WebPDemuxer* demux = WebPDemux(&data);
  if (!demux) return {};
  std::vector<std::byte> icc;
  WebPChunkIterator it;
  if (WebPDemuxGetChunk(demux, "ICCP", 1, &it)) {
    const auto* p = reinterpret_cast<const std::byte*>(it.chunk.bytes);
    icc.assign(p, p + it.chunk.size);
    WebPDemuxReleaseChunkIterator(&it);
  }
  WebPDemuxDelete(demux);
  return icc;
}

Result<Image> first_frame(const std::vector<std::byte>& bytes,
                          const ImageInfo& info, const Limits& limits) {
  WebPAnimDecoderOptions opts;
  WebPAnimDecoderOptionsInit(&opts);
  opts.color_mode = MODE_RGBA;
  opts.use_threads = 0;
  WebPData data{reinterpret_cast<const std::uint8_t*>(bytes.data()),
                bytes.size()};
  WebPAnimDecoder* dec = WebPAnimDecoderNew(&data, &opts);
  if (!dec) return corrupt_data_error("corrupt animated WebP");
  std::uint8_t* rgba = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderGetNext(dec, &rgba, &timestamp)) {
    WebPAnimDecoderDelete(dec);
    return corrupt_data_error("corrupt animated WebP: no decodable frame");
  }
  Result<Image> image =
      Image::create(info.width, info.height, info.has_alpha ? 4 : 3, limits);
  if (image.ok()) {
    const std::size_t pixels = std::size_t{info.width} * info.height;
    if (info.has_alpha) {
      std::memcpy(image->data(), rgba, pixels * 4);
    } else {
      for (std::size_t i = 0; i < pixels; ++i) {
        std::memcpy(image->data() + 3 * i, rgba + 4 * i, 3);
      }
    }
  }
  WebPAnimDecoderDelete(dec);
  return image;
}

}  // namespace

Result<RawDecode> decode_webp(const Source& source, const ImageInfo& info,
                              int shrink, const DecodeOptions& options,
                              const Deadline& deadline) {
  IMAGEBANK_ASSIGN_OR_RETURN(const std::vector<std::byte> bytes,
                             read_all(source));
  RawDecode raw;
  if (info.frames > 1) {
    IMAGEBANK_ASSIGN_OR_RETURN(raw.image,
                               first_frame(bytes, info, options.limits));
  } else {
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) {
      return internal_error("libwebp version mismatch");
    }
    const int channels = info.has_alpha ? 4 : 3;
    std::uint32_t width = info.width;
    std::uint32_t height = info.height;
    if (shrink > 1) {
      width = (width + shrink - 1) / shrink;
      height = (height + shrink - 1) / shrink;
      config.options.use_scaling = 1;
      config.options.scaled_width = static_cast<int>(width);
      config.options.scaled_height = static_cast<int>(height);
    }
    IMAGEBANK_ASSIGN_OR_RETURN(
        Image image, Image::create(width, height, channels, options.limits));
    config.output.colorspace = channels == 4 ? MODE_RGBA : MODE_RGB;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = image.data();
    config.output.u.RGBA.stride = static_cast<int>(image.stride());
    config.output.u.RGBA.size = image.size_bytes();
    const VP8StatusCode code =
        WebPDecode(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                   bytes.size(), &config);
    WebPFreeDecBuffer(&config.output);
    if (code == VP8_STATUS_NOT_ENOUGH_DATA) {
      return corrupt_data_error("truncated: the WebP data ends early");
    }
    if (code != VP8_STATUS_OK) {
      return corrupt_data_error("corrupt WebP data (libwebp status " +
                                std::to_string(static_cast<int>(code)) + ")");
    }
    raw.image = std::move(image);
  }
  if (deadline.expired()) return deadline.status();
  if (options.to_srgb && info.icc) raw.icc = icc_of(bytes);
  return raw;
}

}  // namespace imagebank::detail
