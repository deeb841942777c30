#include "pillow_decode.hpp"

#include <string>
#include <vector>

#include "image/probe_formats.hpp"
#include "pillow_imagehash.hpp"

namespace imagebank::pillow {
namespace {

constexpr std::size_t kBatch = 16;

// Rows of a decoded Image to "L", a batch at a time.
void feed_image(const Image& image, LumaSink& sink) {
  const std::uint32_t w = image.width();
  std::vector<std::uint8_t> luma(std::size_t{w} * kBatch);
  for (std::uint32_t y = 0; y < image.height(); y += kBatch) {
    const std::size_t n = std::min<std::size_t>(kBatch, image.height() - y);
    if (image.channels() == 1) {
      sink.rows(image.row(y), n, image.stride());
      continue;
    }
    for (std::size_t i = 0; i < n; ++i) {
      row_to_luma(image.row(static_cast<std::uint32_t>(y + i)),
                  image.channels(), w, luma.data() + i * w);
    }
    sink.rows(luma.data(), n, w);
  }
}

}  // namespace

Status image_luma(const Image& image, LumaSink& sink) {
  if (image.empty()) return invalid_argument_error("the image is empty");
  IMAGEBANK_RETURN_IF_ERROR(sink.begin(image.width(), image.height()));
  feed_image(image, sink);
  return ok_status();
}

Status decode_luma(const Source& source, const Limits& limits, LumaSink& sink) {
  const detail::Deadline deadline(limits.decode_deadline);
  IMAGEBANK_ASSIGN_OR_RETURN(const ImageInfo info,
                             detail::probe_unnamed(source, limits));
  switch (info.format) {
    case Format::kJpeg:
      return decode_jpeg_luma(source, info, limits, deadline, sink);
    case Format::kPng:
      return decode_png_luma(source, info, limits, deadline, sink);
    case Format::kWebp:
    case Format::kAvif: {
      // Pillow's view: as stored, no profile applied.
      DecodeOptions options;
      options.limits = limits;
      options.auto_orient = false;
      options.to_srgb = false;
      Result<detail::RawDecode> raw =
          info.format == Format::kWebp
              ? detail::decode_webp(source, info, 1, options, deadline)
              : detail::decode_avif(source, info, options, deadline);
      if (!raw.ok()) return raw.status();
      if (deadline.expired()) return deadline.status();
      IMAGEBANK_RETURN_IF_ERROR(
          sink.begin(raw->image.width(), raw->image.height()));
      feed_image(raw->image, sink);
      return ok_status();
    }
    default:
      return unsupported_format_error("cannot decode " +
                                      std::string(format_name(info.format)));
  }
}

}  // namespace imagebank::pillow
