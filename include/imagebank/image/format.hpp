// Image formats imagebank recognises, and the sniffing of them from the first
// bytes of a file.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace imagebank {

enum class Format : int {
  kUnknown = 0,
  // Supported: probed, decoded and encoded.
  kJpeg,
  kPng,
  kWebp,
  kAvif,
  // Recognised so that the error can say what the file is, but unsupported.
  kGif,
  kTiff,
  kHeic,
  kBmp,
  kSvg,
  kJxl,
};

// What imagebank knows of a format and can do with it: one row per format
// in one table (src/image/codecs.cpp), which probe, decode, encode, the
// variant keys and the server all read.
struct FormatInfo {
  Format format = Format::kUnknown;
  std::string_view name;        // "jpeg", ...; "unknown"
  std::string_view mime_type;   // "image/jpeg", ...
  std::string_view extension;   // what imagebank writes: "jpg", ...; "bin"
  bool can_decode = false;      // probe() and decode() read it
  bool can_encode = false;      // encode() writes it
  bool shrink_on_load = false;  // decode() can scale it by 1/2, 1/4, 1/8
};

// The row of `format` (kUnknown's for values outside the enum).
const FormatInfo& format_info(Format format) noexcept;
// Every format imagebank recognises, kUnknown first.
std::span<const FormatInfo> format_infos() noexcept;

// format_info(format).name: "jpeg", "png", "webp", "avif", "gif", "tiff",
// "heic", "bmp", "svg", "jxl", "unknown".
std::string_view format_name(Format format) noexcept;

// The inverse of format_name (case-sensitive); nullopt for other strings.
std::optional<Format> format_from_name(std::string_view name) noexcept;

// format_info(format).mime_type: "image/jpeg", ...;
// "application/octet-stream" for kUnknown.
std::string_view mime_type(Format format) noexcept;

// format_info(format).extension: "jpg", "png", "webp", "avif", ...; "bin"
// for kUnknown.
std::string_view file_extension(Format format) noexcept;

// format_info(format).can_decode.
bool is_supported(Format format) noexcept;

// Identifies the format from the leading bytes of a file. Needs up to
// kSniffBytes bytes (fewer if the file is shorter); the answer is kUnknown
// when nothing matches.
inline constexpr std::size_t kSniffBytes = 512;
Format sniff_format(std::span<const std::byte> head) noexcept;

}  // namespace imagebank
