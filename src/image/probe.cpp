#include "imagebank/image/probe.hpp"

#include <istream>

#include "byte_io.hpp"
#include "codecs.hpp"
#include "probe_formats.hpp"

namespace imagebank {
namespace detail {

Status check_metadata_budget(std::uint64_t bytes, const Limits& limits) {
  if (bytes > limits.max_metadata_bytes) {
    return limit_exceeded_error("metadata of " + std::to_string(bytes) +
                                " bytes exceeds the limit of " +
                                std::to_string(limits.max_metadata_bytes));
  }
  return ok_status();
}

Status check_size_limits(std::uint32_t width, std::uint32_t height,
                         const Limits& limits) {
  const std::string dims = std::to_string(width) + "x" + std::to_string(height);
  if (width == 0 || height == 0) {
    return corrupt_data_error("image declares an empty size " + dims);
  }
  if (width > limits.max_dimension || height > limits.max_dimension) {
    return limit_exceeded_error("image of " + dims + " exceeds the limit of " +
                                std::to_string(limits.max_dimension) +
                                " pixels per side");
  }
  const std::uint64_t pixels = std::uint64_t{width} * height;
  if (pixels > limits.max_pixels) {
    return limit_exceeded_error("image of " + dims + " (" +
                                std::to_string(pixels) +
                                " pixels) exceeds the limit of " +
                                std::to_string(limits.max_pixels) + " pixels");
  }
  return ok_status();
}

Result<ImageInfo> probe_unnamed(const Source& source, const Limits& limits) {
  const std::uint64_t size = source.size();
  if (size == 0) return corrupt_data_error("file is empty");
  if (size > limits.max_file_bytes) {
    return limit_exceeded_error("file of " + std::to_string(size) +
                                " bytes exceeds the limit of " +
                                std::to_string(limits.max_file_bytes));
  }
  // No supported or recognised format fits a whole image in fewer bytes, so
  // a shorter file is a truncated one rather than an unknown format.
  constexpr std::uint64_t kMinImageBytes = 16;
  if (size < kMinImageBytes) {
    return corrupt_data_error("truncated: " + std::to_string(size) +
                              " bytes cannot hold an image header");
  }
  IMAGEBANK_ASSIGN_OR_RETURN(const std::vector<std::byte> head,
                             read_some(source, 0, kSniffBytes));
  const Format format = sniff_format(head);
  if (format == Format::kUnknown) {
    return unsupported_format_error("unrecognised format (first bytes " +
                                    fourcc_text(head.data()) +
                                    "); supported: JPEG, PNG, WebP, AVIF");
  }
  const Codec& codec = detail::codec(format);
  if (codec.probe == nullptr) {
    return unsupported_format_error("unsupported format " +
                                    std::string(format_name(format)) +
                                    "; supported: JPEG, PNG, WebP, AVIF");
  }
  Result<ImageInfo> info = codec.probe(source, limits);
  if (!info.ok()) return info;
  info->bytes = size;
  IMAGEBANK_RETURN_IF_ERROR(
      check_size_limits(info->width, info->height, limits));
  return info;
}

}  // namespace detail

Result<ImageInfo> probe(const Source& source, const Limits& limits) {
  Result<ImageInfo> info = detail::probe_unnamed(source, limits);
  if (!info.ok()) return info.status().with_context(source.name());
  return info;
}

Result<ImageInfo> probe(const std::filesystem::path& path,
                        const Limits& limits) {
  IMAGEBANK_ASSIGN_OR_RETURN(const auto source, Source::file(path));
  return probe(*source, limits);
}

Result<ImageInfo> probe(std::span<const std::byte> bytes,
                        const Limits& limits) {
  return probe(*Source::memory(bytes), limits);
}

Result<ImageInfo> probe(std::istream& stream, const Limits& limits) {
  IMAGEBANK_ASSIGN_OR_RETURN(const auto source, Source::stream(stream, limits));
  return probe(*source, limits);
}

}  // namespace imagebank
