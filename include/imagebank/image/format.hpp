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

// "jpeg", "png", "webp", "avif", "gif", "tiff", "heic", "bmp", "svg", "jxl",
// "unknown".
std::string_view format_name(Format format) noexcept;

// The inverse of format_name (case-sensitive); nullopt for other strings.
std::optional<Format> format_from_name(std::string_view name) noexcept;

// "image/jpeg", ...; "application/octet-stream" for kUnknown.
std::string_view mime_type(Format format) noexcept;

bool is_supported(Format format) noexcept;

// Identifies the format from the leading bytes of a file. Needs up to
// kSniffBytes bytes (fewer if the file is shorter); the answer is kUnknown
// when nothing matches.
inline constexpr std::size_t kSniffBytes = 512;
Format sniff_format(std::span<const std::byte> head) noexcept;

}  // namespace imagebank
