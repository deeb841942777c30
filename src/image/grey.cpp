// The two grey views (imagebank/image/grey.hpp): per-format dispatch after
// one probe. JPEG and PNG have their own grey decoders (jpeg/jpeg_grey*.cpp,
// png/png_grey.cpp); WebP and AVIF go through the regular decoders, as
// stored and without colour conversion, then to "L".
#include "imagebank/image/grey.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "codecs.hpp"
#include "grey_internal.hpp"
#include "imagebank/image/decode.hpp"
#include "probe_formats.hpp"

namespace imagebank {
namespace detail {

Status GreyCollector::begin(std::uint32_t width, std::uint32_t height) {
  IMAGEBANK_ASSIGN_OR_RETURN(image_, Image::create(width, height, 1, limits_));
  return ok_status();
}

void GreyCollector::rows(const std::uint8_t* rows, std::size_t count,
                         std::size_t stride) {
  for (std::size_t i = 0; i < count && next_ < image_.height(); ++i) {
    std::memcpy(image_.row(next_++), rows + i * stride, image_.width());
  }
}

namespace {

constexpr std::size_t kBatch = 16;

// Rows of a decoded Image to "L", a batch at a time.
void feed_image(const Image& image, GreyRowSink& sink) {
  const std::uint32_t w = image.width();
  std::vector<std::uint8_t> luma(std::size_t{w} * kBatch);
  for (std::uint32_t y = 0; y < image.height(); y += kBatch) {
    const std::size_t n = std::min<std::size_t>(kBatch, image.height() - y);
    if (image.channels() == 1) {
      sink.rows(image.row(y), n, image.stride());
      continue;
    }
    for (std::size_t i = 0; i < n; ++i) {
      row_to_pillow_luma(image.row(static_cast<std::uint32_t>(y + i)),
                         image.channels(), w, luma.data() + i * w);
    }
    sink.rows(luma.data(), n, w);
  }
}

// The regular decoder's output as stored, no profile applied.
Result<RawDecode> decode_as_stored(const Source& source, const ImageInfo& info,
                                   const Limits& limits, int shrink,
                                   const Deadline& deadline) {
  const Codec& codec = detail::codec(info.format);
  if (codec.decode == nullptr) {
    return unsupported_format_error("cannot decode " +
                                    std::string(format_name(info.format)));
  }
  DecodeOptions options;
  options.limits = limits;
  options.auto_orient = false;
  options.to_srgb = false;
  return codec.decode(source, info, shrink, options, deadline);
}

Status pillow_grey_unnamed(const Source& source, const Limits& limits,
                           GreyRowSink& sink) {
  const Deadline deadline(limits.decode_deadline);
  IMAGEBANK_ASSIGN_OR_RETURN(const ImageInfo info,
                             probe_unnamed(source, limits));
  const Codec& codec = detail::codec(info.format);
  if (codec.pillow_grey != nullptr) {
    return codec.pillow_grey(source, limits, deadline, sink);
  }
  Result<RawDecode> raw = decode_as_stored(source, info, limits, 1, deadline);
  if (!raw.ok()) return raw.status();
  if (deadline.expired()) return deadline.status();
  IMAGEBANK_RETURN_IF_ERROR(
      sink.begin(raw->image.width(), raw->image.height()));
  feed_image(raw->image, sink);
  return ok_status();
}

Result<Image> grey_of(Image image, const Limits& limits) {
  if (image.channels() == 1) return image;
  IMAGEBANK_ASSIGN_OR_RETURN(
      Image grey, Image::create(image.width(), image.height(), 1, limits));
  for (std::uint32_t y = 0; y < image.height(); ++y) {
    row_to_pillow_luma(image.row(y), image.channels(), image.width(),
                       grey.row(y));
  }
  return grey;
}

Result<Image> fast_grey_unnamed(const Source& source, const Limits& limits,
                                std::uint32_t min_side) {
  IMAGEBANK_ASSIGN_OR_RETURN(const ImageInfo info,
                             probe_unnamed(source, limits));
  const Deadline deadline(limits.decode_deadline);
  int shrink = 1;
  if (format_info(info.format).shrink_on_load) {
    shrink = shrink_on_load_factor(info.width, info.height, info.orientation,
                                   min_side, min_side);
  }
  Image grey;
  if (info.format == Format::kJpeg && info.channels != 4) {
    IMAGEBANK_ASSIGN_OR_RETURN(
        grey, decode_jpeg_fast_grey(source, limits, shrink, deadline));
  } else if (info.format == Format::kPng) {
    GreyCollector collector(limits);
    IMAGEBANK_RETURN_IF_ERROR(decode_png_grey(source, limits, deadline,
                                              collector,
                                              /*pillow_16bit=*/false));
    grey = collector.take();
  } else {
    Result<RawDecode> raw =
        decode_as_stored(source, info, limits, shrink, deadline);
    if (!raw.ok()) return raw.status();
    if (deadline.expired()) return deadline.status();
    IMAGEBANK_ASSIGN_OR_RETURN(grey, grey_of(std::move(raw->image), limits));
  }
  if (info.orientation != 1) {
    IMAGEBANK_ASSIGN_OR_RETURN(grey, apply_orientation(grey, info.orientation));
  }
  return grey;
}

}  // namespace
}  // namespace detail

Status decode_pillow_grey(const Source& source, const Limits& limits,
                          GreyRowSink& sink) {
  const Status status = detail::pillow_grey_unnamed(source, limits, sink);
  if (!status.ok()) return status.with_context(source.name());
  return status;
}

Result<Image> decode_pillow_grey(const Source& source, const Limits& limits) {
  detail::GreyCollector collector(limits);
  IMAGEBANK_RETURN_IF_ERROR(decode_pillow_grey(source, limits, collector));
  return collector.take();
}

Status pillow_grey_rows(const Image& image, GreyRowSink& sink) {
  if (image.empty()) return invalid_argument_error("the image is empty");
  IMAGEBANK_RETURN_IF_ERROR(sink.begin(image.width(), image.height()));
  detail::feed_image(image, sink);
  return ok_status();
}

Result<Image> pillow_grey(const Image& image) {
  if (image.empty()) return invalid_argument_error("the image is empty");
  // The pixels exist already: no limit applies to their grey copy.
  return detail::grey_of(
      image, Limits{.max_pixels = UINT64_MAX, .max_dimension = UINT32_MAX});
}

Result<Image> decode_fast_grey(const Source& source, const Limits& limits,
                               std::uint32_t min_side) {
  Result<Image> grey = detail::fast_grey_unnamed(source, limits, min_side);
  if (!grey.ok()) return grey.status().with_context(source.name());
  return grey;
}

}  // namespace imagebank
