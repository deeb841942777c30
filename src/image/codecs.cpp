// The one table of formats (codecs.hpp). Recognised-only formats have a row
// so that errors and MIME types can name them.
#include "codecs.hpp"

#include <array>
#include <vector>

#include "encode_internal.hpp"
#include "grey_internal.hpp"
#include "probe_formats.hpp"

namespace imagebank::detail {
namespace {

// Adapters from each folder's entry points to the table's signatures.
Result<RawDecode> decode_png_row(const Source& source, const ImageInfo& info,
                                 int /*shrink*/, const DecodeOptions& options,
                                 const Deadline& deadline) {
  return decode_png(source, info, options, deadline);
}
Result<RawDecode> decode_avif_row(const Source& source, const ImageInfo& info,
                                  int /*shrink*/, const DecodeOptions& options,
                                  const Deadline& deadline) {
  return decode_avif(source, info, options, deadline);
}
Status png_pillow_grey(const Source& source, const Limits& limits,
                       const Deadline& deadline, GreyRowSink& sink) {
  return decode_png_grey(source, limits, deadline, sink,
                         /*pillow_16bit=*/true);
}

// Recognised only: the name, MIME type and extension errors and stores use.
constexpr Codec recognised(Format format, std::string_view name,
                           std::string_view mime, std::string_view extension) {
  Codec c;
  c.info = FormatInfo{format, name, mime, extension, false, false, false};
  return c;
}

// constexpr: built by the compiler, so no static-initialisation order to
// worry about, and a row out of place is a compile error.
constexpr std::array<Codec, 11> kCodecs = [] {
  std::array<Codec, 11> t{};
  t[0] = recognised(Format::kUnknown, "unknown", "application/octet-stream",
                    "bin");

  Codec& jpeg = t[1];
  jpeg.info = {Format::kJpeg, "jpeg", "image/jpeg", "jpg", true, true, true};
  jpeg.probe = probe_jpeg;
  jpeg.decode = decode_jpeg;
  jpeg.pillow_grey = decode_jpeg_pillow_grey;
  jpeg.encode = encode_jpeg;
  jpeg.encoder_settings = jpeg_encoder_settings;
  jpeg.encoder_version = jpeg_encoder_version;

  Codec& png = t[2];
  png.info = {Format::kPng, "png", "image/png", "png", true, true, false};
  png.probe = probe_png;
  png.decode = decode_png_row;
  png.pillow_grey = png_pillow_grey;
  png.encode = encode_png;
  png.encoder_settings = png_encoder_settings;
  png.encoder_version = png_encoder_version;

  Codec& webp = t[3];
  webp.info = {Format::kWebp, "webp", "image/webp", "webp", true, true, true};
  webp.probe = probe_webp;
  webp.decode = decode_webp;
  webp.encode = encode_webp;
  webp.encoder_settings = webp_encoder_settings;
  webp.encoder_version = webp_encoder_version;

  Codec& avif = t[4];
  avif.info = {Format::kAvif, "avif", "image/avif", "avif", true, true, false};
  avif.probe = probe_avif;
  avif.decode = decode_avif_row;
  avif.encode = encode_avif;
  avif.encoder_settings = avif_encoder_settings;
  avif.encoder_version = avif_encoder_version;

  t[5] = recognised(Format::kGif, "gif", "image/gif", "gif");
  t[6] = recognised(Format::kTiff, "tiff", "image/tiff", "tiff");
  t[7] = recognised(Format::kHeic, "heic", "image/heic", "heic");
  t[8] = recognised(Format::kBmp, "bmp", "image/bmp", "bmp");
  t[9] = recognised(Format::kSvg, "svg", "image/svg+xml", "svg");
  t[10] = recognised(Format::kJxl, "jxl", "image/jxl", "jxl");
  for (std::size_t i = 0; i < t.size(); ++i) {
    // Rows sit at their enum value: codec() is an index.
    if (static_cast<std::size_t>(t[i].info.format) != i) {
      throw "codec rows must follow the Format enum";
    }
  }
  return t;
}();

}  // namespace

const Codec& codec(Format format) noexcept {
  const auto i = static_cast<std::size_t>(format);
  return i < kCodecs.size() ? kCodecs[i] : kCodecs[0];
}

std::span<const Codec> codecs() noexcept { return kCodecs; }

}  // namespace imagebank::detail

namespace imagebank {

const FormatInfo& format_info(Format format) noexcept {
  return detail::codec(format).info;
}

std::span<const FormatInfo> format_infos() noexcept {
  static const std::vector<FormatInfo> infos = [] {
    std::vector<FormatInfo> v;
    for (const detail::Codec& c : detail::codecs()) v.push_back(c.info);
    return v;
  }();
  return infos;
}

std::string_view format_name(Format format) noexcept {
  return format_info(format).name;
}

std::optional<Format> format_from_name(std::string_view name) noexcept {
  for (const detail::Codec& c : detail::codecs()) {
    if (c.info.name == name) return c.info.format;
  }
  return std::nullopt;
}

std::string_view mime_type(Format format) noexcept {
  return format_info(format).mime_type;
}

std::string_view file_extension(Format format) noexcept {
  return format_info(format).extension;
}

bool is_supported(Format format) noexcept {
  return format_info(format).can_decode;
}

}  // namespace imagebank
