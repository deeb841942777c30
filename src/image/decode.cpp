#include "imagebank/image/decode.hpp"

#include <string>

#include "byte_io.hpp"
#include "codecs.hpp"
#include "decode_formats.hpp"
#include "probe_formats.hpp"

namespace imagebank {
namespace detail {

Status Deadline::status() const {
  return deadline_exceeded_error("decode took longer than the deadline of " +
                                 std::to_string(budget_.count()) + " ms");
}

Result<std::vector<std::byte>> read_all(const Source& source) {
  std::vector<std::byte> bytes(static_cast<std::size_t>(source.size()));
  IMAGEBANK_RETURN_IF_ERROR(read_exact(source, 0, bytes, "file"));
  return bytes;
}

}  // namespace detail

int shrink_on_load_factor(std::uint32_t width, std::uint32_t height,
                          int orientation, std::uint32_t target_width,
                          std::uint32_t target_height) noexcept {
  if (target_width == 0 && target_height == 0) return 1;
  if (orientation >= 5) std::swap(width, height);  // compare as displayed
  for (int factor : {8, 4, 2}) {
    const std::uint64_t w = (std::uint64_t{width} + factor - 1) / factor;
    const std::uint64_t h = (std::uint64_t{height} + factor - 1) / factor;
    if (w >= 2ull * target_width && h >= 2ull * target_height) return factor;
  }
  return 1;
}

namespace {

Result<Image> decode_unnamed(const Source& source, const DecodeOptions& options,
                             DecodeReport* report) {
  detail::Deadline deadline(options.limits.decode_deadline);
  // The probe checks structure and every limit from the header before any
  // pixel memory exists.
  Result<ImageInfo> probed = detail::probe_unnamed(source, options.limits);
  if (!probed.ok()) return probed.status();
  const ImageInfo& info = *probed;
  const detail::Codec& codec = detail::codec(info.format);
  if (codec.decode == nullptr) {
    return unsupported_format_error("cannot decode " +
                                    std::string(format_name(info.format)));
  }
  int shrink = 1;
  if (codec.info.shrink_on_load) {
    shrink = shrink_on_load_factor(info.width, info.height, info.orientation,
                                   options.target_width, options.target_height);
  }
  Result<detail::RawDecode> raw =
      codec.decode(source, info, shrink, options, deadline);
  if (!raw.ok()) return raw.status();
  if (deadline.expired()) return deadline.status();
  Image image = std::move(raw->image);
  bool converted = raw->cmyk_converted;
  if (options.to_srgb && !raw->icc.empty()) {
    converted = detail::convert_to_srgb(image, raw->icc) || converted;
  }
  if (options.auto_orient && info.orientation != 1) {
    IMAGEBANK_ASSIGN_OR_RETURN(image,
                               apply_orientation(image, info.orientation));
  }
  if (report) {
    report->info = info;
    report->info.tolerated |= raw->tolerated;
    report->shrink = shrink;
    report->icc_converted = converted;
  }
  return image;
}

}  // namespace

Result<Image> decode(const Source& source, const DecodeOptions& options,
                     DecodeReport* report) {
  Result<Image> image = decode_unnamed(source, options, report);
  if (!image.ok()) return image.status().with_context(source.name());
  return image;
}

Result<Image> decode(const std::filesystem::path& path,
                     const DecodeOptions& options, DecodeReport* report) {
  IMAGEBANK_ASSIGN_OR_RETURN(const auto source, Source::file(path));
  return decode(*source, options, report);
}

Result<Image> decode(std::span<const std::byte> bytes,
                     const DecodeOptions& options, DecodeReport* report) {
  return decode(*Source::memory(bytes), options, report);
}

}  // namespace imagebank
